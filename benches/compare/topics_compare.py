"""Topic-model comparison harness (run through topics.sh).

blazetext builds the bag of words once (default topic pipeline, vocabulary of --vocab words);
`blazetext topics bow` exports it as Matrix Market, and gensim LdaMulticore and scikit-learn NMF
train on exactly those counts. One evaluator (`npmi_doc` below, same definition as
docs/topics.md) scores every model's top-10 words by document co-occurrence NPMI on the test
documents; TD@25 from the top-25 words; logistic regression on document-topic vectors,
train -> test.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np
import scipy.io
import scipy.sparse as sp


def sh(cmd, stdout=None):
    t = time.perf_counter()
    r = subprocess.run(cmd, check=True, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    return r.stdout, time.perf_counter() - t


def npmi_doc(tops, X, n=10):
    """Mean NPMI of each topic's top-n pairs; a document is one window; never together = -1."""
    B = (X > 0).astype(np.float64).tocsc()
    N = X.shape[0]
    df = np.asarray(B.sum(axis=0)).ravel()
    scores = []
    for top in tops:
        t = list(top[:n])
        cols = B[:, t]
        co = (cols.T @ cols).toarray()
        s = []
        for a in range(len(t)):
            for b in range(a + 1, len(t)):
                c = co[a, b]
                if c == 0:
                    s.append(-1.0)
                elif c == N:
                    s.append(1.0)
                else:
                    p = c / N
                    s.append(np.log(p / ((df[t[a]] / N) * (df[t[b]] / N))) / -np.log(p))
        scores.append(np.mean(s))
    return float(np.mean(scores))


def td(tops, n=25):
    return len({w for t in tops for w in t[:n]}) / (n * len(tops))


def logreg(train_x, train_y, test_x, test_y):
    from sklearn.linear_model import LogisticRegression
    clf = LogisticRegression(max_iter=3000)
    clf.fit(train_x, train_y)
    return float((clf.predict(test_x) == np.asarray(test_y)).mean())


def read_csv_matrix(text):
    return np.array([[float(v) for v in line.split(",")] for line in text.splitlines() if line])


def strip_posts(src, dst):
    """Removes each post's headers, quoted replies and signature with scikit-learn's own helpers
    (what `fetch_20newsgroups(remove=("headers", "footers", "quotes"))` does, the usual topic
    model setup): with them, the strongest topics are posters' names and e-mail addresses."""
    from sklearn.datasets._twenty_newsgroups import (strip_newsgroup_footer,
                                                     strip_newsgroup_header,
                                                     strip_newsgroup_quoting)
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as g:
        for line in f:
            doc = json.loads(line)
            text = strip_newsgroup_header(doc["text"])
            doc["text"] = strip_newsgroup_footer(strip_newsgroup_quoting(text))
            g.write(json.dumps(doc) + "\n")


