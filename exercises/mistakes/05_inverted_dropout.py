# Exercise 5, planted mistakes.  Each cell replaces the learner cell; the check must
# fail and its message must contain `expect` (see grade.py and docs/teaching.md).
# ruff: noqa: F811
from nnlite._kernels.reference.dropout import dropout_mask


# %% mistake="no_inverted_scaling" expect="1/(1"
def dropout_forward(x, seed, step, rate, out=None, *, mask_shape=None, mask_out=None):
    """Plain dropout: the kept inputs are not scaled by 1/(1 − p)."""
    keep = dropout_mask(x.shape if mask_shape is None else mask_shape, seed, step, rate)
    if mask_out is not None:
        mask_out[...] = keep
        keep = mask_out
    y = (x * keep).astype(x.dtype)
    if out is not None:
        out[...] = y
        y = out
    return y, keep


def dropout_backward(dy, mask, rate, out=None):
    dx = (dy * mask).astype(dy.dtype)
    if out is not None:
        out[...] = dx
        dx = out
    return dx


# %% mistake="scaled_by_keep_probability" expect="constant factor"
def dropout_forward(x, seed, step, rate, out=None, *, mask_shape=None, mask_out=None):
    """Multiplied by (1 − p) — the test-time rule of the original paper — instead of
    divided by it."""
    keep = dropout_mask(x.shape if mask_shape is None else mask_shape, seed, step, rate)
    if mask_out is not None:
        mask_out[...] = keep
        keep = mask_out
    y = (x * keep * (1.0 - rate)).astype(x.dtype)
    if out is not None:
        out[...] = y
        y = out
    return y, keep


def dropout_backward(dy, mask, rate, out=None):
    dx = (dy * mask * (1.0 - rate)).astype(dy.dtype)
    if out is not None:
        out[...] = dx
        dx = out
    return dx


# %% mistake="backward_without_mask" expect="a mask"
def dropout_forward(x, seed, step, rate, out=None, *, mask_shape=None, mask_out=None):
    keep = dropout_mask(x.shape if mask_shape is None else mask_shape, seed, step, rate)
    if mask_out is not None:
        mask_out[...] = keep
        keep = mask_out
    y = (x * keep / (1.0 - rate)).astype(x.dtype)
    if out is not None:
        out[...] = y
        y = out
    return y, keep


def dropout_backward(dy, mask, rate, out=None):
    """The gradient also flows to the dropped units: the mask is forgotten."""
    dx = (dy / (1.0 - rate)).astype(dy.dtype)
    if out is not None:
        out[...] = dx
        dx = out
    return dx
