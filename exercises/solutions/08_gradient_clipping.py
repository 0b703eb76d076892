"""Exercise 8, solution: the learner cell filled in."""

import math

import numpy as np


def global_norm(grads):
    """‖(g₁, g₂, …)‖₂ over all the tensors, as a Python float."""
    return math.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads))


def scale_(arr, factor):
    """arr ← factor·arr, in place (returns nothing)."""
    arr *= arr.dtype.type(factor)
