#!/usr/bin/env bash
# Download the public corpora blazetext's benchmarks and demos use, verify them, unpack
# them, and convert AG News / DBpedia to fastText format.
#
#   corpora/fetch.sh [DEST]            download into DEST (default: corpora/data)
#   corpora/fetch.sh --list [DEST]     print what would be downloaded, download nothing
#   corpora/fetch.sh --convert IN.csv OUT.ft [--shuffle]
#                                      convert one class,title,text CSV to fastText format
#
# Files already present with a good checksum are not downloaded again. Checksums come
# from well-known projects that publish them (source named per entry); where none is
# published the script prints the SHA-256 it computed and says the file is unverified.
# Needs: bash, curl, python3, tar, unzip (or python3's zipfile), md5sum, sha256sum.
set -euo pipefail

# name | file (relative to DEST) | algorithm (md5, sha256, size, none) | expected | checksum source | URLs (space-separated, tried in order)
DATASETS=(
  "text8|text8.zip|size|31344016|byte size published by TensorFlow's word2vec tutorial (no hash published)|http://mattmahoney.net/dc/text8.zip"
  "ag_news-train|ag_news/train.csv|md5|b1a00f826fdfbd249f79597b59e1dc12|torchtext (torchtext/datasets/ag_news.py)|https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/train.csv"
  "ag_news-test|ag_news/test.csv|md5|d52ea96a97a2d943681189a97654912d|torchtext (torchtext/datasets/ag_news.py)|https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/test.csv"
  "dbpedia|dbpedia_csv.tar.gz|md5|dca7b1ae12b1091090db52aa7ec5ca64|torchtext (torchtext/datasets/dbpedia.py)|https://github.com/le-scientifique/torchDatasets/raw/master/dbpedia_csv.tar.gz"
  "20newsgroups|20news-bydate.tar.gz|sha256|8f1b2514ca22a5ade8fbb9cfa5727df95fa587f4c87b786e15c759fa66d95610|scikit-learn (sklearn/datasets/_twenty_newsgroups.py)|http://qwone.com/~jason/20Newsgroups/20news-bydate.tar.gz https://ndownloader.figshare.com/files/5975967"
  "questions-words|questions-words.txt|none||no published checksum|https://raw.githubusercontent.com/tmikolov/word2vec/master/questions-words.txt https://raw.githubusercontent.com/RaRe-Technologies/gensim/develop/gensim/test/test_data/questions-words.txt"
  "wordsim353|wordsim353.zip|none||no published checksum|http://www.gabrilovich.com/resources/data/wordsim353/wordsim353.zip"
)

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
}

die() {
  echo "fetch.sh: error: $*" >&2
  exit 1
}

# Convert a Zhang et al. CSV (class,title,text[,...]) to `__label__<class> <text>`,
# normalised like fastText's classification-example.sh: lower-case, quotes dropped,
# . , ( ) ! ? ' split off as tokens, ; and : removed. Two deliberate differences: the
# field-separating commas are not kept as tokens, and the CSV's escaped newlines (\n)
# become spaces. With --shuffle the lines are shuffled with a fixed seed (DBpedia's
# train.csv is sorted by class, which SGD must not see in order); output is written to
# a temporary name and renamed.
csv_to_ft() {
  local src=$1 dst=$2 shuffle=${3:-}
  [[ -f $src ]] || die "$src: no such file (download it first, or check the path)"
  python3 - "$src" "$dst" "$shuffle" <<'PY'
import csv, os, random, re, sys

src, dst, shuffle = sys.argv[1], sys.argv[2], sys.argv[3] == "--shuffle"
SPLIT = re.compile(r"([.,()!?'])")

def normalise(text):
    text = text.replace("\\n", " ").lower().replace('"', "").replace("<br />", " ")
    text = SPLIT.sub(r" \1 ", text)
    text = re.sub(r"[;:]", " ", text)
    return " ".join(text.split())

lines = []
with open(src, newline="", encoding="utf-8") as f:
    reader = csv.reader(f)
    for row in reader:
        where = f"{src}:{reader.line_num}"
        if len(row) < 2:
            sys.exit(f"fetch.sh: error: {where}: expected class,title,text columns, found {len(row)}; is this a Zhang et al. CSV?")
        label = row[0].strip()
        if not label.isdigit():
            sys.exit(f"fetch.sh: error: {where}: class column is {label!r}, expected a number")
        text = normalise(" ".join(row[1:]))
        lines.append(f"__label__{label} {text}")
if shuffle:
    random.Random(0).shuffle(lines)
tmp = dst + ".tmp"
with open(tmp, "w", encoding="utf-8", newline="\n") as f:
    f.writelines(line + "\n" for line in lines)
os.replace(tmp, dst)
print(f"  converted {src} -> {dst} ({len(lines)} lines)", file=sys.stderr)
PY
}

