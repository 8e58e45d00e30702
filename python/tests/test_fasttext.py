"""blazetext.fasttext behaves as fastText 0.9.2's Python module."""

import numpy as np
import pytest

import blazetext
import blazetext.fasttext as fasttext


def test_constants():
    assert (fasttext.BOW, fasttext.EOW, fasttext.EOS) == ("<", ">", "</s>")


def test_tokenize():
    assert fasttext.tokenize("a  b\nc") == ["a", "b", "</s>", "c"]


def test_predict_one_string(classifier):
    labels, probs = classifier.predict("bake the cake at 170 degrees", k=2)
    assert isinstance(labels, tuple) and len(labels) == 2
    assert all(label.startswith("__label__") for label in labels)
    assert labels[0] == "__label__cooking"
    assert probs.dtype == np.float64 and probs.shape == (2,)
    assert probs[0] >= probs[1] and probs.max() <= 1.0


def test_predict_list(classifier):
    labels, probs = classifier.predict(["bake the cake", "the pianist played"], k=1)
    assert len(labels) == 2 and all(len(row) == 1 for row in labels)
    assert all(p.dtype == np.float32 for p in probs)


def test_predict_all_labels_and_threshold(classifier):
    labels, probs = classifier.predict("bake the cake", k=-1)
    assert sorted(labels) == sorted(classifier.labels)
    assert abs(float(probs.sum()) - 1.0) < 1e-3
    few, _ = classifier.predict("bake the cake", k=-1, threshold=0.99)
    assert len(few) <= 1


def test_predict_bad_input(classifier):
    with pytest.raises(TypeError):
        classifier.predict(42)
    with pytest.raises(TypeError):
        classifier.predict(["fine", None])
    with pytest.raises(ValueError, match="one line"):
        classifier.predict("two\nlines")
    with pytest.raises(ValueError):
        classifier.predict("text", k=0)
    with pytest.raises(ValueError):
        classifier.predict("text", threshold=1.5)


def test_predict_on_unicode_error(classifier):
    bad = b"bake the cake \xff"
    with pytest.raises(UnicodeDecodeError):
        classifier.predict(bad)
    labels, _ = classifier.predict(bad, on_unicode_error="replace")
    assert len(labels) == 1
    with pytest.raises(ValueError, match="on_unicode_error"):
        classifier.predict("text", on_unicode_error="nope")


def test_test_and_test_label(classifier, corpora):
    n, precision, recall = classifier.test(str(corpora / "sample-labelled.test"))
    assert n == 300 and 0.5 < precision <= 1.0 and recall == pytest.approx(precision)
    per_label = classifier.test_label(str(corpora / "sample-labelled.test"))
    assert set(per_label) <= set(classifier.labels)
    for figures in per_label.values():
        assert set(figures) == {"precision", "recall", "f1score"}
        assert all(0.0 <= v <= 1.0 for v in figures.values())


def test_classifier_words_and_vectors(classifier):
    assert classifier.get_dimension() == 20
    words = classifier.get_words()
    assert words == classifier.words and "cake" in words
    assert classifier.get_word_id("cake") == words.index("cake")
    assert classifier.get_word_id("zzzunknownzzz") == -1
    assert "cake" in classifier and "zzzunknownzzz" not in classifier
    v = classifier.get_word_vector("cake")
    assert v.shape == (20,) and v.dtype == np.float32
    assert np.array_equal(classifier["cake"], v)
    assert not classifier["zzzunknownzzz"].any()
    s = classifier.get_sentence_vector("bake the cake")
    assert s.shape == (20,)
    with pytest.raises(ValueError):
        classifier.get_sentence_vector("a\nb")
    assert classifier.get_labels() == classifier.labels
    assert classifier.get_label_id(classifier.labels[0]) == 0
    label = classifier.labels[0]
    assert classifier.get_line(f"{label} hello __label__unknown world") == (
        ["hello", "world", fasttext.EOS],
        [label],
    )
    assert not classifier.is_quantized()


def test_save_and_load(classifier, tmp_path):
    path = tmp_path / "model.bin"
    classifier.save_model(str(path))
    assert path.exists()
    loaded = fasttext.load_model(str(path))
    text = "the striker scored a goal"
    assert loaded.predict(text, k=3)[0] == classifier.predict(text, k=3)[0]
    np.testing.assert_allclose(loaded.predict(text)[1], classifier.predict(text)[1], rtol=1e-6)
    np.testing.assert_array_equal(loaded["goal"], classifier["goal"])


