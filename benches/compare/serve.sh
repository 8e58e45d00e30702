#!/usr/bin/env bash
# Usage: benches/compare/serve.sh [RUNS] [SECONDS]    (defaults: 3 runs of 8 s each)
# `blazetext serve` against the Python server people write for fastText models (FastAPI +
# uvicorn + the fasttext wheel, benches/compare/serve_peer.py), measured with wrk on loopback in
# one run on this machine: one-sentence classification req/s and latency, a 500-word vector
# lookup, a topic-weights request for a 200-word document, cold start and memory of a ~300 MB
# model. Uses ../shared/corpora (cooking, enwiki sample, BBC) when present, else corpora/.
set -euo pipefail
RUNS=${1:-3}; SECONDS_PER_RUN=${2:-8}
ROOT=$(realpath "$(dirname "$0")/../..")
SHARED=$ROOT/../shared/corpora
BIN=$ROOT/target/release/blazetext
VENV=${BENCH_VENV:-$ROOT/.venv-serve}
(cd "$ROOT" && cargo build --release --quiet)
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
if [ ! -x "$VENV/bin/uvicorn" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q fastapi uvicorn fasttext-numpy2
fi
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
if [ -f "$SHARED/cooking/cooking.train" ]; then
    LABELLED=$SHARED/cooking/cooking.train
    FEW_LABELS=$SHARED/ag_news/test.ft
    head -c 10000000 "$SHARED/enwiki_sample/enwiki_paragraphs.txt" > "$WORK/text.txt"
    python3 -c "
import json
with open('$SHARED/bbc/bbc.jsonl') as f, open('$WORK/docs.txt', 'w') as out:
    for line in f: out.write(' '.join(json.loads(line)['text'].split()) + '\n')"
else
    echo "note: ../shared/corpora is absent; using the small shipped corpora"
    LABELLED=$ROOT/corpora/sample-labelled.train
    FEW_LABELS=$LABELLED
    cp "$ROOT/corpora/sample.txt" "$WORK/text.txt"
    cp "$ROOT/corpora/sample-docs.txt" "$WORK/docs.txt"
fi
q="--quiet"
$BIN train --mode supervised "$LABELLED" -o "$WORK/clf" --epochs 25 --learning-rate 1.0 --word-ngrams 2 --buckets 200000 $q
$BIN train --mode supervised "$FEW_LABELS" -o "$WORK/few" --epochs 5 --word-ngrams 2 --buckets 200000 $q
$BIN train --mode supervised "$LABELLED" -o "$WORK/big" --epochs 1 --buckets 750000 --vector-dim 100 $q
$BIN train --mode skipgram "$WORK/text.txt" -o "$WORK/vec" --epochs 1 --subwords $q
$BIN topics train "$WORK/docs.txt" -o "$WORK/topics.ntm" --num-topics 20 $q
$BIN vocab build "$WORK/text.txt" -o "$WORK/vocab.tsv" $q > /dev/null
awk -F'\t' '$1 == "word" { print $2 }' "$WORK/vocab.tsv" | sed -n '100,700p' > "$WORK/words.txt"
awk 'length > 1200 { print; exit }' "$WORK/docs.txt" | cut -d' ' -f1-200 > "$WORK/doc.txt"
echo "machine: $(nproc) cores shared by the server and wrk; $(date -u +%F)"
python3 "$ROOT/benches/compare/serve_bench.py" "$BIN" "$VENV" "$WORK" "$RUNS" "$SECONDS_PER_RUN"
