"""Exercise 3, solution: the learner cell filled in."""

import numpy as np


def softmax_xent_sparse(z, y, scale):
    """Sparse softmax cross-entropy from logits z (n, k) and labels y (n,)."""
    rows = np.arange(len(y))
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1)
    loss = np.log(total) - shifted[rows, y]
    grad = e / total[:, None]
    grad[rows, y] -= 1
    grad *= scale
    return loss, grad
