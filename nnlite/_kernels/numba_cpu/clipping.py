r"""Numba gradient clipping and weight constraints (in place, parallel).

The public kernels (the reference's names and signatures) name the ``@jit``
loops below; ``host_side/clipping.py`` checks the arguments and runs them on
flat views; layouts the loops do not take (strided arrays, max-norm along
another axis) use the reference.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from ..host_side import clipping as host
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


def clip_by_value_(grad: np.ndarray, value: float) -> None:
    r"""Clips each entry of ``grad`` to [−value, value] in place (nnlite.optimizers.Optimizer)."""
    return host.clip_by_value_(grad, value, clip=_clip)


def scale_(arr: np.ndarray, factor: float) -> None:
    r"""Multiplies ``arr`` by ``factor`` in place."""
    return host.scale_(arr, factor, scale=_scale)


def clip_by_norm_(grad: np.ndarray, clipnorm: float) -> None:
    r"""Rescales ``grad`` to the norm ``clipnorm`` if larger (nnlite.optimizers.Optimizer)."""
    return host.clip_by_norm_(grad, clipnorm, sumsq=_sumsq, scale_=scale_)


def global_norm(grads: list[np.ndarray]) -> float:
    r"""The norm of all the gradients together (nnlite.optimizers.Optimizer)."""
    return host.global_norm(grads, sumsq=_sumsq)


def max_norm_(W: np.ndarray, max_value: float, axis: int = 0) -> None:
    r"""Keras' max-norm constraint on ``W`` in place (equations: nnlite.constraints.MaxNorm)."""
    return host.max_norm_(W, max_value, axis, max_norm_cols=_max_norm_cols)
