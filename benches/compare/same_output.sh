#!/usr/bin/env bash
# Usage: benches/compare/same_output.sh BIN OUTDIR
# Trains small models at --threads 1 with every mode, runs every query command on them, and
# writes OUTDIR/SUMS: sha256 of each model file, output (timing lines dropped) and manifest
# (timings stripped). Run it with two builds and diff the SUMS to show a change kept the files.
set -uo pipefail
BIN=$(realpath "$1"); OUT=$2; C=$(realpath "$(dirname "$0")/../../corpora")
rm -rf "$OUT"; mkdir -p "$OUT"; cd "$OUT"
q="--threads 1 --quiet"
$BIN train --mode skipgram $C/sample.txt -o sg --subwords --epochs 2 --buckets 20000 $q
$BIN train --mode cbow $C/sample.txt -o cbow --epochs 2 $q
$BIN train --mode batch_skipgram $C/sample.txt -o bsg --epochs 2 $q
$BIN train --mode supervised $C/sample-labelled.train -o clf $q
$BIN train --mode supervised $C/sample-labelled.train -o clfv --validation $C/sample-labelled.test --early-stopping --epochs 8 --threads 1 2> clfv.stderr
$BIN topics train $C/sample-docs.txt -o topics --num-topics 6 --epochs 5 $q
$BIN nn sg.bin guitar -k 5 > nn.txt 2>&1
$BIN analogy sg.bin guitar guitars piano -k 3 > analogy.txt 2>&1
$BIN eval analogies sg.bin $C/questions-sample.txt > eval_an.txt 2>&1
$BIN eval similarity sg.bin $C/similarity-sample.tsv > eval_sim.txt 2>&1
$BIN predict clf.bin $C/sample-labelled.test -k 2 --probabilities > predict.txt 2>&1
$BIN test clf.bin $C/sample-labelled.test > test.txt 2>&1
$BIN report clf.bin $C/sample-labelled.test > report.txt 2>&1
$BIN topics infer topics $C/sample-docs.txt > infer.txt 2>&1
$BIN topics show topics > show.txt 2>&1
$BIN topics eval topics $C/sample-docs.txt > topics_eval.txt 2>&1
$BIN preprocess $C/sample.txt -o pre.txt --stopwords english --stemmer english $q
$BIN vocab build $C/sample.txt -o vocab.tsv $q
$BIN convert sg.bin sg2.vec --to vec $q
# manifests hold timings: compare them without the volatile fields
for j in *.json; do python3 -c "
import json,sys
d=json.load(open('$j'))
def strip(x):
    if isinstance(x,dict): return {k:strip(v) for k,v in x.items() if k not in ('seconds','words_per_sec','words_per_sec_per_thread','tokens_per_sec_per_thread','created','version','blazetext_version','train_seconds')}
    if isinstance(x,list): return [strip(v) for v in x]
    return x
print(json.dumps(strip(d),sort_keys=True))" > "$j.stripped"; done
for t in *.txt; do grep -v -E "^loaded |documents/s|tokens/sec|words/sec" "$t" > "$t.f"; mv "$t.f" "$t"; done
sha256sum *.bin *.vec topics* *.txt *.tsv *.stripped 2>/dev/null | sort -k2 > SUMS
