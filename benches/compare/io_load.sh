#!/usr/bin/env bash
# Load time of a large fastText .bin: blazetext vs the fastText 0.9.2 CLI, same file, same run.
#
#   benches/compare/io_load.sh            # 1M words x 300 dims, no subword buckets, 5 runs
#   WORDS=1000000 DIM=300 BUCKET=2000000 RUNS=3 benches/compare/io_load.sh
#
# Both tools are timed from process start to exit while answering no query (stdin is empty):
#   fasttext print-word-vectors  loads the whole model (input and output matrices);
#   blazetext vectors            loads what word vectors need (dictionary + input matrix);
#   bin_io read                  blazetext's library reading the whole file (both matrices).
# The file is read once beforehand, so all runs measure a warm page cache.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORDS=${WORDS:-1000000}
DIM=${DIM:-300}
BUCKET=${BUCKET:-0}
RUNS=${RUNS:-5}
OUT=${OUT:-bench-out/io_load}
mkdir -p "$OUT"

if ! command -v fasttext >/dev/null; then
    apt-get update -qq && apt-get install -y -qq fasttext
fi
cargo build --release --quiet --bin blazetext --example bin_io
BIN="$OUT/synthetic-${WORDS}x${DIM}-b${BUCKET}.bin"
if [ ! -f "$BIN" ]; then
    target/release/examples/bin_io write "$BIN" "$WORDS" "$DIM" "$BUCKET"
fi
ls -l "$BIN"
cat "$BIN" > /dev/null

# Prints "<seconds> <peak RSS MiB>" for one run of the command.
measure() {
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" < /dev/null > /dev/null 2>&1
    awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$OUT/time.txt"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

declare -A SECONDS_OF MEM_OF
for tool in fasttext blazetext blazetext-full; do
    : > "$OUT/$tool.txt"
    for _ in $(seq "$RUNS"); do
        case $tool in
            fasttext) measure fasttext print-word-vectors "$BIN" ;;
            blazetext) measure target/release/blazetext vectors "$BIN" --quiet ;;
            blazetext-full) measure target/release/examples/bin_io read "$BIN" ;;
        esac >> "$OUT/$tool.txt"
    done
    SECONDS_OF[$tool]=$(cut -d' ' -f1 "$OUT/$tool.txt" | median)
    MEM_OF[$tool]=$(cut -d' ' -f2 "$OUT/$tool.txt" | median)
    echo "$tool: runs (s, MiB): $(tr '\n' ';' < "$OUT/$tool.txt")"
done

echo
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  file: $WORDS words x $DIM dims, bucket $BUCKET, $(du -h "$BIN" | cut -f1)  cores: $(nproc)"
printf "%-16s %10s %12s\n" tool "median s" "peak MiB"
for tool in fasttext blazetext blazetext-full; do
    printf "%-16s %10s %12s\n" "$tool" "${SECONDS_OF[$tool]}" "${MEM_OF[$tool]}"
done
awk -v f="${SECONDS_OF[fasttext]}" -v b="${SECONDS_OF[blazetext]}" -v c="${SECONDS_OF[blazetext-full]}" \
    'BEGIN {printf "speed-up vs fastText: %.1fx (vectors), %.1fx (full read)\n", f / b, f / c}'
