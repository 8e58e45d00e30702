"""Driver for preprocess.sh: times each command RUNS times and prints medians and ratios."""
import datetime
import filecmp
import os
import statistics
import subprocess
import sys
import time

corpus, runs = sys.argv[1], int(sys.argv[2])
out = os.environ.get("BENCH_OUT", "bench-out/preprocess")
os.makedirs(out, exist_ok=True)
bt = "target/release/blazetext"
mb = os.path.getsize(corpus) / 1e6
here = os.path.dirname(os.path.abspath(__file__))

commands = {
    "hf": [sys.executable, os.path.join(here, "hf_pretokenize.py"), corpus, f"{out}/hf.txt"],
    "bt1": [bt, "--quiet", "--threads", "1", "preprocess", corpus, "-o", f"{out}/bt1.txt"],
    "bt2": [bt, "--quiet", "--threads", "2", "preprocess", corpus, "-o", f"{out}/bt2.txt"],
    "stem": [bt, "--quiet", "--threads", "2", "preprocess", corpus, "-o", f"{out}/stem.txt",
             "--stopwords", "english", "--stemmer", "english"],
    "vocab": [bt, "--quiet", "--threads", "2", "vocab", "build", corpus, "-o", f"{out}/vocab.tsv"],
}
times = {k: [] for k in commands}
for _ in range(runs):
    for name, cmd in commands.items():
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times[name].append(time.perf_counter() - start)
med = {k: statistics.median(v) for k, v in times.items()}
same = filecmp.cmp(f"{out}/hf.txt", f"{out}/bt2.txt", shallow=False)
print(f"corpus: {corpus} ({mb:.1f} MB), median of {runs} runs, {datetime.date.today()}")
print(f"HF tokenizers [NFKC,Lowercase]+[Whitespace,Punctuation], 1 thread: {med['hf']:.2f} s, {mb / med['hf']:.1f} MB/s")
for key, label in [("bt1", "1 thread"), ("bt2", "2 threads")]:
    print(f"blazetext preprocess, {label}: {med[key]:.2f} s, {mb / med[key]:.1f} MB/s, "
          f"{med['hf'] / med[key]:.1f}x HF")
print(f"tokens identical to HF: {same}")
print(f"preprocess + English stop words + stemming, 2 threads: {med['stem']:.2f} s, {mb / med['stem']:.1f} MB/s")
print(f"vocab build, 2 threads: {med['vocab']:.2f} s, {mb / med['vocab']:.1f} MB/s")
