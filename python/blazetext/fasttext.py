"""A drop-in for fastText 0.9.2's Python module: ``import blazetext.fasttext as fasttext``.

The functions, keyword names, defaults, methods and return shapes are fastText's. Where the
answers differ on purpose:

* ``test_label`` gives 0.0 (not NaN) where a ratio has no denominator, and an F1 score within
  [0, 1]; probabilities never exceed 1 (fastText adds 1e-5 to each one).
* ``lrUpdateRate`` is accepted and checked, but the learning rate decays continuously.
* Word vectors trained by blazetext have no ``EOS`` (``</s>``) entry in their vocabulary.
* ``get_nearest_neighbors`` and ``get_analogies`` need word vectors: a classifier's input vectors
  are trained for its labels, and asking them raises ``blazetext.ModelError``.
* ``get_subword_id`` and ``get_input_vector`` raise ``ValueError`` where fastText would crash
  (no bucket rows, a row outside the matrix).
* ``quantize`` raises ``NotImplementedError`` for classifiers until blazetext writes quantized
  ``.ftz`` models (``ValueError`` for word vectors, as fastText), and the autotune arguments of
  ``train_supervised`` are refused with a ``ValueError`` until tuning lands; ``get_meter`` raises
  ``NotImplementedError``.
"""

import os
import shutil
import sys

import numpy as np

from . import _native
from . import util  # noqa: F401  (fastText's `fasttext.util`, reachable the same way here)
from ._settings import default_threads, name_parameter, to_settings

BOW = "<"
EOW = ">"
EOS = "</s>"

_UNICODE_ERRORS = ("strict", "replace", "ignore")

# fastText's package has its API in a submodule too (`fasttext.FastText._FastText`).
FastText = sys.modules[__name__]


def _text(value, on_unicode_error, what="text"):
    """`value` as str: bytes are decoded following `on_unicode_error`; anything else is a TypeError."""
    if on_unicode_error not in _UNICODE_ERRORS:
        raise ValueError(
            f"on_unicode_error: must be one of {', '.join(_UNICODE_ERRORS)}, got {on_unicode_error!r}"
        )
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors=on_unicode_error)
    raise TypeError(f"{what} must be a str, got {type(value).__name__}")


def _one_line(text, on_unicode_error, what="predict"):
    """One line of text as fastText reads it: a line break is an error, and reading stops at an
    ``EOS`` token (``</s>`` ends a line in fastText's dictionary)."""
    text = _text(text, on_unicode_error)
    if "\n" in text:
        raise ValueError(f"{what} processes one line at a time (remove '\\n')")
    if EOS in text:
        tokens = text.split()
        if EOS in tokens:
            return " ".join(tokens[: tokens.index(EOS)])
    return text


def tokenize(text):
    """fastText's tokenization: whitespace-separated tokens, a line break giving ``EOS``."""
    tokens = []
    for i, line in enumerate(text.split("\n")):
        if i > 0:
            tokens.append(EOS)
        tokens.extend(line.split())
    return tokens


