#!/usr/bin/env bash
# fastText 0.9.2 vs blazetext word embeddings, side by side in one run.
#
# Corpus: enwiki_sample/enwiki_paragraphs.txt, lowercased with punctuation split off (blazetext
# preprocess --keep-punctuation), read by both tools as whitespace-separated tokens. Settings:
# --min-count 5 --vector-dim 100 --window-size 5 --negative-samples 5, $EPOCHS epochs, $THREADS
# threads. Figures: words/sec/thread as each tool reports it, wall time and peak RSS from
# /usr/bin/time -v, analogy accuracy (questions-words.txt, restrict 30k) and WS-353 / SimLex-999
# Spearman, all judged by the same evaluator (`blazetext eval`) on both tools' .bin files.
#
# Usage: benches/compare/embed.sh   (env: EPOCHS=5 THREADS=2 RUNS=1 CORPORA=... OUT=...
#        CONFIGS="sg-sub cbow-sub cbow batch", BT=<prebuilt blazetext binary, skips cargo build>,
#        LIMIT_BYTES=<use only the first N bytes of the corpus>, NS_EXPONENT=0.5 as fastText)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORPORA=${CORPORA:-$ROOT/../shared/corpora}
OUT=${OUT:-$ROOT/bench-out/embed}
EPOCHS=${EPOCHS:-5}
THREADS=${THREADS:-2}
RUNS=${RUNS:-1}
CONFIGS=${CONFIGS:-"sg-sub cbow-sub cbow batch"}
RAW=$CORPORA/enwiki_sample/enwiki_paragraphs.txt
QUESTIONS=$CORPORA/wordsim/questions-words.txt
WS353=$CORPORA/wordsim/gensim_wordsim353.tsv
SIMLEX=$CORPORA/wordsim/gensim_simlex999.txt

if [ ! -f "$RAW" ]; then
    echo "corpus not found: $RAW (set CORPORA=/path/to/corpora)" >&2
    exit 1
fi
if ! command -v fasttext >/dev/null; then
    apt-get update && apt-get install -y fasttext
fi
if [ ! -x /usr/bin/time ]; then
    apt-get update && apt-get install -y time
fi
if [ -z "${BT:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
    BT=$ROOT/target/release/blazetext
fi
mkdir -p "$OUT"

CORPUS=$OUT/enwiki.tok
if [ ! -s "$CORPUS" ]; then
    "$BT" preprocess "$RAW" -o "$CORPUS" --keep-punctuation --quiet
fi
if [ -n "${LIMIT_BYTES:-}" ]; then
    # A quicker run on the first LIMIT_BYTES bytes (whole lines) of the prepared corpus.
    head -c "$LIMIT_BYTES" "$CORPUS" | sed '$d' >"$OUT/enwiki-head.tok"
    CORPUS=$OUT/enwiki-head.tok
fi
echo "corpus: $(wc -w <"$CORPUS") tokens, $EPOCHS epochs, $THREADS threads, $RUNS run(s), $(date -u +%F)"

COMMON_FT=(-minCount 5 -dim 100 -ws 5 -neg 5 -epoch "$EPOCHS" -thread "$THREADS")
# fastText draws negatives from unigram^0.5 (hard-coded); blazetext's default is word2vec's 0.75.
COMMON_BT=(--tokenizer whitespace --min-count 5 --vector-dim 100 --window-size 5
    --negative-samples 5 --epochs "$EPOCHS" --threads "$THREADS" --ns-exponent "${NS_EXPONENT:-0.5}")

# config -> "fastText command and flags | blazetext flags"
ft_args() {
    case $1 in
        sg-sub) echo "skipgram -minn 3 -maxn 6" ;;
        cbow-sub) echo "cbow -minn 3 -maxn 6" ;;
        cbow) echo "cbow -maxn 0" ;;
        batch) echo "skipgram -maxn 0" ;;
    esac
}
bt_args() {
    case $1 in
        sg-sub) echo "--mode skipgram --subwords" ;;
        cbow-sub) echo "--mode cbow --subwords" ;;
        cbow) echo "--mode cbow" ;;
        batch) echo "--mode batch_skipgram" ;;
    esac
}

# Prints "wall_seconds peak_rss_mib" from a /usr/bin/time -v log.
time_figures() {
    awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s}
                /Maximum resident set size/ {rss = $2 / 1024}
                END {printf "%.1f %.0f", wall, rss}' "$1"
}

# Prints "analogy_total ws353_spearman simlex_spearman" for a .bin.
quality() {
    local a w s
    a=$("$BT" eval analogies "$1" "$QUESTIONS" --json --quiet | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["total"]["accuracy"])')
    w=$("$BT" eval similarity "$1" "$WS353" --json --quiet | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print("%.4f" % d.get("result", d)["spearman"])')
    s=$("$BT" eval similarity "$1" "$SIMLEX" --json --quiet | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print("%.4f" % d.get("result", d)["spearman"])')
    echo "$a $w $s"
}

printf "%-9s %-9s %4s %12s %9s %9s %9s %8s %8s\n" config tool run "words/s/thr" wall_s rss_MiB analogy ws353 simlex
for config in $CONFIGS; do
    for run in $(seq 1 "$RUNS"); do
        # fastText
        prefix=$OUT/ft-$config
        # shellcheck disable=SC2046
        /usr/bin/time -v -o "$prefix.time" fasttext $(ft_args "$config") -input "$CORPUS" -output "$prefix" \
            "${COMMON_FT[@]}" 2>"$prefix.log" >/dev/null
        wps=$(tr '\r' '\n' <"$prefix.log" | grep -o 'words/sec/thread: *[0-9]*' | tail -1 | grep -o '[0-9]*$')
        read -r wall rss <<<"$(time_figures "$prefix.time")"
        read -r ana ws sl <<<"$(quality "$prefix.bin")"
        printf "%-9s %-9s %4s %12s %9s %9s %9s %8s %8s\n" "$config" fasttext "$run" "$wps" "$wall" "$rss" "$ana" "$ws" "$sl"

        # blazetext
        prefix=$OUT/bt-$config
        # shellcheck disable=SC2046
        /usr/bin/time -v -o "$prefix.time" "$BT" train $(bt_args "$config") "$CORPUS" -o "$prefix" \
            "${COMMON_BT[@]}" --json --quiet >"$prefix.log"
        wps=$(tail -1 "$prefix.log" | python3 -c 'import json,sys; print("%.0f" % json.load(sys.stdin)["words_per_sec_per_thread"])')
        read -r wall rss <<<"$(time_figures "$prefix.time")"
        read -r ana ws sl <<<"$(quality "$prefix.bin")"
        printf "%-9s %-9s %4s %12s %9s %9s %9s %8s %8s\n" "$config" blazetext "$run" "$wps" "$wall" "$rss" "$ana" "$ws" "$sl"
    done
done
