#!/usr/bin/env python3
"""blazetext's Python package against the `fasttext` wheel and gensim's FastText, from Python.

Every measurement runs in a fresh process, so its peak memory (``ru_maxrss``) is its own, and
is repeated ``--runs`` times (gensim's slow training ``--gensim-runs`` times); the tables give
medians and the ratio peer / blazetext (above 1: blazetext is faster or smaller).

* train_supervised: cooking (fastText's tutorial set; P@1 on cooking.valid) and SST-2 (accuracy
  on test.ft), the same keyword arguments for both modules;
* predict: ``model.predict(list of 10,000 sentences)`` (and 10,000 one-string calls) with the
  SST-2 model, the best of 5 after one warm-up call;
* train_unsupervised: skip-gram with subwords on the first ``--tokens`` tokens of the enwiki
  sample (lowercased, punctuation split off), equal epochs, dimension, window, negatives,
  n-gram lengths and buckets; analogy accuracy of each on questions-words.txt (restricted to
  the 30,000 most frequent words) by one evaluator, gensim's ``evaluate_word_analogies``;
* get_nearest_neighbors: the same fastText-trained ``.bin`` loaded by both modules (gensim on
  its own model), 200 queries of k=10 after one warm-up query (which builds the index);
* peak memory: the training processes' (SST-2 train + predict, skip-gram train).

Usage: python3 benches/compare/python_api.py [--runs 3] [--gensim-runs 1] [--tokens 2000000]
       [--threads 2] [--corpora ../shared/corpora] [--work bench-out/python_api] [--json out.json]
Needs blazetext, fasttext (or fasttext-numpy2 / fasttext-wheel) and gensim importable; see
python_api.sh, which builds the wheel and a virtualenv and runs this.
"""

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIBRARIES = ("blazetext", "fasttext", "gensim")
NN_QUERIES = 200
PREDICT_LINES = 10_000


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def module(lib):
    if lib == "blazetext":
        import blazetext.fasttext as fasttext
    else:
        import fasttext
    return fasttext


# -- the child processes: one measurement each, printed as one JSON line ----------------------


def supervised(lib, args, dataset):
    ft = module(lib)
    corpora = args.corpora
    if dataset == "cooking":
        train, test = f"{corpora}/cooking/cooking.train", f"{corpora}/cooking/cooking.valid"
        settings = dict(lr=1.0, epoch=25, wordNgrams=2, bucket=200_000, dim=50)
    else:
        train, test = f"{corpora}/sst2/train.ft", f"{corpora}/sst2/test.ft"
        settings = dict(epoch=5, wordNgrams=2)
    start = time.perf_counter()
    model = ft.train_supervised(train, thread=args.threads, verbose=0, **settings)
    seconds = time.perf_counter() - start
    _, precision, _ = model.test(test)
    result = {"seconds": seconds, "p@1": precision}
    if dataset == "sst2":
        with open(train, encoding="utf-8") as lines:
            sentences = [
                " ".join(t for t in line.split() if not t.startswith("__label__"))
                for _, line in zip(range(PREDICT_LINES), lines)
            ]
        model.predict(sentences[:100])
        result["predict_list"] = best_of(5, lambda: model.predict(sentences, k=1))
        result["predict_loop"] = best_of(3, lambda: [model.predict(s, k=1) for s in sentences])
    result["peak_mib"] = peak_rss_mib()
    return result


def best_of(times, call):
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        spent.append(time.perf_counter() - start)
    return min(spent)


def unsupervised(lib, args, save):
    corpus = skipgram_corpus(args)
    start = time.perf_counter()
    if lib == "gensim":
        from gensim.models import FastText

        model = FastText(
            corpus_file=corpus, sg=1, vector_size=100, window=5, min_count=5, negative=5,
            min_n=3, max_n=6, bucket=2_000_000, sample=1e-4, alpha=0.05, epochs=5,
            workers=args.threads, seed=1,
        )
    else:
        model = module(lib).train_unsupervised(
            corpus, model="skipgram", dim=100, ws=5, epoch=5, minCount=5, neg=5, minn=3, maxn=6,
            bucket=2_000_000, t=1e-4, lr=0.05, thread=args.threads, verbose=0,
        )
    seconds = time.perf_counter() - start
    peak = peak_rss_mib()
    if save:
        if lib == "gensim":
            model.save(save)
        else:
            model.save_model(save)
    return {"seconds": seconds, "peak_mib": peak, "analogy": analogy_accuracy(lib, model, args)}


