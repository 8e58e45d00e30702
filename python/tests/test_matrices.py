"""Counts, matrices, subwords and rows: fastText's model-inspection methods and set_matrices."""

import numpy as np
import pytest

import blazetext
import blazetext.fasttext as fasttext
from blazetext import util


@pytest.fixture(scope="module")
def subword_classifier(corpora):
    return fasttext.train_supervised(
        str(corpora / "sample-labelled.train"),
        dim=8, epoch=2, minn=2, maxn=4, bucket=5000, thread=1, verbose=0,
    )


@pytest.fixture(scope="module")
def small_vectors(corpora):
    return fasttext.train_unsupervised(
        str(corpora / "sample.txt"), dim=8, epoch=1, minCount=2, bucket=5000, thread=1, verbose=0
    )


def line_words(path):
    counts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        for token in line.split():
            if not token.startswith("__label__"):
                counts[token] = counts.get(token, 0) + 1
    return counts


def test_classifier_counts(classifier, corpora):
    words, counts = classifier.get_words(include_freq=True)
    assert words == classifier.get_words() and counts.dtype == np.int64
    assert len(counts) == len(words) and list(counts) == sorted(counts, reverse=True)
    expected = line_words(corpora / "sample-labelled.train")
    assert all(counts[i] == expected[w] for i, w in enumerate(words) if w != fasttext.EOS)
    labels, label_counts = classifier.get_labels(include_freq=True)
    assert labels == classifier.labels and label_counts.dtype == np.int64
    assert label_counts.sum() == len((corpora / "sample-labelled.train").read_text().splitlines())
    assert classifier.get_label_id(labels[2]) == 2
    assert classifier.get_label_id("__label__unknown") == -1


def test_vectors_counts_and_labels(small_vectors):
    words, counts = small_vectors.get_words(include_freq=True)
    assert len(words) == len(counts) and (counts >= 2).all()
    labels, label_counts = small_vectors.get_labels(include_freq=True)
    assert labels == words and (label_counts == counts).all()
    assert small_vectors.get_label_id(words[3]) == 3


@pytest.mark.parametrize("name", ["subword_classifier", "small_vectors"])
def test_word_vector_is_the_mean_of_its_subword_rows(name, request):
    model = request.getfixturevalue(name)
    matrix = model.get_input_matrix()
    nwords = len(model.get_words())
    assert matrix.shape == (nwords + 5000, 8) and matrix.dtype == np.float32
    for word in ["cake", "guitar", "the", "zzqx", fasttext.EOS]:
        subwords, ids = model.get_subwords(word)
        assert len(subwords) == len(ids) and ids.dtype == np.int64
        if model.get_word_id(word) >= 0:
            assert subwords[0] == word and ids[0] == model.get_word_id(word)
            ngrams = subwords[1:]
        else:
            ngrams = subwords
        assert [model.get_subword_id(g) for g in ngrams] == list(ids[len(ids) - len(ngrams):])
        expected = matrix[ids].mean(axis=0) if len(ids) else np.zeros(8, dtype=np.float32)
        np.testing.assert_allclose(model.get_word_vector(word), expected, atol=1e-6)
        for i in ids[:3]:
            np.testing.assert_array_equal(model.get_input_vector(i), matrix[i])
    # The end-of-line token has no n-grams (blazetext's word vectors have no such token).
    assert model.get_subwords(fasttext.EOS)[0] in ([fasttext.EOS], [])


def test_subwords_order():
    model = fasttext.train_supervised(
        ["__label__a cat", "__label__b dog"] * 5, minn=2, maxn=3, bucket=100, thread=1, verbose=0
    )
    assert model.get_subwords("cat")[0] == ["cat", "<c", "<ca", "ca", "cat", "at", "at>", "t>"]
    assert model.get_subwords("cow")[0][0] == "<c"


def test_no_subwords(classifier):
    # The session classifier has no character n-grams: a word is its own row, an unknown
    # word has no rows and a zero vector.
    subwords, ids = classifier.get_subwords("cake")
    assert subwords == ["cake"] and list(ids) == [classifier.get_word_id("cake")]
    subwords, ids = classifier.get_subwords("zzqx")
    assert subwords == [] and len(ids) == 0
    assert not classifier.get_word_vector("zzqx").any()


def test_subword_id_without_buckets():
    model = fasttext.train_supervised(
        ["__label__a cat", "__label__b dog"] * 5, wordNgrams=1, thread=1, verbose=0
    )
    with pytest.raises(ValueError, match="bucket"):
        model.get_subword_id("<ca")
    assert model.get_input_matrix().shape[0] == len(model.words)


def test_output_matrix(classifier, small_vectors):
    assert classifier.get_output_matrix().shape == (len(classifier.labels), 20)
    assert small_vectors.get_output_matrix().shape == (len(small_vectors.words), 8)


