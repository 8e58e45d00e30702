"""gensim-style KeyedVectors."""

import numpy as np
import pytest

from blazetext.vectors import KeyedVectors


@pytest.fixture(scope="module")
def kv(vectors):
    return KeyedVectors(vectors._model)


def test_vocabulary_and_matrix(kv):
    assert len(kv) == len(kv.index_to_key) > 10
    assert kv.key_to_index[kv.index_to_key[3]] == 3
    matrix = kv.vectors
    assert matrix.shape == (len(kv), kv.vector_size) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix[kv.key_to_index["guitar"]], kv["guitar"])
    assert kv[["guitar", "piano"]].shape == (2, kv.vector_size)
    assert "guitar" in kv


def test_most_similar(kv):
    found = kv.most_similar("guitar", topn=4)
    assert len(found) == 4 and all(w != "guitar" for w, _ in found)
    assert found[0][1] >= found[-1][1]
    analogy = kv.most_similar(positive=["guitars", "piano"], negative=["guitar"], topn=3)
    assert len(analogy) == 3
    mixed = kv.most_similar(positive=["guitar", "piano", "drums"], topn=3)
    assert len(mixed) == 3 and not {"guitar", "piano", "drums"} & {w for w, _ in mixed}
    with pytest.raises(ValueError, match="topn"):
        kv.most_similar("guitar", topn=0)


def test_similarity(kv):
    assert kv.similarity("guitar", "guitar") == pytest.approx(1.0, abs=1e-5)
    assert -1.0 <= kv.similarity("guitar", "piano") <= 1.0


def test_evaluations(kv, corpora):
    accuracy, sections = kv.evaluate_word_analogies(corpora / "questions-sample.txt")
    assert 0.0 <= accuracy <= 1.0 and sections
    pearson, spearman, oov = kv.evaluate_word_pairs(corpora / "similarity-sample.tsv")
    assert -1.0 <= pearson[0] <= 1.0 and -1.0 <= spearman[0] <= 1.0 and 0.0 <= oov <= 100.0


def test_load_round_trip(kv, tmp_path):
    kv.save(tmp_path / "kv")
    again = KeyedVectors.load(tmp_path / "kv.bin")
    np.testing.assert_array_equal(again["guitar"], kv["guitar"])
    text = KeyedVectors.load_word2vec_format(tmp_path / "kv.vec")
    assert text.index_to_key == kv.index_to_key


def test_from_vectors():
    kv = KeyedVectors.from_vectors(["cat", "dog", "car"], [[1.0, 0.1], [0.9, 0.2], [0.0, 1.0]])
    assert kv.most_similar("cat", topn=1)[0][0] == "dog"
    np.testing.assert_allclose(kv["car"], [0.0, 1.0])
    with pytest.raises(ValueError, match="rows"):
        KeyedVectors.from_vectors(["cat"], [[1.0, 0.0], [0.0, 1.0]])
