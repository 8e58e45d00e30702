#!/usr/bin/env bash
# Side-by-side throughput of `blazetext preprocess` / `vocab build` and the Hugging Face tokenizers
# pipeline on the same file, checking that both produce identical tokens. Prints medians.
#
#   bash benches/compare/preprocess.sh [corpus] [runs]
#
# Default corpus: ../shared/corpora/enwiki_sample/enwiki_paragraphs.txt (57 MB).
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPUS=${1:-../shared/corpora/enwiki_sample/enwiki_paragraphs.txt}
RUNS=${2:-5}
[ -f "$CORPUS" ] || { echo "corpus $CORPUS not found" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install -q tokenizers
cargo build --release -q
.venv/bin/python benches/compare/preprocess.py "$CORPUS" "$RUNS"
