r"""CUDA gradient clipping and weight constraints: grid-stride loops, in place.

The launchers (``clip``, ``scale``, ``sumsq``, ``max_norm_cols``) take NumPy
or device arrays; the public kernels (the reference's names and signatures)
check their arguments and call them.  ``sumsq`` reduces with one atomic add
per thread.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from .. import checks
from .. import reference as ref
from ..host_arrays import inplace_ok
from . import transfers
from ._device import clamp, dmin
from ._launch import THREADS, _to_device, blocks_for, launcher, on_device, simulated_launch


@cuda.jit
def _clip(g, c):
    for i in range(cuda.grid(1), g.shape[0], cuda.gridsize(1)):
        g[i] = clamp(g[i], -c, c)


@cuda.jit
def _scale(g, f):
    for i in range(cuda.grid(1), g.shape[0], cuda.gridsize(1)):
        g[i] *= f


@cuda.jit
def _sumsq(g, out):
    s = 0.0
    for i in range(cuda.grid(1), g.shape[0], cuda.gridsize(1)):
        s += g[i] * g[i]
    cuda.atomic.add(out, 0, s)


@cuda.jit
def _max_norm_cols(W, c):
    rows, cols = W.shape
    for j in range(cuda.grid(1), cols, cuda.gridsize(1)):
        s = 0.0
        for i in range(rows):
            s += W[i, j] * W[i, j]
        n = math.sqrt(s)
        f = dmin(n, c) / (1e-7 + n)
        for i in range(rows):
            W[i, j] *= f


def _n(g, *_):
    return g.size


clip = launcher(_clip, (0,), _n)
scale = launcher(_scale, (0,), _n)
max_norm_cols = launcher(_max_norm_cols, (0,), lambda W, c: W.shape[1])


def sumsq(g) -> float:
    """The sum of squares of g, accumulated in float64 (one atomic add per thread)."""
    out = transfers.to_device(np.zeros(1))
    transfers.launched()
    with simulated_launch():
        _sumsq[blocks_for(g.size), THREADS](_to_device(g), out)
    return float(transfers.to_host(out)[0])


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).
# ----------------------------------------------------------------------------


def _squared_norm(g: np.ndarray) -> float:
    """‖g‖₂² accumulated in float64."""
    return sumsq(np.ascontiguousarray(g).reshape(-1)) if g.size else 0.0


def clip_by_value_(grad: np.ndarray, value: float) -> None:
    """Clip every entry of ``grad`` to [−value, value] in place (``clipvalue``)."""
    checks.clip_by_value_(grad, value)
    if not inplace_ok(grad):
        return ref.clip_by_value_(grad, value)
    clip(grad.reshape(-1), float(value))


def scale_(arr: np.ndarray, factor: float) -> None:
    """Multiply ``arr`` by ``factor`` in place (host or device array)."""
    checks.scale_(arr, factor)
    if on_device(arr):
        scale(arr.reshape(arr.size), float(factor))
        return None
    if not inplace_ok(arr):
        return ref.scale_(arr, factor)
    scale(arr.reshape(-1), float(factor))


def clip_by_norm_(grad: np.ndarray, clipnorm: float) -> None:
    """Rescale ``grad`` in place when its L2 norm exceeds ``clipnorm`` (per tensor)."""
    checks.clip_by_norm_(grad, clipnorm)
    norm = math.sqrt(_squared_norm(grad))
    if norm > clipnorm:
        scale_(grad, clipnorm / norm)


def global_norm(grads: list[np.ndarray]) -> float:
    """The L2 norm of all tensors of ``grads`` taken together (``global_clipnorm``)."""
    checks.global_norm(grads)
    return math.sqrt(sum(_squared_norm(g) for g in grads))


def max_norm_(W: np.ndarray, max_value: float, axis: int = 0) -> None:
    """Keras' MaxNorm constraint in place (:class:`nnlite.constraints.MaxNorm`)."""
    checks.max_norm_(W, max_value, axis)
    if W.ndim != 2 or axis not in (0, -2) or not inplace_ok(W) or W.size == 0:
        return ref.max_norm_(W, max_value, axis)
    max_norm_cols(W, float(max_value))
