"""Answers and files compared with the `fasttext` wheel (or a NumPy-2 fork), when installed."""

import numpy as np
import pytest

import blazetext.fasttext as ours

original = pytest.importorskip(
    "fasttext", reason="the fasttext wheel (or fasttext-numpy2) is not installed"
)

# The default dimension: fasttext-numpy2 0.10.4 trains NaNs at dim 20 on this corpus.
SETTINGS = dict(epoch=25, thread=1, verbose=0)
TEXTS = ["bake the cake at 170 degrees", "the striker scored a late goal", "a slow piano sonata"]


@pytest.fixture(scope="module")
def classifier(corpora):
    return ours.train_supervised(str(corpora / "sample-labelled.train"), **SETTINGS)


@pytest.fixture(scope="module")
def theirs(corpora):
    return original.train_supervised(str(corpora / "sample-labelled.train"), **SETTINGS)


def test_same_return_shapes_and_types(classifier, theirs):
    for model in (classifier, theirs):
        labels, probs = model.predict(TEXTS[0], k=2)
        assert isinstance(labels, tuple) and probs.dtype == np.float64 and probs.shape == (2,)
        labels, probs = model.predict(TEXTS, k=2)
        assert isinstance(labels, list) and len(labels) == len(TEXTS)
        assert list(map(len, labels)) == [2, 2, 2] and len(probs) == len(TEXTS)
        assert isinstance(model.get_words(), list)
        assert model.get_word_vector("cake").shape == (model.get_dimension(),)
    assert sorted(classifier.labels) == sorted(theirs.labels)


def test_similar_accuracy(classifier, theirs, corpora):
    test = str(corpora / "sample-labelled.test")
    n_ours, p_ours, _ = classifier.test(test)
    n_theirs, p_theirs, _ = theirs.test(test)
    assert n_ours == n_theirs
    assert p_ours >= p_theirs - 0.05


def test_files_are_interchangeable(classifier, theirs, tmp_path):
    ours_file = tmp_path / "ours.bin"
    classifier.save_model(str(ours_file))
    read_by_fasttext = original.load_model(str(ours_file))
    assert read_by_fasttext.predict(TEXTS, k=1)[0] == classifier.predict(TEXTS, k=1)[0]
    np.testing.assert_allclose(
        read_by_fasttext.get_word_vector("cake"), classifier.get_word_vector("cake"), rtol=1e-5
    )

    theirs_file = tmp_path / "theirs.bin"
    theirs.save_model(str(theirs_file))
    read_by_us = ours.load_model(str(theirs_file))
    assert read_by_us.predict(TEXTS, k=1)[0] == theirs.predict(TEXTS, k=1)[0]
    # fastText adds 1e-5 to each probability (its log is of p + 1e-5); blazetext does not.
    np.testing.assert_allclose(
        read_by_us.predict(TEXTS[1], k=3)[1], theirs.predict(TEXTS[1], k=3)[1], atol=2e-5
    )
    assert read_by_us.get_words() == theirs.get_words()
    np.testing.assert_allclose(
        read_by_us.get_word_vector("cake"), theirs.get_word_vector("cake"), rtol=1e-5
    )
