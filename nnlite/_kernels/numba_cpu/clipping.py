r"""Numba gradient clipping and weight constraints (in place, parallel)."""

from __future__ import annotations

import math

import numpy as np
from numba import prange

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
    """Column norms n_j (float64), then W[:, j] *= clip(n_j, 0, c)/(1e-7 + n_j)."""
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