class _FastText:
    """A model returned by ``train_supervised``, ``train_unsupervised`` or ``load_model``."""

    def __init__(self, model_path=None, args=None):
        # fastText's signature; blazetext's own functions pass the native model instead of a path.
        if isinstance(model_path, (str, os.PathLike)):
            model_path = _load(model_path)
        self._model = model_path
        self._args = args

    @property
    def _classifier(self):
        return self._model if isinstance(self._model, _native.Classifier) else None

    @property
    def _vectors(self):
        if self._classifier is not None:
            return self._model.input_vectors()
        return self._model

    # -- facts -------------------------------------------------------------------------------

    def is_quantized(self):
        """Always False: blazetext does not quantize models yet."""
        return False

    def get_dimension(self):
        """The vector dimension."""
        return self._model.dim

    @property
    def words(self):
        """The vocabulary, most frequent first."""
        return self.get_words()

    @property
    def labels(self):
        """The labels (a classifier's), most frequent first."""
        return self.get_labels()

    def get_words(self, include_freq=False, on_unicode_error="strict"):
        """The vocabulary, most frequent first; with ``include_freq``, ``(words, counts)`` where
        ``counts`` is an int64 array of each word's count in the training data."""
        _text("", on_unicode_error)
        words = list(self._model.words)
        if not include_freq:
            return words
        if self._classifier is not None:
            return words, self._classifier.word_counts()
        counts = self._model.counts()
        if counts is None:
            raise _native.ModelError("word2vec files hold no word counts; only fastText models do")
        return words, counts

    def get_labels(self, include_freq=False, on_unicode_error="strict"):
        """A classifier's labels, most frequent first (with ``include_freq``, ``(labels,
        counts)``); the words for word vectors, as fastText does."""
        _text("", on_unicode_error)
        if self._classifier is None:
            return self.get_words(include_freq, on_unicode_error)
        labels = list(self._classifier.labels)
        if include_freq:
            return labels, self._classifier.label_counts()
        return labels

    def get_word_id(self, word):
        """The word's row in the vocabulary and the input matrix, or -1."""
        found = self._model.word_id(_text(word, "strict", "word"))
        return -1 if found is None else found

    def get_label_id(self, label):
        """The label's index in ``get_labels()``, or -1 (for word vectors, as ``get_word_id``)."""
        label = _text(label, "strict", "label")
        if self._classifier is None:
            return self.get_word_id(label)
        found = self._classifier.label_id(label)
        return -1 if found is None else found

    def get_subwords(self, word, on_unicode_error="strict"):
        """``(subwords, ids)``: the word itself when in the vocabulary, then its character
        n-grams (``<wo``, ``wor``, …), and their rows in the input matrix (an int64 array), in
        fastText's order. The word's vector is the mean of those rows."""
        return self._model.word_subwords(_text(word, on_unicode_error, "word"))

    def get_subword_id(self, subword):
        """The input-matrix row ``subword`` hashes to (after the word rows)."""
        found = self._model.subword_row(_text(subword, "strict", "subword"))
        if found is None:
            raise ValueError("get_subword_id: this model has no bucket rows (bucket=0)")
        return found

    def get_input_vector(self, ind):
        """Row ``ind`` of the input matrix."""
        if isinstance(ind, bool) or not isinstance(ind, (int, np.integer)):
            raise TypeError(f"ind must be an int, got {type(ind).__name__}")
        if ind < 0:
            raise ValueError(f"ind: must be a row of the input matrix (0 or more), got {ind}")
        return self._model.input_row(int(ind))

    def get_input_matrix(self):
        """A copy of the input matrix: one row per word, then ``bucket`` hashed n-gram rows."""
        return self._model.input_matrix()

    def get_output_matrix(self):
        """A copy of the output matrix: one row per label (classifiers) or per word."""
        return self._model.output_matrix()

    def set_matrices(self, input_matrix, output_matrix):
        """Replaces the input and output matrices (converted to float32); they must keep the
        rows of ``get_input_matrix()`` and ``get_output_matrix()`` and may change the
        dimension, as ``fasttext.util.reduce_model`` does."""
        matrices = []
        for name, matrix in (("input_matrix", input_matrix), ("output_matrix", output_matrix)):
            if not hasattr(matrix, "__array__") and not isinstance(matrix, (list, tuple)):
                raise TypeError(f"{name} must be a 2-D array, got {type(matrix).__name__}")
            matrix = np.ascontiguousarray(matrix, dtype=np.float32)
            if matrix.ndim != 2:
                raise ValueError(f"{name}: must be a 2-D array, got shape {matrix.shape}")
            matrices.append(matrix)
        self._model = self._model.with_matrices(*matrices)

    # -- vectors -----------------------------------------------------------------------------

    def get_word_vector(self, word):
        """The word's vector: the mean of its ``get_subwords`` rows (its n-grams for an unknown
        word; zeros when it has none)."""
        vector = self._model.word_vector(_text(word, "strict", "word"))
        if vector is None:
            return np.zeros(self.get_dimension(), dtype=np.float32)
        return vector

    def __getitem__(self, word):
        return self.get_word_vector(word)

    def __contains__(self, word):
        return isinstance(word, str) and self._model.word_id(word) is not None

    def get_sentence_vector(self, text):
        """The vector of one line of text."""
        if self._classifier is not None:
            return self._model.sentence_vector(_one_line(text, "strict", "sentence vector"))
        text = _text(text, "strict")
        if "\n" in text:
            raise ValueError("sentence vector processes one line at a time (remove '\\n')")
        return self._model.sentence_vector(text)

    def get_nearest_neighbors(self, word, k=10, on_unicode_error="strict"):
        """The ``k`` nearest words: a list of ``(cosine, word)``, best first."""
        return self._vectors.nearest(_text(word, on_unicode_error, "word"), k)

    def get_analogies(self, wordA, wordB, wordC, k=10, on_unicode_error="strict"):
        """The ``k`` words nearest to ``wordA - wordB + wordC``: a list of ``(cosine, word)``."""
        a, b, c = (_text(w, on_unicode_error, "word") for w in (wordA, wordB, wordC))
        return self._vectors.analogy(b, a, c, k)

    def get_line(self, text, on_unicode_error="strict"):
        """``(words, labels)`` of a line: its whitespace-separated words and ``EOS`` (as fastText
        reads a line), and the labels the model knows. A list of lines gives ``(list of word
        lists, list of label lists)``."""
        if isinstance(text, list):
            lines = [self.get_line(t, on_unicode_error) for t in text]
            return [words for words, _ in lines], [labels for _, labels in lines]
        text = _one_line(text, on_unicode_error, "get_line")
        prefix = (self._args or {}).get("label", "__label__")
        tokens = text.split()
        known = self._classifier.label_id if self._classifier is not None else lambda _: None
        return (
            [t for t in tokens if not t.startswith(prefix)] + [EOS],
            [t for t in tokens if t.startswith(prefix) and known(t) is not None],
        )

    # -- classification ----------------------------------------------------------------------

    def _need_classifier(self, what):
        if self._classifier is None:
            raise _native.ModelError(f"{what} needs a supervised model; this model holds word vectors")
        return self._classifier

    def predict(self, text, k=1, threshold=0.0, on_unicode_error="strict"):
        """The ``k`` best labels with probability ≥ ``threshold``.

        One string gives ``(labels, probabilities)`` (a tuple of str, a float64 array); a list
        gives ``(list of label lists, list of float32 arrays)``, as fastText does.
        """
        classifier = self._need_classifier("predict")
        if isinstance(text, list):
            return classifier.predict([_one_line(t, on_unicode_error) for t in text], k, threshold)
        labels, probs = classifier.predict_one(_one_line(text, on_unicode_error), k, threshold)
        return tuple(labels), probs.astype(np.float64)

    def test(self, path, k=1, threshold=0.0):
        """``(N, precision@k, recall@k)`` on a labelled file."""
        return self._need_classifier("test").test(os.fspath(path), k, threshold)

    def test_label(self, path, k=1, threshold=0.0):
        """Per-label ``{"precision", "recall", "f1score"}`` on a labelled file."""
        rows = self._need_classifier("test_label").test_label(os.fspath(path), k, threshold)
        return {
            label: {"precision": p, "recall": r, "f1score": f1}
            for label, p, r, f1, _support in rows
        }

    # -- files -------------------------------------------------------------------------------

    def save_model(self, path):
        """Writes the model to ``path`` (fastText's ``.bin``) and its text pipeline next to it."""
        path = os.fspath(path)
        prefix = path[: -len(".bin")] if path.endswith(".bin") else path
        source = self._model.path if isinstance(self._model, _native.WordVectors) else None
        if source is not None:
            # Vectors loaded from a file hold only what queries need: the file is the model.
            _copy_model(source, path, prefix)
            return
        written = self._model.save(prefix)
        binary = next(str(f) for f in written if str(f).endswith(".bin"))
        if binary != path:
            shutil.move(binary, path)

    # -- not available yet -------------------------------------------------------------------

    def get_meter(self, path, k=-1):
        """Not available yet: blazetext has no precision-recall meter."""
        raise NotImplementedError("get_meter is not available in blazetext yet")

    def quantize(
        self,
        input=None,
        qout=False,
        cutoff=0,
        retrain=False,
        epoch=None,
        lr=None,
        thread=None,
        verbose=None,
        dsub=2,
        qnorm=False,
    ):
        """Not available yet: blazetext does not write quantized ``.ftz`` models. Word vectors
        raise ``ValueError`` as in fastText, which quantizes only classifiers."""
        if self._classifier is None:
            raise ValueError("quantize: only supervised models can be quantized")
        raise NotImplementedError(
            "quantize: blazetext does not write quantized (.ftz) models yet; save_model writes "
            "the full .bin"
        )


