r"""CUDA gradient clipping and weight constraints: grid-stride loops, in place.

The launchers (``clip``, ``scale``, ``sumsq``, ``max_norm_cols``) take NumPy
or device arrays; the public kernels (the reference's names and signatures)
name them, and ``host_side/clipping.py`` checks the arguments and calls them
(``scale_`` on a device array calls ``scale`` itself).  ``sumsq`` reduces with
one atomic add per thread.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda, float64

from .. import checks
from ..host_side import clipping as host
from . import transfers
from ._device import clamp, dmin
from ._launch import (
    THREADS,
    _to_device,
    blocks_for,
    device_empty,
    launcher,
    on_device,
    simulated_launch,
)


@cuda.jit
def _clip(g, c):
    for i in range(cuda.grid(1), g.shape[0], cuda.gridsize(1)):
        g[i] = clamp(g[i], -c, c)


@cuda.jit
def _scale(g, f):
    for i in range(cuda.grid(1), g.shape[0], cuda.gridsize(1)):
        g[i] *= f


@cuda.jit
def _sumsq(g, block_sums):
    """Σ g² of each block's grid-stride elements, in float64, into block_sums[block].

    Each thread sums its elements, then the block adds the threads' sums
    pairwise in shared memory (halving the active threads each round), so
    the order of the additions is fixed and every run gives the same bits;
    an atomic add would add in whatever order the threads finish.
    """
    sums = cuda.shared.array(THREADS, float64)
    t = cuda.threadIdx.x
    s = 0.0
    for i in range(cuda.grid(1), g.shape[0], cuda.gridsize(1)):
        s += g[i] * g[i]
    sums[t] = s
    cuda.syncthreads()
    half = THREADS // 2
    while half > 0:
        if t < half:
            sums[t] += sums[t + half]
        cuda.syncthreads()
        half //= 2
    if t == 0:
        block_sums[cuda.blockIdx.x] = sums[0]


@cuda.jit
def _max_norm_cols(W, c):
    for j in range(cuda.grid(1), W.shape[1], cuda.gridsize(1)):
        s = 0.0
        for i in range(W.shape[0]):
            s += W[i, j] * W[i, j]
        n = math.sqrt(s)
        f = dmin(n, c) / (1e-7 + n)
        for i in range(W.shape[0]):
            W[i, j] *= f


def _n(g, *_):
    return g.size


clip = launcher(_clip, (0,), _n)
scale = launcher(_scale, (0,), _n)
max_norm_cols = launcher(_max_norm_cols, (0,), lambda W, c: W.shape[1])


def sumsq(g) -> float:
    """The sum of squares of g in float64: one sum per block, added on the host in order."""
    blocks = blocks_for(g.size)
    block_sums = device_empty((blocks,), np.float64)
    transfers.launched()
    with simulated_launch():
        _sumsq[blocks, THREADS](_to_device(g), block_sums)
    return float(transfers.to_host(block_sums).sum())


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).
# ----------------------------------------------------------------------------


def clip_by_value_(grad: np.ndarray, value: float) -> None:
    """Clip every entry of ``grad`` to [−value, value] in place (``clipvalue``)."""
    return host.clip_by_value_(grad, value, clip=clip)


def scale_(arr: np.ndarray, factor: float) -> None:
    """Multiply ``arr`` by ``factor`` in place (host or device array)."""
    if on_device(arr):
        checks.scale_(arr, factor)
        scale(arr.reshape(arr.size), float(factor))
        return None
    return host.scale_(arr, factor, scale=scale)


def clip_by_norm_(grad: np.ndarray, clipnorm: float) -> None:
    """Rescale ``grad`` in place when its L2 norm exceeds ``clipnorm`` (per tensor)."""
    return host.clip_by_norm_(grad, clipnorm, sumsq=sumsq, scale_=scale_)


def global_norm(grads: list[np.ndarray]) -> float:
    """The L2 norm of all tensors of ``grads`` taken together (``global_clipnorm``)."""
    return host.global_norm(grads, sumsq=sumsq)


def max_norm_(W: np.ndarray, max_value: float, axis: int = 0) -> None:
    """Keras' MaxNorm constraint in place (:class:`nnlite.constraints.MaxNorm`)."""
    return host.max_norm_(W, max_value, axis, max_norm_cols=max_norm_cols)
