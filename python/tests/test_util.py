import numpy as np

import blazetext.fasttext  # noqa: F401
from blazetext import util


def test_precision_recall():
    p, r = util.test([["a"], ["b"]], [["a"], ["a", "c"]], k=1)
    assert (p, r) == (0.5, 1 / 3)


def test_find_nearest_neighbor():
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]], dtype=np.float32)
    assert util.find_nearest_neighbor(vectors[0], vectors, ban_set={0}) == 1


def test_reachable_as_fasttext_util():
    assert blazetext.fasttext.util.reduce_model is util.reduce_model
