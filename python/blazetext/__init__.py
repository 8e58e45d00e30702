"""blazetext: fast word vectors, text classifiers and neural topic models, from Rust.

* ``blazetext.fasttext`` is a drop-in for ``import fasttext`` (fastText 0.9.2's Python module).
* ``blazetext.vectors.KeyedVectors`` answers gensim-style queries.
* ``blazetext.sklearn`` has scikit-learn estimators (a text classifier, a topic model).
* ``blazetext.load`` opens any model file; ``blazetext.Pipeline`` is the text pipeline.
"""

from ._native import (
    BlazeTextError,
    Classifier,
    InputError,
    ModelError,
    Pipeline,
    TopicModel,
    WordVectors,
    load,
)

__all__ = [
    "BlazeTextError",
    "Classifier",
    "InputError",
    "ModelError",
    "Pipeline",
    "TopicModel",
    "WordVectors",
    "load",
]
