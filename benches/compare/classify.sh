#!/usr/bin/env bash
# Side-by-side benchmark of supervised classification: blazetext vs the fastText 0.9.2 CLI, in one
# run, with the same hyperparameters and the same preprocessing (lowercase, punctuation split off,
# as fastText's own demo scripts do), on ../shared/corpora:
#   SST-2 (train/test), IMDB (train/test), TREC coarse (train/test), SMS spam (seeded stratified
#   80/20 split made with `blazetext split`), cooking (multi-label, ova, P@1/R@1 on cooking.valid),
#   and the AG News test split (7,600 lines; a seeded 80/20 split of it: predict + report check).
# For each set: training wall time, prediction wall time (`predict` on the test file) and test
# P@1 (= accuracy for single-label sets; each run's model scored), medians of RUNS runs (run r
# seeds both tools with r), 2 threads. A last column trains blazetext with its own defaults on
# the raw (unprocessed) files.
#
#   benches/compare/classify.sh                 # RUNS=3, THREADS=2, CORPORA=../shared/corpora
#   RUNS=5 WORK=/tmp/bench benches/compare/classify.sh
#
# The full AG News table of Joulin et al. 2017 (fastText, bigrams: 92.5%) needs the 120k-line
# training split: `corpora/fetch.sh` downloads it and writes corpora/data/ag_news.{train,test}.ft;
# then run this script with AGNEWS_TRAIN=corpora/data/ag_news.train.ft
# AGNEWS_TEST=corpora/data/ag_news.test.ft.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORPORA=${CORPORA:-$ROOT/../shared/corpora}
RUNS=${RUNS:-3}
THREADS=${THREADS:-2}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"

if [[ ! -d $CORPORA ]]; then
  echo "no corpora at $CORPORA (set CORPORA=...)" >&2
  exit 1
fi
if ! command -v fasttext >/dev/null; then
  echo "installing fasttext (Debian package, 0.9.2)" >&2
  apt-get update -qq && apt-get install -y -qq fasttext >/dev/null
fi
FT=$(command -v fasttext)
(cd "$ROOT" && cargo build --release --quiet)
BT=$ROOT/target/release/blazetext

# fastText's demo preprocessing: split off punctuation, lowercase.
prep() {
  sed -e "s/\([.\!?,'/()]\)/ \1 /g" "$1" | tr '[:upper:]' '[:lower:]' >"$2"
}

# Seconds of wall time of a command (stdout discarded).
wall() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

median() {
  sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}

# P@1 from `test` output (same format for both tools).
p_at_1() { awk '$1=="P@1"{print $2}'; }
r_at_1() { awk '$1=="R@1"{print $2}'; }

# bench NAME TRAIN TEST "COMMON FASTTEXT ARGS" "SAME ARGS FOR BLAZETEXT"
bench() {
  local name=$1 train=$2 test=$3 ftargs=$4 btargs=$5
  local d=$WORK/$name
  mkdir -p "$d"
  prep "$train" "$d/train.txt"
  prep "$test" "$d/test.txt"
  local ftt=() btt=() ftp=() btp=() fta=() bta=() ftr=() btr=() ft_test bt_test
  # Run r seeds both tools with r: P@1 is a median over seeds, not one seed's luck.
  for run in $(seq "$RUNS"); do
    # shellcheck disable=SC2086
    ftt+=("$(wall "$FT" supervised -input "$d/train.txt" -output "$d/ft" -thread "$THREADS" $ftargs -seed "$run" -verbose 0)")
    # shellcheck disable=SC2086
    btt+=("$(wall "$BT" train --mode supervised "$d/train.txt" -o "$d/bt" --threads "$THREADS" --tokenizer whitespace $btargs --seed "$run" --quiet)")
    ftp+=("$(wall "$FT" predict "$d/ft.bin" "$d/test.txt")")
    btp+=("$(wall "$BT" predict "$d/bt.bin" "$d/test.txt" --threads "$THREADS")")
    # Each run trains a new model (Hogwild threads make runs differ): score every one.
    ft_test=$("$FT" test "$d/ft.bin" "$d/test.txt")
    bt_test=$("$BT" test "$d/bt.bin" "$d/test.txt")
    fta+=("$(echo "$ft_test" | p_at_1)") bta+=("$(echo "$bt_test" | p_at_1)")
    ftr+=("$(echo "$ft_test" | r_at_1)") btr+=("$(echo "$bt_test" | r_at_1)")
  done
  # blazetext with its own defaults on the raw files (its default pipeline does the preprocessing).
  "$BT" train --mode supervised "$train" -o "$d/bt_default" --threads "$THREADS" --quiet
  local def
  def=$("$BT" test "$d/bt_default.bin" "$test" | p_at_1)
  # Models of 2M buckets take 800 MB each: keep only the one the AG News report reads.
  rm -f "$d/ft.bin" "$d/ft.vec" "$d/bt_default.bin" "$d/bt_default.vec"
  local ftt_m btt_m ftp_m btp_m
  ftt_m=$(printf '%s\n' "${ftt[@]}" | median)
  btt_m=$(printf '%s\n' "${btt[@]}" | median)
  ftp_m=$(printf '%s\n' "${ftp[@]}" | median)
  btp_m=$(printf '%s\n' "${btp[@]}" | median)
  printf '| %s | %.2f | %.2f | %.2fx | %.3f | %.3f | %.2fx | %s | %s | %s | %s |\n' \
    "$name" "$ftt_m" "$btt_m" "$(echo "$ftt_m / $btt_m" | bc -l)" \
    "$ftp_m" "$btp_m" "$(echo "$ftp_m / $btp_m" | bc -l)" \
    "$(printf '%s\n' "${fta[@]}" | median)" "$(printf '%s\n' "${bta[@]}" | median)" "$def" \
    "$(printf '%s\n' "${ftr[@]}" | median)/$(printf '%s\n' "${btr[@]}" | median)"
}