def newsgroups(a, rows):
    d = os.path.join(a.corpora, "20newsgroups")
    train_j = os.path.join(a.out, "20news-bydate-train.jsonl")
    test_j = os.path.join(a.out, "20news-bydate-test.jsonl")
    for p in (train_j, test_j):
        strip_posts(os.path.join(d, os.path.basename(p)), p)
    labels = {}
    for name, p in (("train", train_j), ("test", test_j)):
        with open(p, encoding="utf-8") as f:
            labels[name] = [json.loads(l)["group"] for l in f if l.strip()]
    model = os.path.join(a.out, "ng20.ntm")
    common = ["--threads", str(a.threads), "--quiet"]
    cmd = [a.bin, "topics", "train", train_j, "--text-field", "text", "-k", str(a.k),
           "--max-vocab", str(a.vocab), "-o", model, "--seed", "1", "--json"] + common + a.ntm_args
    out, t_ntm = sh(cmd)
    print("blazetext train:", " ".join(cmd), f"{t_ntm:.1f} s", file=sys.stderr)
    for split, p in (("train", train_j), ("test", test_j)):
        sh([a.bin, "topics", "bow", model, p, "-o", os.path.join(a.out, f"ng20-{split}")] + common)
    Xtr = scipy.io.mmread(os.path.join(a.out, "ng20-train", "bow.mtx")).tocsr()
    Xte = scipy.io.mmread(os.path.join(a.out, "ng20-test", "bow.mtx")).tocsr()
    vocab = open(os.path.join(a.out, "ng20-train", "vocab.txt"), encoding="utf-8").read().split("\n")[:-1]
    index = {w: i for i, w in enumerate(vocab)}

    def ntm_row(name, model, train_s):
        shown = json.loads(sh([a.bin, "topics", "show", model, "-n", "25", "--json"])[0])
        tops = [[index[w["word"]] for w in t["words"]] for t in shown["topics"]]
        theta = {s: read_csv_matrix(sh([a.bin, "topics", "infer", model, p, "--format", "csv"] + common)[0])
                 for s, p in (("train", train_j), ("test", test_j))}
        # Inference throughput: the test set 10 times over, end to end (load, pipeline, model, output).
        big = os.path.join(a.out, "infer-10x.jsonl")
        with open(big, "w", encoding="utf-8") as f:
            body = open(test_j, encoding="utf-8").read()
            for _ in range(10):
                f.write(body)
        with open(os.devnull, "w") as null:
            _, t_inf = sh([a.bin, "topics", "infer", model, big, "--format", "jsonl"] + common, stdout=null)
        n_inf = 10 * len(labels["test"])
        ev = json.loads(sh([a.bin, "topics", "eval", model, test_j, "--json"] + common)[0])
        rows.append(dict(corpus="20NG", model=name, k=a.k, npmi=npmi_doc(tops, Xte),
                         npmi_blazetext_eval=ev["npmi_document"], td25=td(tops),
                         accuracy=logreg(theta["train"], labels["train"], theta["test"], labels["test"]),
                         train_s=train_s, infer_docs_per_s=n_inf / t_inf))

    ntm_row("blazetext NTM", model, t_ntm)
    if a.topic_embeddings:
        # Word vectors trained on the same posts through the topic pipeline (stop words out,
        # Snowball stems), so that their words are the model's vocabulary; timed with the model.
        text = os.path.join(a.out, "ng20-train.txt")
        with open(text, "w", encoding="utf-8") as f:
            with open(train_j, encoding="utf-8") as src:
                for line in src:
                    f.write(json.loads(line)["text"].replace("\n", " ") + "\n")
        vectors = os.path.join(a.out, "ng20-vectors")
        embedded = os.path.join(a.out, "ng20-embedded.ntm")
        steps = [[a.bin, "preprocess", text, "-o", text + ".tok", "--stopwords", "english",
                  "--stemmer", "english"] + common,
                 [a.bin, "train", "--mode", "skipgram", text + ".tok", "-o", vectors,
                  "--epochs", "5", "--min-count", "2", "--vector-dim", "100", "--seed", "1"] + common,
                 [a.bin, "topics", "train", train_j, "--text-field", "text", "-k", str(a.k),
                  "--max-vocab", str(a.vocab), "-o", embedded, "--seed", "1",
                  "--topic-embeddings", vectors + ".vec"] + a.topic_embeddings.split() + common]
        t_emb = 0.0
        for step in steps:
            t_emb += sh(step)[1]
            print("blazetext:", " ".join(step), file=sys.stderr)
        ntm_row("blazetext NTM + topic embeddings", embedded, t_emb)

    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaMulticore
    corpus = Sparse2Corpus(Xtr, documents_columns=False)
    id2word = dict(enumerate(vocab))
    t = time.perf_counter()
    lda = LdaMulticore(corpus, num_topics=a.k, id2word=id2word, workers=2, passes=a.lda_passes,
                       random_state=1, chunksize=2000)
    t_lda = time.perf_counter() - t
    lda_tops = [[w for w, _ in lda.get_topic_terms(k, topn=25)] for k in range(a.k)]

    def lda_theta(X):
        out = np.zeros((X.shape[0], a.k))
        for d, bow in enumerate(Sparse2Corpus(X, documents_columns=False)):
            for k, p in lda.get_document_topics(bow, minimum_probability=0.0):
                out[d, k] = p
        return out
    rows.append(dict(corpus="20NG", model=f"gensim LdaMulticore (2 workers, {a.lda_passes} passes)",
                     k=a.k, npmi=npmi_doc(lda_tops, Xte), td25=td(lda_tops),
                     accuracy=logreg(lda_theta(Xtr), labels["train"], lda_theta(Xte), labels["test"]),
                     train_s=t_lda))

    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfTransformer
    tfidf = TfidfTransformer().fit(Xtr)
    t = time.perf_counter()
    nmf = NMF(n_components=a.k, init="nndsvd", random_state=1, max_iter=400)
    W = nmf.fit_transform(tfidf.transform(Xtr))
    t_nmf = time.perf_counter() - t
    nmf_tops = [list(np.argsort(-row)[:25]) for row in nmf.components_]
    rows.append(dict(corpus="20NG", model="scikit-learn NMF (tf-idf)", k=a.k,
                     npmi=npmi_doc(nmf_tops, Xte), td25=td(nmf_tops),
                     accuracy=logreg(W, labels["train"], nmf.transform(tfidf.transform(Xte)),
                                     labels["test"]),
                     train_s=t_nmf))


