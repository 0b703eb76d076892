r"""Numba gradient clipping and weight constraints (in place, parallel).

The public kernels (the reference's names and signatures) check their
arguments and run the ``@jit`` loops below on flat views; layouts the loops
do not take (strided arrays, max-norm along another axis) use the reference.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from .. import checks
from .. import reference as ref
from ..host_arrays import flat_in_place, inplace_ok
from ._jit import jit, jit_parallel


@jit_parallel()
def _clip(g, c):
    for i in prange(g.shape[0]):
        g[i] = min(max(g[i], -c), c)


@jit_parallel()
def _sumsq(g):
    """Σ g² accumulated in float64."""
    s = 0.0
    for i in prange(g.shape[0]):
        s += np.float64(g[i]) * g[i]
    return s


@jit_parallel()
def _scale(g, f):
    for i in prange(g.shape[0]):
        g[i] *= f


@jit()
def _max_norm_cols(W, c):
    """Keras' max-norm of each column of W in place, norms in float64 (constraints.MaxNorm)."""
    rows, cols = W.shape
    acc = np.zeros(cols)
    for i in range(rows):
        for j in range(cols):
            acc[j] += np.float64(W[i, j]) * W[i, j]
    for j in range(cols):
        n = math.sqrt(acc[j])
        acc[j] = min(max(n, 0.0), c) / (1e-7 + n)
    for i in range(rows):
        for j in range(cols):
            W[i, j] *= acc[j]


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).
# ----------------------------------------------------------------------------


def _squared_norm(g: np.ndarray) -> float:
    """‖g‖₂² accumulated in float64."""
    return float(_sumsq(np.ascontiguousarray(g).reshape(-1))) if g.size else 0.0


def clip_by_value_(grad: np.ndarray, value: float) -> None:
    r"""Clips each entry of ``grad`` to [−value, value] in place (nnlite.optimizers.Optimizer)."""
    checks.clip_by_value_(grad, value)
    flat_in_place(_clip, ref.clip_by_value_, grad, value)


def scale_(arr: np.ndarray, factor: float) -> None:
    r"""Multiplies ``arr`` by ``factor`` in place."""
    checks.scale_(arr, factor)
    flat_in_place(_scale, ref.scale_, arr, factor)


def clip_by_norm_(grad: np.ndarray, clipnorm: float) -> None:
    r"""Rescales ``grad`` to the norm ``clipnorm`` if larger (nnlite.optimizers.Optimizer)."""
    checks.clip_by_norm_(grad, clipnorm)
    norm = math.sqrt(_squared_norm(grad))
    if norm > clipnorm:
        scale_(grad, clipnorm / norm)


def global_norm(grads: list[np.ndarray]) -> float:
    r"""The norm of all the gradients together (nnlite.optimizers.Optimizer)."""
    checks.global_norm(grads)
    return math.sqrt(sum(_squared_norm(g) for g in grads))


def max_norm_(W: np.ndarray, max_value: float, axis: int = 0) -> None:
    r"""Keras' max-norm constraint on ``W`` in place (equations: nnlite.constraints.MaxNorm)."""
    checks.max_norm_(W, max_value, axis)
    if W.ndim != 2 or axis not in (0, -2) or not inplace_ok(W) or W.size == 0:
        return ref.max_norm_(W, max_value, axis)
    _max_norm_cols(W, float(max_value))