echo "blazetext $("$BT" --version | awk '{print $2}') vs $("$FT" 2>&1 | head -1 || true); $(date -u +%F); RUNS=$RUNS THREADS=$THREADS; $(nproc) cores"
echo
echo "| set | fastText train s | blazetext train s | speed-up | fastText predict s | blazetext predict s | speed-up | fastText P@1 | blazetext P@1 | blazetext defaults P@1 | R@1 ft/bt |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"

SAME="-dim 100 -lr 0.1 -epoch 5 -wordNgrams 2 -bucket 2000000 -minCount 1 -loss softmax"
BSAME="--vector-dim 100 --learning-rate 0.1 --epochs 5 --word-ngrams 2 --buckets 2000000 --min-count 1 --loss softmax"
bench sst2 "$CORPORA/sst2/train.ft" "$CORPORA/sst2/test.ft" "$SAME" "$BSAME"
bench imdb "$CORPORA/imdb/train.ft" "$CORPORA/imdb/test.ft" "$SAME" "$BSAME"
bench trec-coarse "$CORPORA/trec/train.coarse.ft" "$CORPORA/trec/test.coarse.ft" "$SAME" "$BSAME"

"$BT" split "$CORPORA/sms_spam/sms_spam.ft" --train 0.8 --validation 0 --test 0.2 --stratify --seed 1 -o "$WORK/sms" --quiet >/dev/null
bench sms-spam "$WORK/sms.train" "$WORK/sms.test" "$SAME" "$BSAME"

# fastText's tutorial settings for the multi-label cooking set.
bench cooking "$CORPORA/cooking/cooking.train" "$CORPORA/cooking/cooking.valid" \
  "-dim 50 -lr 0.5 -epoch 25 -wordNgrams 2 -bucket 200000 -minCount 1 -loss ova" \
  "--vector-dim 50 --learning-rate 0.5 --epochs 25 --word-ngrams 2 --buckets 200000 --min-count 1 --loss ova"

AGNEWS_TRAIN=${AGNEWS_TRAIN:-}
AGNEWS_TEST=${AGNEWS_TEST:-}
if [[ -z $AGNEWS_TRAIN ]]; then
  # Only the test split is staged: train on a seeded stratified 80% of it, test on the rest.
  "$BT" split "$CORPORA/ag_news/test.ft" --train 0.8 --validation 0 --test 0.2 --stratify --seed 1 -o "$WORK/agnews" --quiet >/dev/null
  AGNEWS_TRAIN=$WORK/agnews.train
  AGNEWS_TEST=$WORK/agnews.test
fi
bench ag-news "$AGNEWS_TRAIN" "$AGNEWS_TEST" "$SAME" "$BSAME"

echo
echo "AG News cross-check (blazetext report on the same-hyperparameter model):"
"$BT" report "$WORK/ag-news/bt.bin" "$WORK/ag-news/test.txt"
