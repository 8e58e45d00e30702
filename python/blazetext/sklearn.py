"""scikit-learn estimators: ``FastTextClassifier`` and ``TopicModel`` (cloneable, usable in
``Pipeline`` and ``GridSearchCV``). Requires scikit-learn."""

import json

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from . import _native
from . import fasttext as _fasttext


def _texts(X):
    texts = list(X)
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"X must hold str texts, got {type(text).__name__}")
    # One document per line: fastText reads line by line.
    return [" ".join(text.split()) for text in texts]


class FastTextClassifier(ClassifierMixin, BaseEstimator):
    """A fastText text classifier: ``fit(texts, labels)``, ``predict``, ``predict_proba``.

    The parameters are ``fasttext.train_supervised``'s.
    """

    def __init__(
        self,
        lr=0.1,
        dim=100,
        ws=5,
        epoch=5,
        minCount=1,
        minn=0,
        maxn=0,
        neg=5,
        wordNgrams=1,
        loss="softmax",
        bucket=2000000,
        thread=None,
        seed=0,
        verbose=0,
    ):
        self.lr = lr
        self.dim = dim
        self.ws = ws
        self.epoch = epoch
        self.minCount = minCount
        self.minn = minn
        self.maxn = maxn
        self.neg = neg
        self.wordNgrams = wordNgrams
        self.loss = loss
        self.bucket = bucket
        self.thread = thread
        self.seed = seed
        self.verbose = verbose

    def fit(self, X, y):
        """Trains on ``X`` (texts) and ``y`` (one label per text, any hashable values)."""
        texts = _texts(X)
        y = np.asarray(y)
        if len(texts) != len(y):
            raise ValueError(f"X has {len(texts)} texts but y has {len(y)} labels")
        if len(texts) == 0:
            raise ValueError("X: no texts to train on")
        self.classes_, codes = np.unique(y, return_inverse=True)
        lines = [f"__label__{code} {text}" for code, text in zip(codes, texts)]
        self.model_ = _fasttext.train_supervised(lines, **self.get_params())
        return self

    def predict_proba(self, X):
        """One row per text, one column per class of ``classes_``."""
        check_is_fitted(self, "model_")
        labels, probs = self.model_.predict(_texts(X), k=-1)
        out = np.zeros((len(labels), len(self.classes_)), dtype=np.float64)
        for row, (names, values) in enumerate(zip(labels, probs)):
            for name, value in zip(names, values):
                out[row, int(name[len("__label__"):])] = value
        return out

    def predict(self, X):
        """The most probable class of each text."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class TopicModel(TransformerMixin, BaseEstimator):
    """blazetext's neural topic model: ``fit(texts)``, ``transform`` → document-topic matrix,
    ``components_`` (topic-word), ``get_feature_names_out()``."""

    def __init__(
        self,
        n_components=10,
        epochs=50,
        stopwords="english",
        stemmer=None,
        seed=1,
        threads=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.epochs = epochs
        self.stopwords = stopwords
        self.stemmer = stemmer
        self.seed = seed
        self.threads = threads
        self.verbose = verbose

    def fit(self, X, y=None):
        """Trains on ``X``, an iterable of texts."""
        texts = _texts(X)
        if not texts:
            raise ValueError("X: no texts to train on")
        hyperparameters = json.dumps({"num_topics": self.n_components, "epochs": self.epochs})
        pipeline = _native.Pipeline(stopwords=self.stopwords, stemmer=self.stemmer)
        self.model_ = _native.train_topics(
            hyperparameters,
            texts=texts,
            pipeline=pipeline,
            seed=self.seed,
            threads=self.threads,
            verbose=self.verbose,
        )
        self.components_ = self.model_.topic_word()
        return self

    def transform(self, X):
        """The document-topic matrix: one row per text, summing to 1."""
        check_is_fitted(self, "model_")
        return self.model_.infer(_texts(X))

    def get_feature_names_out(self, input_features=None):
        """The model's vocabulary, in the order of ``components_``' columns."""
        check_is_fitted(self, "model_")
        return np.asarray(self.model_.vocabulary, dtype=object)