def _copy_model(source, path, prefix):
    """Copies a model file to ``path`` and its manifest (the ``.json`` beside it) to
    ``<prefix>.json``."""
    if os.path.abspath(source) != os.path.abspath(path):
        shutil.copyfile(source, path)
    manifest = os.path.splitext(os.fspath(source))[0] + ".json"
    if os.path.exists(manifest) and os.path.abspath(manifest) != os.path.abspath(prefix + ".json"):
        shutil.copyfile(manifest, prefix + ".json")


def _load(path):
    model = _native.load(os.fspath(path))
    if isinstance(model, _native.TopicModel):
        raise _native.ModelError(f"{path}: a topic model, not a fastText model")
    return model


def load_model(path):
    """Loads a model file: fastText's or blazetext's ``.bin``, or a word2vec file."""
    return _FastText(_load(path))


def _input(input):
    """fastText's ``input`` (a file) — or, as an extension, a list of lines."""
    if isinstance(input, (str, os.PathLike)):
        return {"files": [os.fspath(input)]}
    if isinstance(input, (list, tuple)) and all(isinstance(t, str) for t in input):
        return {"texts": list(input)}
    raise TypeError("input must be a file path (or a list of str lines)")


def _train(native_call, kwargs, supervised):
    verbose = kwargs.pop("verbose")
    input = kwargs.pop("input")
    if not isinstance(verbose, int) or verbose < 0:
        raise ValueError(f"verbose: must be a non-negative integer, got {verbose!r}")
    try:
        settings = to_settings(kwargs, supervised)
        return native_call(
            settings,
            pipeline=_native.Pipeline.whitespace(),
            verbose=min(verbose, 255),
            **_input(input),
        )
    except ValueError as error:
        raise name_parameter(error) from None


