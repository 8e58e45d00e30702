"""scikit-learn estimators: fit/predict, clone, Pipeline, GridSearchCV."""

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402

from blazetext.sklearn import FastTextClassifier, TopicModel  # noqa: E402


def labelled(path):
    texts, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition(" ")
        labels.append(label[len("__label__"):])
        texts.append(text)
    return texts, labels


@pytest.fixture(scope="module")
def data(corpora):
    return labelled(corpora / "sample-labelled.train"), labelled(corpora / "sample-labelled.test")


def test_classifier(data):
    (X, y), (X_test, y_test) = data
    model = FastTextClassifier(dim=20, epoch=10, lr=0.5, thread=1).fit(X, y)
    assert sorted(model.classes_) == sorted(set(y))
    proba = model.predict_proba(X_test[:5])
    assert proba.shape == (5, len(model.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-3)
    assert set(model.predict(X_test)) <= set(model.classes_)
    assert model.score(X_test, y_test) > 0.5


def test_clone_and_params():
    model = FastTextClassifier(dim=7)
    copy = clone(model)
    assert copy.get_params()["dim"] == 7
    copy.set_params(epoch=3)
    assert copy.epoch == 3 and model.epoch == 5


def test_grid_search_in_pipeline(data):
    (X, y), _ = data
    pipe = Pipeline([("clf", FastTextClassifier(dim=10, thread=1))])
    search = GridSearchCV(pipe, {"clf__epoch": [2, 8], "clf__lr": [0.5]}, cv=2)
    search.fit(X[:400], y[:400])
    assert search.best_params_["clf__epoch"] in (2, 8)


def test_classifier_bad_input(data):
    (X, y), _ = data
    with pytest.raises(ValueError):
        FastTextClassifier().fit(X[:3], y[:2])
    with pytest.raises(TypeError):
        FastTextClassifier().fit([1, 2], ["a", "b"])


def test_topic_model(corpora):
    docs = corpora.joinpath("sample-docs.txt").read_text(encoding="utf-8").splitlines()[:400]
    model = TopicModel(n_components=4, epochs=3, threads=1)
    theta = model.fit_transform(docs)
    assert theta.shape == (400, 4)
    np.testing.assert_allclose(theta.sum(axis=1), 1.0, atol=1e-4)
    names = model.get_feature_names_out()
    assert model.components_.shape == (4, len(names))
    assert clone(model).get_params()["n_components"] == 4