def test_unsupervised(vectors, tmp_path):
    assert vectors.get_dimension() == 20
    assert "guitar" in vectors.words
    oov = vectors.get_word_vector("guitarzzz")
    assert oov.shape == (20,) and oov.any()  # subwords give unknown words a vector
    found = vectors.get_nearest_neighbors("guitar", k=5)
    assert len(found) == 5
    score, word = found[0]
    assert isinstance(score, float) and isinstance(word, str) and word != "guitar"
    analogies = vectors.get_analogies("pianos", "piano", "guitar", k=3)
    assert len(analogies) == 3
    with pytest.raises(blazetext.ModelError):
        vectors.predict("text")
    vectors.save_model(str(tmp_path / "vectors.bin"))
    again = fasttext.load_model(str(tmp_path / "vectors.bin"))
    np.testing.assert_array_equal(again["guitar"], vectors["guitar"])


def test_train_from_texts():
    model = fasttext.train_supervised(
        ["__label__a red apple", "__label__b blue sky"] * 10, dim=5, thread=1, verbose=0
    )
    assert sorted(model.labels) == ["__label__a", "__label__b"]


def test_bad_hyperparameters_name_the_parameter(corpora):
    train = str(corpora / "sample-labelled.train")
    with pytest.raises(ValueError, match="dim"):
        fasttext.train_supervised(train, dim=0, verbose=0)
    with pytest.raises(ValueError, match="loss"):
        fasttext.train_supervised(train, loss="nope", verbose=0)
    with pytest.raises(ValueError, match="thread"):
        fasttext.train_supervised(train, thread=0, verbose=0)
    with pytest.raises(ValueError, match="model"):
        fasttext.train_unsupervised(train, model="nope", verbose=0)
    with pytest.raises(TypeError):
        fasttext.train_supervised(train, nonsense=1)


def test_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        fasttext.load_model(str(tmp_path / "absent.bin"))
    with pytest.raises(FileNotFoundError):
        fasttext.train_supervised(str(tmp_path / "absent.txt"), verbose=0)


def test_corrupt_model_file(tmp_path):
    path = tmp_path / "corrupt.bin"
    path.write_bytes(b"\x00\x01\x02 not a model" * 10)
    with pytest.raises(blazetext.BlazeTextError):
        fasttext.load_model(str(path))


def test_wrong_model_kind(vectors, tmp_path):
    vectors.save_model(str(tmp_path / "v.bin"))
    with pytest.raises(blazetext.BlazeTextError):
        fasttext.load_model(str(tmp_path / "v.bin")).test("x")


def test_topic_model_is_not_a_fasttext_model(tmp_path, corpora):
    import json

    from blazetext import _native

    topics = _native.train_topics(
        json.dumps({"num_topics": 2, "epochs": 1}),
        texts=corpora.joinpath("sample-docs.txt").read_text(encoding="utf-8").splitlines()[:50],
        threads=1,
        verbose=0,
    )
    topics.save(str(tmp_path / "topics.model"))
    with pytest.raises(blazetext.ModelError, match="topic model"):
        fasttext.load_model(str(tmp_path / "topics.model"))


def test_searches_bad_input(vectors, classifier):
    with pytest.raises(ValueError):
        vectors.get_nearest_neighbors("guitar", k=0)
    with pytest.raises(TypeError):
        vectors.get_nearest_neighbors(None)
    with pytest.raises(blazetext.BlazeTextError):
        classifier.get_nearest_neighbors("cake")


def test_not_yet_available(classifier, vectors):
    with pytest.raises(NotImplementedError, match="ftz"):
        classifier.quantize()
    with pytest.raises(ValueError, match="supervised"):
        vectors.quantize()  # fastText quantizes classifiers only
    with pytest.raises(NotImplementedError):
        classifier.get_meter("x")
    with pytest.raises(ValueError, match="autotuneValidationFile"):
        fasttext.train_supervised("x", autotuneValidationFile="valid.txt", verbose=0)


def test_fasttext_submodule_and_constructor(classifier, tmp_path):
    path = tmp_path / "m.bin"
    classifier.save_model(str(path))
    model = fasttext.FastText._FastText(model_path=str(path))
    assert model.get_labels() == classifier.get_labels()


def test_settings_follow_fasttext():
    import json

    from blazetext._settings import to_settings

    settings = json.loads(to_settings({"dim": 10, "maxn": 6, "minn": 3}, supervised=False))
    assert settings["vector_dim"] == 10 and settings["subwords"] is True
    assert settings["ns_exponent"] == 0.5  # fastText's negative-sampling table
