"""Exercise 3, solution: the learner cell filled in."""

import numpy as np


def softmax_xent_sparse(z, y, scale):
    """Sparse softmax cross-entropy from logits z (..., k) and labels y (...)."""
    z2, y2 = z.reshape(-1, z.shape[-1]), y.reshape(-1)
    rows = np.arange(len(y2))
    shifted = z2 - z2.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1)
    loss = np.log(total) - shifted[rows, y2]
    grad = e / total[:, None]
    grad[rows, y2] -= 1
    grad *= scale
    return loss.reshape(y.shape), grad.reshape(z.shape)
