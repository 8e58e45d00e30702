"""Probe for the next topic model: topics as clusters of blazetext word embeddings.

Not a topic model blazetext ships. It measures how far "each topic = one cluster of the
vocabulary in a skip-gram space trained on the same documents" gets on the issue's targets, with
the same evaluator as topics_compare.py, to decide whether a VAE whose topics are tied to
embedding clusters (as ECRTM, Wu et al. 2023) is worth building. Needs the files topics.sh
leaves in its output folder (cleaned 20 Newsgroups JSON lines and the exported bags of words).

    .venv/bin/python benches/compare/embedding_clusters.py --out bench-out/topics
"""
import argparse
import json
import os
import subprocess
import tempfile

import numpy as np
import scipy.io
from sklearn.cluster import KMeans

from topics_compare import logreg, npmi_doc, td


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="bench-out/topics", help="topics.sh output folder")
    ap.add_argument("--bin", default="target/release/blazetext")
    ap.add_argument("--topics", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    docs = {s: [json.loads(line) for line in open(os.path.join(a.out, f"20news-bydate-{s}.jsonl"))]
            for s in ["train", "test"]}
    bows = {s: scipy.io.mmread(os.path.join(a.out, f"ng20-{s}", "bow.mtx")).tocsr()
            for s in ["train", "test"]}
    vocab = open(os.path.join(a.out, "ng20-train", "vocab.txt")).read().split("\n")[:-1]

    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, "train.txt")
        with open(text, "w") as f:
            for d in docs["train"]:
                f.write(d["text"].replace("\n", " ") + "\n")
        # The topic pipeline's tokens (stop words out, Snowball stems), so words match the vocabulary.
        subprocess.run([a.bin, "preprocess", text, "-o", text + ".tok", "--stopwords", "english",
                        "--stemmer", "english", "--quiet"], check=True)
        subprocess.run([a.bin, "train", "--mode", "skipgram", text + ".tok", "-o",
                        os.path.join(tmp, "emb"), "--epochs", "10", "--min-count", "2",
                        "--window-size", "10", "--vector-dim", "100", "--seed", str(a.seed),
                        "--quiet"], check=True)
        vectors = {}
        with open(os.path.join(tmp, "emb.vec")) as f:
            next(f)
            for line in f:
                parts = line.rstrip().split(" ")
                vectors[parts[0]] = np.array(parts[1:], dtype=np.float32)
    E = np.array([vectors.get(w, np.zeros(100, np.float32)) for w in vocab])
    E /= np.linalg.norm(E, axis=1, keepdims=True) + 1e-9

    km = KMeans(a.topics, n_init=3, random_state=a.seed).fit(E)
    doc_freq = np.asarray((bows["train"] > 0).sum(0)).ravel()
    tops = []
    for k in range(a.topics):
        members = np.where(km.labels_ == k)[0]
        # Frequent words near the centre first.
        score = np.log(doc_freq[members] + 1) * np.maximum(E[members] @ km.cluster_centers_[k], 0)
        tops.append(list(members[np.argsort(-score)][:25]))
    assign = np.zeros((len(vocab), a.topics))
    assign[np.arange(len(vocab)), km.labels_] = 1
    theta = {}
    for s in ["train", "test"]:
        shares = np.asarray(bows[s] @ assign) + 0.02
        theta[s] = shares / shares.sum(1, keepdims=True)
    labels = {s: [d["group"] for d in docs[s]] for s in ["train", "test"]}
    print(json.dumps({
        "topics": a.topics, "seed": a.seed,
        "npmi_doc_test": round(npmi_doc(tops, bows["test"]), 4),
        "td25": round(td(tops), 4),
        "logreg": round(logreg(theta["train"], labels["train"], theta["test"], labels["test"]), 4),
    }))


if __name__ == "__main__":
    main()