# verify FILE ALGO EXPECTED: 0 when good (or unverifiable, after printing its SHA-256).
verify() {
  local file=$1 algo=$2 expected=$3 actual
  case $algo in
    md5) actual=$(md5sum "$file" | cut -d' ' -f1) ;;
    sha256) actual=$(sha256sum "$file" | cut -d' ' -f1) ;;
    size)
      actual=$(wc -c <"$file" | tr -d ' ')
      echo "  $file: sha256 $(sha256sum "$file" | cut -d' ' -f1) (unverified; size checked only)" >&2
      ;;
    none)
      echo "  $file: sha256 $(sha256sum "$file" | cut -d' ' -f1) (unverified: no published checksum)" >&2
      return 0
      ;;
    *) die "unknown checksum algorithm '$algo'" ;;
  esac
  if [[ $actual != "$expected" ]]; then
    echo "  $file: $algo is $actual, expected $expected" >&2
    return 1
  fi
  return 0
}

# download DEST NAME FILE ALGO EXPECTED URLS: returns 1 (after saying why) when no mirror
# gave a verified copy, so the other datasets are still fetched.
download() {
  local dest=$1 name=$2 file=$3 algo=$4 expected=$5 urls=$6 path url
  path="$dest/$file"
  if [[ -f $path ]]; then
    if verify "$path" "$algo" "$expected"; then
      if [[ $algo == none ]]; then
        echo "$name: $path present (nothing published to check it against), skipping" >&2
      else
        echo "$name: $path present and verified, skipping" >&2
      fi
      return 0
    fi
    # Keep a bad copy out of the way so it is never unpacked or converted.
    mv -f "$path" "$path.bad"
    echo "$name: existing $path failed its check, moved to $path.bad" >&2
  fi
  mkdir -p "$(dirname "$path")"
  local curl_opts=(-fL --retry 3 --connect-timeout 30)
  if [[ -t 2 ]]; then curl_opts+=(--progress-bar); else curl_opts+=(-sS); fi
  for url in $urls; do
    echo "$name: downloading $url" >&2
    if curl "${curl_opts[@]}" -o "$path.part" "$url"; then
      if verify "$path.part" "$algo" "$expected"; then
        mv -f "$path.part" "$path"
        return 0
      fi
      mv -f "$path.part" "$path.bad"
      echo "$name: checksum mismatch, kept the download as $path.bad" >&2
    else
      rm -f "$path.part"
    fi
  done
  echo "$name: could not fetch a verified copy of $file (check the network, or put a good copy at $path and rerun)" >&2
  return 1
}

