"""Word vectors with gensim's ``KeyedVectors`` interface."""

import json
import os

import numpy as np

from . import _native


class KeyedVectors:
    """gensim-style queries over blazetext word vectors (fastText ``.bin`` or word2vec files).

    >>> kv = KeyedVectors.load("vectors.bin")            # doctest: +SKIP
    >>> kv.most_similar(positive=["guitars", "piano"], negative=["guitar"], topn=3)  # doctest: +SKIP
    """

    def __init__(self, native):
        if isinstance(native, _native.Classifier):
            native = native.input_vectors()
        if not isinstance(native, _native.WordVectors):
            raise TypeError("KeyedVectors wraps blazetext word vectors")
        self._native = native
        self._vectors = None
        self._key_to_index = None

    @classmethod
    def load(cls, path):
        """Opens a fastText ``.bin`` (or a classifier's input vectors) or a word2vec file."""
        model = _native.load(os.fspath(path))
        if isinstance(model, _native.TopicModel):
            raise _native.ModelError(f"{path}: a topic model, not word vectors")
        return cls(model)

    @classmethod
    def from_vectors(cls, words, vectors):
        """Vectors made elsewhere: row ``i`` of ``vectors`` is the vector of ``words[i]``."""
        words = list(words)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(words) != vectors.shape[0]:
            raise ValueError(
                f"vectors: expected {len(words)} rows (one per word), got shape {vectors.shape}"
            )
        return cls(_native.WordVectors.from_vectors(words, vectors))

    @classmethod
    def load_word2vec_format(cls, path, binary=None):
        """Opens a word2vec text or binary file (the format is recognised by content)."""
        return cls.load(path)

    @property
    def index_to_key(self):
        """The vocabulary, most frequent first."""
        return self._native.words

    @property
    def key_to_index(self):
        """Word → row."""
        if self._key_to_index is None:
            self._key_to_index = {w: i for i, w in enumerate(self._native.words)}
        return self._key_to_index

    @property
    def vector_size(self):
        """The vector dimension."""
        return self._native.dim

    @property
    def vectors(self):
        """Every vocabulary word's vector, one row per word (built once, then cached)."""
        if self._vectors is None:
            self._vectors = self._native.matrix()
        return self._vectors

    def __len__(self):
        return len(self._native)

    def __contains__(self, key):
        return key in self._native

    def has_index_for(self, key):
        """Whether ``key`` is in the vocabulary."""
        return key in self._native

    def get_vector(self, key, norm=False):
        """The vector of ``key`` (from its n-grams when unknown, if the model has subwords)."""
        vector = self._native.word_vector(key)
        if vector is None:
            raise KeyError(f"Key '{key}' not present")
        if norm:
            length = np.linalg.norm(vector)
            return vector / length if length > 0 else vector
        return vector

    def __getitem__(self, keys):
        if isinstance(keys, str):
            return self.get_vector(keys)
        return np.vstack([self.get_vector(k) for k in keys])

    def similarity(self, w1, w2):
        """Cosine similarity of two words."""
        return self._native.similarity(w1, w2)

    def most_similar(self, positive=None, negative=None, topn=10):
        """The ``topn`` words closest to the mean of the ``positive`` words' unit vectors minus the
        ``negative`` ones': a list of ``(word, cosine)``, the query words left out."""
        positive = [positive] if isinstance(positive, str) else list(positive or [])
        negative = [negative] if isinstance(negative, str) else list(negative or [])
        if not positive and not negative:
            raise ValueError("most_similar: give at least one positive or negative word")
        if not isinstance(topn, int) or topn < 1:
            raise ValueError(f"topn: must be a positive integer, got {topn!r}")
        if len(positive) == 1 and not negative:
            found = self._native.nearest(positive[0], topn)
        elif len(positive) == 2 and len(negative) == 1:
            found = self._native.analogy(negative[0], positive[0], positive[1], topn)
        else:
            query = np.zeros(self.vector_size, dtype=np.float32)
            for words, sign in ((positive, 1.0), (negative, -1.0)):
                for word in words:
                    query += sign * self.get_vector(word, norm=True)
            asked = set(positive) | set(negative)
            found = self._native.nearest_to_vector(query.tolist(), topn + len(asked))
            found = [(s, w) for s, w in found if w not in asked][:topn]
        return [(word, score) for score, word in found]

    def evaluate_word_analogies(self, analogies):
        """word2vec's analogy accuracy: ``(accuracy, sections)`` where each section is a dict
        with its name and counts."""
        report = json.loads(self._native.evaluate_analogies(os.fspath(analogies)))
        return report["total"]["accuracy"], report["sections"]

    def evaluate_word_pairs(self, pairs):
        """``((pearson, None), (spearman, None), oov_ratio_percent)`` on a word-pair file (no
        p-values)."""
        report = json.loads(self._native.evaluate_similarity(os.fspath(pairs)))
        return (report["pearson"], None), (report["spearman"], None), 100.0 * report["oov_rate"]

    def save(self, prefix):
        """Writes ``<prefix>.bin``, ``<prefix>.vec`` and ``<prefix>.json``."""
        return self._native.save(os.fspath(prefix))
