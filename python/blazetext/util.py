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


def _principal_axes(matrix, dim, sample=100000):
    """The ``dim`` principal axes (columns, largest variance first) of the first ``sample``
    rows of ``matrix``, as fastText's util maps a model with its first 100,000 input rows."""
    rows = np.asarray(matrix[:sample], dtype=np.float32)
    rows = rows - rows.mean(axis=0, dtype=np.float32)
    covariance = np.divide(rows.T @ rows, max(rows.shape[0] - 1, 1), dtype=np.float32)
    # eigh, not fastText's eig: the covariance is symmetric, and eig neither sorts its
    # eigenvalues nor always returns them real.
    values, vectors = np.linalg.eigh(covariance)
    return vectors[:, np.argsort(values)[::-1][:dim]].astype(np.float32)


def reduce_model(ft_model, target_dim):
    """Projects ``ft_model``'s input and output matrices on the ``target_dim`` principal axes of
    its input matrix (PCA, as fastText's ``util.reduce_model``) and sets them; returns the model,
    whose dimension is then ``target_dim``."""
    if isinstance(target_dim, bool) or not isinstance(target_dim, (int, np.integer)):
        raise TypeError(f"target_dim must be an int, got {type(target_dim).__name__}")
    dim = ft_model.get_dimension()
    if not 1 <= target_dim <= dim:
        raise ValueError(
            f"target_dim: must be between 1 and the model's dimension {dim}, got {target_dim}"
        )
    input_matrix = ft_model.get_input_matrix()
    axes = _principal_axes(input_matrix, int(target_dim))
    ft_model.set_matrices(input_matrix @ axes, ft_model.get_output_matrix() @ axes)
    return ft_model
