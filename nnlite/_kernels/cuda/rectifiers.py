r"""CUDA PReLU, general-ReLU and RReLU kernels: grid-stride launchers, then the public kernels.

PReLU's backward gives each (row block, column) pair one thread, as batch
norm's ``grad_sums``: it writes ∂x for its rows and the float64 partial sum
Σ δ·min(x, 0) of its block; the host adds the blocks.

RReLU draws a_i = lower + width·u_i from the dropout uniforms (same
SplitMix64, so the same slopes as every backend).  The product width·u_i is
rounded on its own (libdevice ``dmul_rn``): NVVM fuses a multiply and an add
into one FMA by default, which would round the sum only once and change the
last bit of some slopes.
"""

from __future__ import annotations

import numpy as np
from numba import cuda

from ..host_side import rectifiers as host
from ._launch import SIMULATED, launcher
from .dropout import S40, splitmix64

if SIMULATED:  # the simulator runs Python: a product is always rounded on its own

    @cuda.jit(device=True)
    def mul_rn(a, b):
        return a * b

else:  # pragma: no cover - needs a GPU
    from numba.cuda.libdevice import dmul_rn as mul_rn


@cuda.jit
def _prelu_fwd(x, alpha, y):
    n, k = x.shape
    zero = x.dtype.type(0.0)
    for idx in range(cuda.grid(1), n * k, cuda.gridsize(1)):
        i, j = idx // k, idx % k
        v = x[i, j]
        y[i, j] = v if v > zero else alpha[j] * v


@cuda.jit
def _prelu_bwd(x, alpha, dy, rows, bsum, dx, need_dx):
    n, k = x.shape
    zero, one = x.dtype.type(0.0), x.dtype.type(1.0)
    for idx in range(cuda.grid(1), bsum.shape[0] * k, cuda.gridsize(1)):
        b, j = idx // k, idx % k
        hi = (b + 1) * rows
        if hi > n:  # (not min(): numba 0.68's CUDA target cannot compile min(a, b))
            hi = n
        acc = np.float64(0.0)
        for i in range(b * rows, hi):
            v, d = x[i, j], dy[i, j]
            acc += d * (v if v < zero else zero)
            if need_dx:
                dx[i, j] = d * (one if v > zero else alpha[j])
        bsum[b, j] = acc


@cuda.jit
def _relu_general_fwd(x, cap, has_cap, s, t, y):
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        v = x[i]
        if v > t:
            y[i] = cap if has_cap and cap < v else v
        else:
            y[i] = s * (v - t)


@cuda.jit
def _relu_general_bwd(x, dy, cap, has_cap, s, t, dx):
    zero, one = x.dtype.type(0.0), x.dtype.type(1.0)
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        v = x[i]
        if v > t:
            dx[i] = dy[i] * (zero if has_cap and v >= cap else one)
        else:
            dx[i] = dy[i] * s


@cuda.jit(device=True)
def slope(key, i, lower, width):
    """a_i = lower + width·u_i in float64 (the product rounded on its own)."""
    u = np.float64(splitmix64(key + np.uint64(i)) >> S40) * 5.9604644775390625e-08
    return lower + mul_rn(width, u)


@cuda.jit
def _rrelu_fwd(x, key, lower, width, y):
    zero = x.dtype.type(0.0)
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        v = x[i]
        y[i] = v if v >= zero else x.dtype.type(slope(key, i, lower, width)) * v


@cuda.jit
def _rrelu_bwd(x, dy, key, lower, width, dx):
    zero = x.dtype.type(0.0)
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        if x[i] >= zero:
            dx[i] = dy[i]
        else:
            dx[i] = x.dtype.type(slope(key, i, lower, width)) * dy[i]


prelu_fwd = launcher(_prelu_fwd, (2,), lambda x, *_: x.size)
prelu_bwd = launcher(_prelu_bwd, (4, 5), lambda x, a, dy, rows, bsum, *_: bsum.size)
relu_general_fwd = launcher(_relu_general_fwd, (5,), lambda x, *_: x.size)
relu_general_bwd = launcher(_relu_general_bwd, (6,), lambda x, *_: x.size)
rrelu_fwd = launcher(_rrelu_fwd, (4,), lambda x, *_: x.size)
rrelu_bwd = launcher(_rrelu_bwd, (5,), lambda x, *_: x.size)


# Public kernels (the reference's signatures); their host side: ``host_side/rectifiers.py``.


def prelu_forward(x: np.ndarray, alpha: np.ndarray,
                  out: np.ndarray | None = None) -> np.ndarray:
    """PReLU output with learned slopes α (:class:`nnlite.layers.PReLU`; see the reference)."""
    return host.prelu_forward(x, alpha, out, forward=prelu_fwd)


def prelu_backward(x: np.ndarray, alpha: np.ndarray, dy: np.ndarray, *,
                   need_dx: bool = True, dx_out: np.ndarray | None = None,
                   ) -> tuple[np.ndarray | None, np.ndarray]:
    """PReLU gradients (∂x or None, ∂α) (:class:`nnlite.layers.PReLU`)."""
    return host.prelu_backward(x, alpha, dy, need_dx=need_dx, dx_out=dx_out,
                               backward=prelu_bwd)


def relu_general_forward(x: np.ndarray, max_value: float | None,
                         negative_slope: float, threshold: float,
                         out: np.ndarray | None = None) -> np.ndarray:
    """Keras' general ReLU with slope, cap and threshold (:class:`nnlite.layers.ReLU`)."""
    return host.relu_general_forward(x, max_value, negative_slope, threshold, out,
                                     forward=relu_general_fwd)


def relu_general_backward(x: np.ndarray, dy: np.ndarray, max_value: float | None,
                          negative_slope: float, threshold: float,
                          out: np.ndarray | None = None) -> np.ndarray:
    """The general ReLU's gradient: 0 above the cap, 1 between threshold and cap, the slope
    below."""
    return host.relu_general_backward(x, dy, max_value, negative_slope, threshold, out,
                                      backward=relu_general_bwd)


def rrelu_forward(x: np.ndarray, seed: int, step: int, lower: float, upper: float,
                  out: np.ndarray | None = None) -> np.ndarray:
    """Randomized leaky ReLU, slopes drawn from (seed, step) (:class:`nnlite.layers.RReLU`)."""
    return host.rrelu_forward(x, seed, step, lower, upper, out, forward=rrelu_fwd)


def rrelu_backward(x: np.ndarray, dy: np.ndarray, seed: int, step: int,
                   lower: float, upper: float, out: np.ndarray | None = None) -> np.ndarray:
    """Randomized leaky ReLU's gradient, the slopes drawn again from (seed, step)."""
    return host.rrelu_backward(x, dy, seed, step, lower, upper, out, backward=rrelu_bwd)
