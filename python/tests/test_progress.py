"""verbose=2 draws fastText's progress line on a terminal, and nothing with verbose=0."""

import os
import pty
import subprocess
import sys

SCRIPT = r"""
import sys
import blazetext.fasttext as fasttext
train = getattr(fasttext, sys.argv[1])
train(sys.argv[2], epoch=5, dim=20, thread=1, verbose=int(sys.argv[3]))
"""


def terminal_output(corpora, verbose, train="train_unsupervised", corpus="sample.txt"):
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, train, str(corpora / corpus), str(verbose)],
        stderr=follower,
        stdout=follower,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the child
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert child.wait(timeout=60) == 0
    return b"".join(chunks).decode()


def test_verbose_2_shows_progress(corpora):
    out = terminal_output(corpora, 2)
    assert "Progress: 100.0%" in out
    assert "words/sec/thread:" in out and "avg.loss:" in out and "ETA:" in out


def test_verbose_0_is_silent(corpora):
    assert terminal_output(corpora, 0).strip() == ""


def test_verbose_2_shows_progress_of_a_short_supervised_run(corpora):
    # 1,200 lines: fewer than the library's progress interval, so the line comes from the end.
    out = terminal_output(corpora, 2, "train_supervised", "sample-labelled.train")
    assert "Progress: 100.0%" in out and "avg.loss:" in out
    assert out.endswith("\n")
