"""fastText's ``fasttext.util``: ``test``, ``find_nearest_neighbor``, ``reduce_model``."""

import numpy as np


def test(predictions, labels, k=1):
    """Precision@k and recall@k of ``predictions`` (label lists) against gold ``labels`` lists."""
    if len(predictions) != len(labels):
        raise ValueError("predictions and labels must have the same length")
    correct = predicted = gold = 0
    for guess, truth in zip(predictions, labels):
        guess = list(guess)[:k]
        correct += len(set(guess) & set(truth))
        predicted += len(guess)
        gold += len(truth)
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    return precision, recall


def find_nearest_neighbor(query, vectors, ban_set, cossims=None):
    """The row of ``vectors`` most cosine-similar to ``query``, skipping the rows in ``ban_set``.

    ``cossims`` is an optional buffer of ``len(vectors)`` floats that receives every similarity.
    """
    norms = np.linalg.norm(vectors, axis=1) + 1e-8
    sims = np.asarray(vectors) @ np.asarray(query) / norms / (np.linalg.norm(query) + 1e-8)
    if cossims is not None:
        cossims[:] = sims
    order = np.argsort(-sims)
    for index in order:
        if int(index) not in ban_set:
            return int(index)
    return -1


def reduce_model(ft_model, target_dim):
    """Not available yet: it needs the model's matrices (``get_input_matrix``/``set_matrices``)."""
    raise NotImplementedError("reduce_model needs model matrices, which blazetext does not expose yet")