# Unpack archives and build the fastText files, each step only when its output is missing.
prepare() {
  local dest=$1
  if [[ -f $dest/text8.zip && ! -f $dest/text8 ]]; then
    echo "text8: unzipping" >&2
    if command -v unzip >/dev/null; then unzip -o -q "$dest/text8.zip" -d "$dest"; else python3 -m zipfile -e "$dest/text8.zip" "$dest"; fi
  fi
  if [[ -f $dest/wordsim353.zip && ! -d $dest/wordsim353 ]]; then
    echo "wordsim353: unzipping" >&2
    if command -v unzip >/dev/null; then unzip -o -q "$dest/wordsim353.zip" -d "$dest/wordsim353"; else python3 -m zipfile -e "$dest/wordsim353.zip" "$dest/wordsim353"; fi
  fi
  if [[ -f $dest/dbpedia_csv.tar.gz && ! -f $dest/dbpedia_csv/train.csv ]]; then
    echo "dbpedia: unpacking" >&2
    tar -xzf "$dest/dbpedia_csv.tar.gz" -C "$dest"
  fi
  if [[ -f $dest/20news-bydate.tar.gz && ! -d $dest/20news-bydate/20news-bydate-train ]]; then
    echo "20newsgroups: unpacking" >&2
    mkdir -p "$dest/20news-bydate"
    tar -xzf "$dest/20news-bydate.tar.gz" -C "$dest/20news-bydate"
  fi
  local split
  for split in train test; do
    local shuffle=""
    [[ $split == train ]] && shuffle="--shuffle"
    if [[ -f $dest/ag_news/$split.csv && ! -f $dest/ag_news.$split.ft ]]; then
      csv_to_ft "$dest/ag_news/$split.csv" "$dest/ag_news.$split.ft" "$shuffle"
    fi
    if [[ -f $dest/dbpedia_csv/$split.csv && ! -f $dest/dbpedia.$split.ft ]]; then
      csv_to_ft "$dest/dbpedia_csv/$split.csv" "$dest/dbpedia.$split.ft" "$shuffle"
    fi
  done
}

list() {
  local dest=$1 entry name file algo expected source urls
  echo "Would download into $dest:"
  for entry in "${DATASETS[@]}"; do
    IFS='|' read -r name file algo expected source urls <<<"$entry"
    printf '  %-16s %-24s %s\n' "$name" "$file" "${urls%% *}"
    if [[ $algo == none ]]; then
      printf '  %-16s checksum: none published (SHA-256 printed after download)\n' ""
    else
      printf '  %-16s checksum: %s %s (%s)\n' "" "$algo" "$expected" "$source"
    fi
  done
  echo "Then: unpack text8, wordsim353, dbpedia_csv, 20news-bydate; write ag_news.{train,test}.ft and dbpedia.{train,test}.ft"
}

main() {
  local mode=fetch dest=""
  case ${1:-} in
    -h | --help) usage; return 0 ;;
    --list) mode=list; shift ;;
    --convert)
      [[ $# -ge 3 ]] || die "usage: fetch.sh --convert IN.csv OUT.ft [--shuffle]"
      csv_to_ft "$2" "$3" "${4:-}"
      return 0
      ;;
    -*) die "unknown option '$1' (see --help)" ;;
  esac
  [[ $# -le 1 ]] || die "expected at most one folder argument, got $# (see --help)"
  dest=${1:-corpora/data}
  if [[ $mode == list ]]; then
    list "$dest"
    return 0
  fi
  command -v curl >/dev/null || die "curl is required (apt-get install curl)"
  command -v python3 >/dev/null || die "python3 is required for the CSV conversion"
  mkdir -p "$dest"
  local entry name file algo expected source urls failed=()
  for entry in "${DATASETS[@]}"; do
    IFS='|' read -r name file algo expected source urls <<<"$entry"
    download "$dest" "$name" "$file" "$algo" "$expected" "$urls" || failed+=("$name")
  done
  prepare "$dest"
  if [[ ${#failed[@]} -gt 0 ]]; then
    die "not fetched: ${failed[*]} (the rest is in $dest; rerun to retry)"
  fi
  echo "done: corpora in $dest" >&2
}

# Sourcing the file (for tests) defines the functions without running anything.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
