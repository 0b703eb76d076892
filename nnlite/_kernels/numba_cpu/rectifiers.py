r"""Numba PReLU, general-ReLU and RReLU kernels: the ``@jit`` loops, then the public kernels.

PReLU:  y = x if x > 0 else α_j x;   ∂x = δ·(1 or α_j);   ∂α_j = Σ_i δ_ij min(x_ij, 0)
        (float64 partial sums per block of rows, in parallel; the host adds the blocks).
ReLU:   y = min(x, M) if x > t else s(x − t);   ∂x = δ·(0 if x ≥ M, 1) above t, δ·s below.
RReLU:  a_i = lower + width·u_i with u_i = (splitmix64(key + i) ≫ 40)·2⁻²⁴, the dropout
        uniforms, computed in float64 (no FMA: ``fastmath`` is off) and rounded to the
        dtype, so the slopes equal the reference's bit for bit on any number of threads.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ..host_side import rectifiers as host
from ._jit import jit, jit_parallel
from .dropout import _splitmix64


@jit_parallel()
def _prelu_fwd(x, alpha, y):
    """y[i, j] = x[i, j] if x[i, j] > 0 else α[j]·x[i, j]."""
    zero = x.dtype.type(0.0)
    n, k = x.shape
    for i in prange(n):
        for j in range(k):
            v = x[i, j]
            y[i, j] = v if v > zero else alpha[j] * v


@jit_parallel()
def _prelu_bwd(x, alpha, dy, rows, bsum, dx, need_dx):
    """Per block b of ``rows`` rows: bsum[b, j] = Σ δ·min(x, 0); dx = δ·(1 if x > 0 else α_j)."""
    zero, one = x.dtype.type(0.0), x.dtype.type(1.0)
    n, k = x.shape
    for b in prange(bsum.shape[0]):
        for i in range(b * rows, min(n, (b + 1) * rows)):
            for j in range(k):
                v, d = x[i, j], dy[i, j]
                bsum[b, j] += d * (v if v < zero else zero)
                if need_dx:
                    dx[i, j] = d * (one if v > zero else alpha[j])


@jit_parallel()
def _relu_general_fwd(x, cap, has_cap, s, t, y):
    """y = min(x, cap) if x > t else s·(x − t)."""
    for i in prange(x.shape[0]):
        v = x[i]
        if v > t:
            y[i] = cap if has_cap and cap < v else v
        else:
            y[i] = s * (v - t)


@jit_parallel()
def _relu_general_bwd(x, dy, cap, has_cap, s, t, dx):
    """dx = δ·(0 if x ≥ cap else 1) where x > t, δ·s elsewhere."""
    zero, one = x.dtype.type(0.0), x.dtype.type(1.0)
    for i in prange(x.shape[0]):
        v = x[i]
        if v > t:
            dx[i] = dy[i] * (zero if has_cap and v >= cap else one)
        else:
            dx[i] = dy[i] * s


@jit()
def _slope(key, i, lower, width, like):
    """a_i = lower + width·u_i in float64, rounded to the dtype of ``like``."""
    u = np.float64(_splitmix64(key + np.uint64(i)) >> np.uint64(40)) * 5.9604644775390625e-08
    return like.dtype.type(lower + width * u)


@jit_parallel()
def _rrelu_fwd(x, key, lower, width, y):
    """y_i = x_i if x_i ≥ 0 else a_i·x_i."""
    zero = x.dtype.type(0.0)
    for i in prange(x.shape[0]):
        v = x[i]
        y[i] = v if v >= zero else _slope(key, i, lower, width, x) * v


@jit_parallel()
def _rrelu_bwd(x, dy, key, lower, width, dx):
    """dx_i = δ_i if x_i ≥ 0 else a_i·δ_i."""
    zero = x.dtype.type(0.0)
    for i in prange(x.shape[0]):
        dx[i] = dy[i] if x[i] >= zero else _slope(key, i, lower, width, x) * dy[i]


# Public kernels (the reference's signatures); their host side: ``host_side/rectifiers.py``.


def prelu_forward(x: np.ndarray, alpha: np.ndarray,
                  out: np.ndarray | None = None) -> np.ndarray:
    """PReLU's output (equations: nnlite.layers.PReLU)."""
    return host.prelu_forward(x, alpha, out, forward=_prelu_fwd)


def prelu_backward(x: np.ndarray, alpha: np.ndarray, dy: np.ndarray, *,
                   need_dx: bool = True, dx_out: np.ndarray | None = None,
                   ) -> tuple[np.ndarray | None, np.ndarray]:
    """PReLU's gradients (∂x or None, ∂α) (equations: nnlite.layers.PReLU)."""
    return host.prelu_backward(x, alpha, dy, need_dx=need_dx, dx_out=dx_out,
                               backward=_prelu_bwd)


def relu_general_forward(x: np.ndarray, max_value: float | None,
                         negative_slope: float, threshold: float,
                         out: np.ndarray | None = None) -> np.ndarray:
    """The general ReLU's output: cap, slope and threshold (equations: nnlite.layers.ReLU)."""
    return host.relu_general_forward(x, max_value, negative_slope, threshold, out,
                                     forward=_relu_general_fwd)


def relu_general_backward(x: np.ndarray, dy: np.ndarray, max_value: float | None,
                          negative_slope: float, threshold: float,
                          out: np.ndarray | None = None) -> np.ndarray:
    """The general ReLU's gradient (equations: nnlite.layers.ReLU)."""
    return host.relu_general_backward(x, dy, max_value, negative_slope, threshold, out,
                                      backward=_relu_general_bwd)


def rrelu_forward(x: np.ndarray, seed: int, step: int, lower: float, upper: float,
                  out: np.ndarray | None = None) -> np.ndarray:
    """RReLU's output with slopes drawn from (seed, step) (equations: nnlite.layers.RReLU)."""
    return host.rrelu_forward(x, seed, step, lower, upper, out, forward=_rrelu_fwd)


def rrelu_backward(x: np.ndarray, dy: np.ndarray, seed: int, step: int,
                   lower: float, upper: float, out: np.ndarray | None = None) -> np.ndarray:
    """RReLU's gradient, the slopes drawn again from (seed, step) (nnlite.layers.RReLU)."""
    return host.rrelu_backward(x, dy, seed, step, lower, upper, out, backward=_rrelu_bwd)
