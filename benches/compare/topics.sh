#!/usr/bin/env bash
# Topic models side by side: blazetext NTM vs gensim LdaMulticore and scikit-learn NMF on
# 20 Newsgroups (bydate), fed the same bag of words, scored by one evaluator; plus OCTIS BBC_News
# and M10 for K = 10..50.
#   benches/compare/topics.sh [--skip-octis] [--k 50] [--vocab 5000]
# Needs ../shared/corpora (or CORPORA=...). Creates .venv with gensim + scikit-learn if missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORPORA=${CORPORA:-$ROOT/../shared/corpora}
OUT=${OUT:-$ROOT/bench-out/topics}
VENV=${VENV:-$ROOT/.venv}
if [ ! -d "$CORPORA/20newsgroups" ]; then
  echo "corpora not found at $CORPORA (set CORPORA=...)" >&2
  exit 1
fi
mkdir -p "$OUT"
cargo build --release --manifest-path "$ROOT/Cargo.toml" >&2
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q numpy scipy gensim scikit-learn
fi
exec "$VENV/bin/python" "$ROOT/benches/compare/topics_compare.py" \
  --bin "$ROOT/target/release/blazetext" --corpora "$CORPORA" --out "$OUT" "$@"