def octis(a, rows):
    for name in ("BBC_News", "M10"):
        d = os.path.join(a.corpora, "octis", name)
        if not os.path.isdir(d):
            print(f"skip {name}: {d} missing", file=sys.stderr)
            continue
        docs = os.path.join(a.out, f"octis-{name}.txt")
        with open(os.path.join(d, "corpus.tsv"), encoding="utf-8") as f, \
                open(docs, "w", encoding="utf-8") as g:
            for line in f:
                g.write(line.split("\t")[0] + "\n")
        # The OCTIS text is already preprocessed: split on whitespace only, keep every word.
        as_is = ["--tokenizer", "whitespace", "--stopwords", "none", "--stemmer", "none"]
        common = ["--seed", "1", "--threads", str(a.threads), "--quiet"]
        variants = [("blazetext NTM", "", a.ntm_args)]
        if a.topic_embeddings:
            # Skip-gram vectors on the same text; 20 epochs as these corpora are small.
            vectors = os.path.join(a.out, f"octis-{name}-vectors")
            sh([a.bin, "train", "--mode", "skipgram", docs, "-o", vectors, "--min-count", "1",
                "--epochs", "20", "--vector-dim", "100"] + as_is[:2] + common)
            variants.append(("blazetext NTM + topic embeddings", "-embedded",
                             ["--topic-embeddings", vectors + ".vec"] + a.topic_embeddings.split()))
        for label, suffix, flags in variants:
            for k in (10, 20, 30, 40, 50):
                model = os.path.join(a.out, f"octis-{name}-{k}{suffix}.ntm")
                sh([a.bin, "topics", "train", docs, "-k", str(k), "-o", model] + as_is +
                   ["--min-df", "1", "--max-df", "1.0", "--max-vocab", "100000"] + common + flags)
                ev = json.loads(sh([a.bin, "topics", "eval", model, docs, "--json", "--quiet"])[0])
                rows.append(dict(corpus=f"OCTIS {name}", model=label, k=k,
                                 npmi=ev["npmi_window10"], npmi_document=ev["npmi_document"],
                                 td25=ev["td25"]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--corpora", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--k", type=int, default=50)
    p.add_argument("--vocab", type=int, default=5000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--lda-passes", type=int, default=10)
    p.add_argument("--skip-octis", action="store_true")
    p.add_argument("--ntm-args", default="", help="extra flags for `topics train`")
    p.add_argument("--topic-embeddings", default="--encoder-layers 200,100 --mini-batch-size 128 "
                   "--learning-rate 0.005 --epochs 20 --num-patience-epochs 20",
                   help="flags of the run with --topic-embeddings (empty: skip it)")
    a = p.parse_args()
    a.ntm_args = a.ntm_args.split()
    rows = []
    newsgroups(a, rows)
    if not a.skip_octis:
        octis(a, rows)
    report = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                  machine=f"{platform.machine()} {os.cpu_count()} cpus", rows=rows)
    with open(os.path.join(a.out, "topics-results.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
