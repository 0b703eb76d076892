# Exercise 8, planted mistakes.  Each cell replaces the learner cell; the check must
# fail and its message must contain `expect` (see grade.py and docs/teaching.md).
# ruff: noqa: F811
import math

import numpy as np


# %% mistake="squared_norm" expect="square root is missing"
def global_norm(grads):
    """The sum of squares, without the square root."""
    return sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads)


def scale_(arr, factor):
    arr *= arr.dtype.type(factor)


# %% mistake="sum_of_tensor_norms" expect="norms are added"
def global_norm(grads):
    """Σ‖g_j‖: the norms of the tensors added, not the norm of all of them together."""
    return sum(math.sqrt(float(np.sum(np.square(g, dtype=np.float64)))) for g in grads)


def scale_(arr, factor):
    arr *= arr.dtype.type(factor)


# %% mistake="scale_not_in_place" expect="in place"
def global_norm(grads):
    return math.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads))


def scale_(arr, factor):
    """`arr = ...` binds a new array: the gradient the optimizer holds is unchanged."""
    arr = arr * factor
    return arr
