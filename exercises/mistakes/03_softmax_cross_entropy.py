# Exercise 3, planted mistakes.  Each cell replaces the learner cell; the check must
# fail and its message must contain `expect` (see grade.py and docs/teaching.md).
# ruff: noqa: F811
import numpy as np


# %% mistake="gradient_not_scaled" expect="1/N is missing"
def softmax_xent_sparse(z, y, scale):
    """The gradient summed over the batch: `scale` (1/n) forgotten."""
    z2, y2 = z.reshape(-1, z.shape[-1]), y.reshape(-1)
    rows = np.arange(len(y2))
    shifted = z2 - z2.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1)
    grad = e / total[:, None]
    grad[rows, y2] -= 1
    return (np.log(total) - shifted[rows, y2]).reshape(y.shape), grad.reshape(z.shape)


# %% mistake="gradient_y_minus_p" expect="sign flipped"
def softmax_xent_sparse(z, y, scale):
    """y − p: the gradient with the wrong sign (the model would climb the loss)."""
    z2, y2 = z.reshape(-1, z.shape[-1]), y.reshape(-1)
    rows = np.arange(len(y2))
    shifted = z2 - z2.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1)
    grad = -e / total[:, None]
    grad[rows, y2] += 1
    grad *= scale
    return (np.log(total) - shifted[rows, y2]).reshape(y.shape), grad.reshape(z.shape)


# %% mistake="loss_averaged_over_the_batch" expect="wrong shape"
def softmax_xent_sparse(z, y, scale):
    """One number for the whole batch: the kernel must return one loss per sample
    (the model weights and averages them)."""
    z2, y2 = z.reshape(-1, z.shape[-1]), y.reshape(-1)
    rows = np.arange(len(y2))
    shifted = z2 - z2.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1)
    grad = e / total[:, None]
    grad[rows, y2] -= 1
    grad *= scale
    return np.mean(np.log(total) - shifted[rows, y2]), grad.reshape(z.shape)
