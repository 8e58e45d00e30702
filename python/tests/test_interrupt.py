"""Ctrl-C stops training with KeyboardInterrupt, promptly, and writes nothing."""

import signal
import subprocess
import sys
import time

SCRIPT = r"""
import sys
import blazetext.fasttext as fasttext
try:
    print("ready", flush=True)
    fasttext.train_unsupervised(sys.argv[1], epoch=100000, dim=50, thread=1, verbose=0)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_raises_keyboard_interrupt(corpora, tmp_path):
    child = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(corpora / "sample.txt")],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    assert child.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    started = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=30)
    assert "interrupted" in out
    assert time.monotonic() - started < 10
    assert list(tmp_path.iterdir()) == []
