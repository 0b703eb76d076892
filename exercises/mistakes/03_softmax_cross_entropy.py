# Exercise 3, planted mistakes.  Each cell replaces the learner cell; the check must
# fail and its message must contain `expect` (see grade.py and docs/teaching.md).
# ruff: noqa: F811
import numpy as np


# %% mistake="gradient_not_scaled" expect="scale"
def softmax_xent_sparse(z, y, scale):
    """The gradient summed over the batch: `scale` (1/n) forgotten."""
    rows = np.arange(len(y))
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1)
    grad = e / total[:, None]
    grad[rows, y] -= 1
    return np.log(total) - shifted[rows, y], grad


# %% mistake="gradient_y_minus_p" expect="sign"
def softmax_xent_sparse(z, y, scale):
    """y − p: the gradient with the wrong sign (the model would climb the loss)."""
    rows = np.arange(len(y))
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1)
    grad = -e / total[:, None]
    grad[rows, y] += 1
    return np.log(total) - shifted[rows, y], grad * scale


# %% mistake="loss_without_max_shift" expect="overflow"
def softmax_xent_sparse(z, y, scale):
    """e^z without subtracting the row maximum: inf/inf = NaN for large logits."""
    rows = np.arange(len(y))
    e = np.exp(z)
    total = e.sum(axis=1)
    grad = e / total[:, None]
    grad[rows, y] -= 1
    return np.log(total) - z[rows, y], grad * scale