def analogy_accuracy(lib, model, args):
    """Accuracy on questions-words.txt over the 30,000 most frequent words (word2vec's rule), by
    gensim's evaluator for every model."""
    from gensim.models import KeyedVectors

    questions = f"{args.corpora}/wordsim/questions-words.txt"
    if lib == "gensim":
        vectors = model.wv
    else:
        words = model.get_words()
        words = [w for w in words if w != "</s>"][:30_000]
        vectors = KeyedVectors(model.get_dimension())
        vectors.add_vectors(words, [model.get_word_vector(w) for w in words])
    accuracy, _ = vectors.evaluate_word_analogies(questions, restrict_vocab=30_000)
    return accuracy


def nearest(lib, args, path):
    words = [line.split()[0] for line in open(f"{args.corpora}/wordsim/questions-words.txt")
             if not line.startswith(":")]
    start = time.perf_counter()
    if lib == "gensim":
        from gensim.models import FastText

        model = FastText.load(path)
        known = model.wv.key_to_index
        ask = lambda word: model.wv.most_similar(word, topn=10)  # noqa: E731
    else:
        model = module(lib).load_model(path)
        known = set(model.get_words())
        ask = lambda word: model.get_nearest_neighbors(word, k=10)  # noqa: E731
    load = time.perf_counter() - start
    queries = sorted({w for w in words if w in known})[:NN_QUERIES]
    start = time.perf_counter()
    ask(queries[0])
    first = time.perf_counter() - start
    start = time.perf_counter()
    for word in queries:
        ask(word)
    per_query = (time.perf_counter() - start) / len(queries)
    return {"load": load, "first": first, "per_query": per_query, "peak_mib": peak_rss_mib()}


def skipgram_corpus(args):
    """The first `--tokens` tokens of the enwiki sample, lowercased with punctuation split off
    (as benches/compare/embed.sh prepares it), written once under the work folder."""
    path = os.path.join(args.work, f"enwiki-{args.tokens}.txt")
    if os.path.exists(path):
        return path
    token = re.compile(r"\w+|[^\w\s]")
    written = 0
    with open(f"{args.corpora}/enwiki_sample/enwiki_paragraphs.txt", encoding="utf-8") as raw, \
            open(path + ".tmp", "w", encoding="utf-8") as out:
        for line in raw:
            tokens = token.findall(line.lower())
            if tokens:
                out.write(" ".join(tokens) + "\n")
                written += len(tokens)
            if written >= args.tokens:
                break
    os.replace(path + ".tmp", path)
    return path


def child(args):
    task, lib = args.child
    if task in ("cooking", "sst2"):
        result = supervised(lib, args, task)
    elif task == "skipgram":
        result = unsupervised(lib, args, args.save)
    else:
        result = nearest(lib, args, args.model)
    print(json.dumps(result))


# -- the parent: runs the children, takes medians, prints the tables --------------------------


