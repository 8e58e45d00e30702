"""The text pipeline and topic models through the native module."""

import json

import numpy as np
import pytest

import blazetext
from blazetext import _native


def test_pipeline_tokenize():
    tokens = blazetext.Pipeline(stopwords="english", stemmer="english").tokenize(
        "The runners were running quickly!"
    )
    assert "the" not in tokens and "run" in tokens


def test_pipeline_bad_language():
    with pytest.raises(ValueError):
        blazetext.Pipeline(stopwords="klingon")
    with pytest.raises(ValueError):
        blazetext.Pipeline(stemmer="klingon")


def test_whitespace_pipeline():
    assert blazetext.Pipeline.whitespace().tokenize("Hello, World") == ["Hello,", "World"]


@pytest.fixture(scope="module")
def topics(corpora):
    return _native.train_topics(
        json.dumps({"num_topics": 3, "epochs": 2}),
        files=[str(corpora / "sample-docs.txt")],
        pipeline=blazetext.Pipeline.topics_default(),
        threads=1,
        verbose=0,
    )


def test_topics(topics, tmp_path):
    assert topics.num_topics == 3
    theta = topics.infer(["the guitar and the piano", "bake a cake"])
    assert theta.shape == (2, 3) and theta.dtype == np.float64
    top = topics.top_words(5)
    assert len(top) == 3 and all(len(words) == 5 for words in top)
    assert topics.topic_word().shape == (3, len(topics.vocabulary))
    assert isinstance(json.loads(topics.metrics), dict)
    path = tmp_path / "topics.model"
    topics.save(str(path))
    loaded = blazetext.load(str(path))
    assert isinstance(loaded, blazetext.TopicModel)
    np.testing.assert_allclose(loaded.infer(["bake a cake"]), topics.infer(["bake a cake"]))


def test_topics_bad_input():
    with pytest.raises(ValueError):
        _native.train_topics(json.dumps({"num_topics": "many"}), texts=["a b c"], verbose=0)
    with pytest.raises(ValueError):
        _native.train_topics("{}", verbose=0)
    with pytest.raises(ValueError, match="no training texts"):
        _native.train_topics("{}", texts=[], verbose=0)
