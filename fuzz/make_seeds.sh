#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets (fuzz/seeds/<target>/) from the shipped corpora/
# samples with the blazetext binary: tiny models (a few dozen words, dimension 3 or 4), so that
# every seed stays a few KiB and the fuzzers mutate whole files quickly.
#
# Usage: fuzz/make_seeds.sh   (BLAZETEXT=path/to/blazetext to use another build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bt=${BLAZETEXT:-$root/target/release/blazetext}
seeds=$root/fuzz/seeds
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

head -n 30 "$root/corpora/sample.txt" >text.txt
head -n 30 "$root/corpora/sample-labelled.train" >labelled.txt
head -n 40 "$root/corpora/sample-docs.txt" | cut -c1-400 >docs.txt
common=(--epochs 1 --threads 1 --quiet)
"$bt" train --mode skipgram text.txt -o sg --dim 4 --min-count 3 --subwords --buckets 20 \
    --min-char 3 --max-char 4 "${common[@]}"
"$bt" train --mode cbow text.txt -o cbow --dim 3 --min-count 4 --loss hs "${common[@]}"
"$bt" train --mode supervised labelled.txt -o sup --dim 3 --min-count 3 --word-ngrams 2 \
    --buckets 16 "${common[@]}"
"$bt" train --mode supervised labelled.txt -o ova --dim 3 --min-count 4 --loss ova \
    --buckets 8 "${common[@]}"
"$bt" convert sg.bin sg.w2v --to w2v-bin --quiet
"$bt" convert cbow.bin cbow.w2v --to w2v-bin --quiet
"$bt" topics train docs.txt -o topics.safetensors -k 3 --epochs 2 --max-vocab-size 40 \
    --encoder-layers 4 --threads 1 --quiet

rm -rf "$seeds"
mkdir -p "$seeds"/{fasttext_bin,vec_text,word2vec_binary,manifest,topic_model,corpus_line}
cp sg.bin cbow.bin sup.bin ova.bin "$seeds/fasttext_bin/"
cp sg.vec cbow.vec "$seeds/vec_text/"
cp sg.w2v cbow.w2v "$seeds/word2vec_binary/"
cp sg.json sup.json "$seeds/manifest/"
cp topics.safetensors "$seeds/topic_model/"
# One line per seed, each prefixed with the byte that picks the pipeline (see corpus_line.rs).
n=0
while IFS= read -r line; do
    printf '%b%s' "\\x$(printf '%02x' $((n * 37 % 256)))" "$line" >"$seeds/corpus_line/line$n"
    n=$((n + 1))
done < <(head -n 4 "$root/corpora/sample.txt"; head -n 4 "$root/corpora/questions-sample.txt";
         head -n 2 "$root/corpora/sample-labelled.train")
ls -l "$seeds"/*