def train_supervised(
    input,
    lr=0.1,
    dim=100,
    ws=5,
    epoch=5,
    minCount=1,
    minCountLabel=0,
    minn=0,
    maxn=0,
    neg=5,
    wordNgrams=1,
    loss="softmax",
    bucket=2000000,
    thread=None,
    lrUpdateRate=100,
    t=1e-4,
    label="__label__",
    verbose=2,
    pretrainedVectors="",
    seed=0,
    autotuneValidationFile="",
    autotuneMetric="f1",
    autotunePredictions=1,
    autotuneDuration=300,
    autotuneModelSize="",
):
    """Trains a text classifier on ``__label__``-tagged lines (fastText's defaults).

    The autotune arguments are accepted for compatibility, but tuning is not available yet: an
    ``autotuneValidationFile`` raises ``ValueError``."""
    kwargs = dict(locals())
    if kwargs["thread"] is None:
        kwargs["thread"] = default_threads()
    args = {"label": label}
    return _FastText(_train(_native.train_classifier, kwargs, supervised=True), args)


def train_unsupervised(
    input,
    model="skipgram",
    lr=0.05,
    dim=100,
    ws=5,
    epoch=5,
    minCount=5,
    minCountLabel=0,
    minn=3,
    maxn=6,
    neg=5,
    wordNgrams=1,
    loss="ns",
    bucket=2000000,
    thread=None,
    lrUpdateRate=100,
    t=1e-4,
    label="__label__",
    verbose=2,
    pretrainedVectors="",
    seed=0,
):
    """Trains word vectors (``model``: ``"skipgram"`` or ``"cbow"``) with fastText's defaults."""
    kwargs = dict(locals())
    mode = kwargs.pop("model")
    if mode not in ("skipgram", "cbow", "batch_skipgram"):
        raise ValueError(f"model: must be 'skipgram' or 'cbow', got {mode!r}")
    if kwargs["thread"] is None:
        kwargs["thread"] = default_threads()

    def native(settings, **rest):
        return _native.train_vectors(mode, settings, **rest)

    return _FastText(_train(native, kwargs, supervised=False), {"label": label})