def test_matrices_of_a_loaded_model(small_vectors, tmp_path):
    path = tmp_path / "v.bin"
    small_vectors.save_model(str(path))
    loaded = fasttext.load_model(str(path))
    np.testing.assert_array_equal(loaded.get_input_matrix(), small_vectors.get_input_matrix())
    np.testing.assert_array_equal(loaded.get_output_matrix(), small_vectors.get_output_matrix())
    assert (loaded.get_words(include_freq=True)[1] == small_vectors.get_words(True)[1]).all()
    # A loaded model saves as a copy of its file.
    loaded.save_model(str(tmp_path / "copy.bin"))
    assert (tmp_path / "copy.bin").read_bytes() == path.read_bytes()


def test_input_vector_bad_input(classifier):
    rows = classifier.get_input_matrix().shape[0]
    with pytest.raises(TypeError):
        classifier.get_input_vector("3")
    with pytest.raises(TypeError):
        classifier.get_input_vector(1.5)
    with pytest.raises(ValueError):
        classifier.get_input_vector(-1)
    with pytest.raises(ValueError, match="rows"):
        classifier.get_input_vector(rows)
    assert classifier.get_input_vector(np.int64(rows - 1)).shape == (20,)
    with pytest.raises(TypeError):
        classifier.get_subwords(None)
    with pytest.raises(TypeError):
        classifier.get_subword_id(7)


def test_set_matrices_round_trip(subword_classifier):
    text = "bake the cake at 170 degrees"
    before = subword_classifier.predict(text, k=3)
    model = fasttext.FastText._FastText(subword_classifier._model)
    model.set_matrices(model.get_input_matrix().astype(np.float64), model.get_output_matrix())
    assert model.predict(text, k=3)[0] == before[0]
    np.testing.assert_allclose(model.predict(text, k=3)[1], before[1], rtol=1e-6)


def test_set_matrices_bad_input(subword_classifier):
    model = fasttext.FastText._FastText(subword_classifier._model)
    inp, out = model.get_input_matrix(), model.get_output_matrix()
    with pytest.raises(ValueError, match="rows"):
        model.set_matrices(inp[:-1], out)
    with pytest.raises(ValueError, match="dimension"):
        model.set_matrices(inp, out[:, :4])
    with pytest.raises(ValueError, match="2-D"):
        model.set_matrices(inp[0], out)
    with pytest.raises(TypeError):
        model.set_matrices("input", out)
    assert model.get_dimension() == 8  # unchanged after the refusals


def test_reduce_model_classifier(subword_classifier, corpora, tmp_path):
    model = fasttext.FastText._FastText(subword_classifier._model)
    _, precision, _ = model.test(str(corpora / "sample-labelled.test"))
    assert util.reduce_model(model, 4) is model
    assert model.get_dimension() == 4 and model.get_input_matrix().shape[1] == 4
    assert model.get_word_vector("cake").shape == (4,)
    _, reduced, _ = model.test(str(corpora / "sample-labelled.test"))
    assert reduced > 0.5 * precision
    model.save_model(str(tmp_path / "reduced.bin"))
    assert fasttext.load_model(str(tmp_path / "reduced.bin")).get_dimension() == 4


def test_reduce_model_vectors(small_vectors, tmp_path):
    model = fasttext.FastText._FastText(small_vectors._model)
    util.reduce_model(model, 3)
    assert model.get_dimension() == 3
    assert len(model.get_nearest_neighbors("guitar", k=2)) == 2
    model.save_model(str(tmp_path / "reduced.bin"))
    loaded = fasttext.load_model(str(tmp_path / "reduced.bin"))
    np.testing.assert_allclose(loaded["guitar"], model["guitar"], rtol=1e-6)


def test_reduce_model_bad_dimension(subword_classifier):
    with pytest.raises(ValueError, match="target_dim"):
        util.reduce_model(subword_classifier, 0)
    with pytest.raises(ValueError, match="target_dim"):
        util.reduce_model(subword_classifier, 9)
    with pytest.raises(TypeError):
        util.reduce_model(subword_classifier, "4")


def test_word2vec_files_have_no_counts_or_output(small_vectors, tmp_path):
    path = tmp_path / "v.vec"
    small_vectors._model.save_text(str(path))
    loaded = fasttext.load_model(str(path))
    assert loaded.get_words() == small_vectors.get_words()
    with pytest.raises(blazetext.ModelError, match="counts"):
        loaded.get_words(include_freq=True)
    with pytest.raises(blazetext.ModelError, match="output matrix"):
        loaded.get_output_matrix()
    with pytest.raises(ValueError, match="bucket"):
        loaded.get_subword_id("<gu")