def run_child(args, task, lib, *extra):
    command = [
        sys.executable, os.path.abspath(__file__), "--child", task, lib,
        "--corpora", args.corpora, "--work", args.work, "--threads", str(args.threads),
        "--tokens", str(args.tokens), *extra,
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {task:8} {lib:9} {result}", file=sys.stderr, flush=True)
    return result


def medians(results):
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def alternating(args, task, libs, runs, extra):
    """`runs` rounds of `task`, each library once per round, so that a change in the machine's
    load falls on all of them; `extra(lib, round)` gives a child's further arguments."""
    results = {lib: [] for lib in libs}
    for i in range(max(runs.values())):
        for lib in libs:
            if i < runs[lib]:
                results[lib].append(run_child(args, task, lib, *extra(lib, i)))
    return {(task, lib): medians(found) for lib, found in results.items()}


def measure(args):
    os.makedirs(args.work, exist_ok=True)
    skipgram_corpus(args)
    figures = {}
    pair = ("blazetext", "fasttext")
    same = {lib: args.runs for lib in LIBRARIES}
    for task in ("cooking", "sst2"):
        figures.update(alternating(args, task, pair, same, lambda lib, i: ()))

    def saved(lib):
        return os.path.join(args.work, f"skipgram-{lib}.{'model' if lib == 'gensim' else 'bin'}")

    runs = dict(same, gensim=args.gensim_runs)
    figures.update(alternating(
        args, "skipgram", LIBRARIES, runs,
        lambda lib, i: ("--save", saved(lib) if i == 0 else ""),
    ))
    # Both modules query the same file (fastText's model); gensim its own model.
    figures.update(alternating(
        args, "nn", LIBRARIES, same,
        lambda lib, i: ("--model", saved("gensim" if lib == "gensim" else "fasttext")),
    ))
    return figures


def ratio(peer, ours):
    return f"{peer / ours:.2f}×" if ours else "n/a"


def report(figures, args):
    b, f, g = (lambda task, key, lib=lib: figures[task, lib][key] for lib in LIBRARIES)
    rows = [
        "| measure | blazetext | fasttext wheel | ratio (wheel / blazetext) | gensim "
        "| ratio (gensim / blazetext) | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]

    def row(name, task, key, unit, target, scale=1.0, digits=2, gensim=False):
        ours, theirs = b(task, key) * scale, f(task, key) * scale
        cells = [name, f"{ours:.{digits}f} {unit}", f"{theirs:.{digits}f} {unit}"]
        cells.append(ratio(theirs, ours))
        if gensim:
            peer = g(task, key) * scale
            cells += [f"{peer:.{digits}f} {unit}", ratio(peer, ours)]
        else:
            cells += ["", ""]
        rows.append("| " + " | ".join(cells + [target]) + " |")

    def accuracy(name, task, key, gensim=False):
        cells = [name, f"{b(task, key):.3f}", f"{f(task, key):.3f}", ""]
        cells += [f"{g(task, key):.3f}", ""] if gensim else ["", ""]
        rows.append("| " + " | ".join(cells + ["no lower"]) + " |")

    row("train_supervised, cooking (25 epochs)", "cooking", "seconds", "s", "≥ 2×")
    accuracy("  P@1 on cooking.valid", "cooking", "p@1")
    row("train_supervised, SST-2 (5 epochs)", "sst2", "seconds", "s", "≥ 2×")
    accuracy("  accuracy on SST-2 test", "sst2", "p@1")
    row("predict(list of 10,000 sentences)", "sst2", "predict_list", "ms", "≥ 3×", 1000, 1)
    row("predict(str) × 10,000", "sst2", "predict_loop", "ms", "", 1000, 1)
    row("peak memory, SST-2 train + predict", "sst2", "peak_mib", "MiB", "≤ wheel", digits=0)
    row(f"train_unsupervised skip-gram + subwords ({args.tokens:,} tokens × 5 epochs)",
        "skipgram", "seconds", "s", "≥ 2× wheel, ≥ 5× gensim", gensim=True)
    accuracy("  analogy accuracy (30k)", "skipgram", "analogy", gensim=True)
    row("peak memory, skip-gram training", "skipgram", "peak_mib", "MiB", "≤ wheel", digits=0,
        gensim=True)
    row("get_nearest_neighbors, per query (k=10)", "nn", "per_query", "ms", "≥ 5×", 1000, 3,
        gensim=True)
    row("  first query (builds the index)", "nn", "first", "ms", "", 1000, 1, gensim=True)
    row("  load_model", "nn", "load", "s", "", gensim=True)
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gensim-runs", type=int, default=1)
    parser.add_argument("--tokens", type=int, default=2_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--corpora", default=os.path.join(ROOT, "..", "shared", "corpora"))
    parser.add_argument("--work", default=os.path.join(ROOT, "bench-out", "python_api"))
    parser.add_argument("--json", help="also write the medians here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--save", default="", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.corpora = os.path.abspath(args.corpora)
    if args.child:
        return child(args)
    if not os.path.isdir(args.corpora):
        sys.exit(f"corpora not found: {args.corpora} (give --corpora)")
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()[0]
    figures = measure(args)
    print(f"{started}; load average {load_before:.2f} at the start, "
          f"{os.getloadavg()[0]:.2f} at the end; {os.cpu_count()} cores\n")
    print(report(figures, args))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({f"{t}/{lib}": v for (t, lib), v in figures.items()}, out, indent=1)


if __name__ == "__main__":
    main()
