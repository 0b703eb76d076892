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

from .. import checks
from .. import reference as ref
from ..host_arrays import (
    deliver,
    elementwise,
    output_for,
    same_float_dtype,
    trailing_row_length,
)
from ..reference.dropout import dropout_key
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

#: Rows per block of the PReLU ∂α partial sums (summed on the host in float64).
ROWS = 64


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).  PReLU takes the fast path when
# α, without its leading axes of size 1, is the trailing shape of x (one slope
# per unit, or per channel with ``shared_axes`` over the leading axes): x is
# then a (rows, k) matrix and α a row of k slopes.  Other layouts (e.g.
# channels-first slopes of shape (C, 1, 1)) and mixed dtypes use the reference.
# ----------------------------------------------------------------------------


def prelu_forward(x: np.ndarray, alpha: np.ndarray,
                  out: np.ndarray | None = None) -> np.ndarray:
    """PReLU output with learned slopes α (:class:`nnlite.layers.PReLU`; see the reference)."""
    checks.prelu_forward(x, alpha, out)
    k = trailing_row_length(x.shape, np.shape(alpha))
    if k is None or not same_float_dtype(x):
        return ref.prelu_forward(x, alpha, out)
    return elementwise(prelu_fwd, out, (x,), np.ascontiguousarray(alpha, x.dtype).reshape(-1),
                       row_length=k)


def prelu_backward(x: np.ndarray, alpha: np.ndarray, dy: np.ndarray, *,
                   need_dx: bool = True, dx_out: np.ndarray | None = None,
                   ) -> tuple[np.ndarray | None, np.ndarray]:
    """PReLU gradients (∂x or None, ∂α) (:class:`nnlite.layers.PReLU`)."""
    checks.prelu_backward(x, alpha, dy, need_dx=need_dx, dx_out=dx_out)
    alpha_shape = np.shape(alpha)
    k = trailing_row_length(x.shape, alpha_shape)
    if k is None or not same_float_dtype(x, dy) or dy.shape != x.shape:
        return ref.prelu_backward(x, alpha, dy, need_dx=need_dx, dx_out=dx_out)
    x, dy = np.ascontiguousarray(x), np.ascontiguousarray(dy)
    n = x.size // k if k else 0
    dx = output_for(dy, dx_out) if need_dx else np.empty((0, k), x.dtype)  # not written
    bsum = np.zeros((-(-n // ROWS), k))
    if x.size:
        prelu_bwd(x.reshape(n, k), np.ascontiguousarray(alpha, x.dtype).reshape(-1),
                  dy.reshape(n, k), ROWS, bsum, dx.reshape(-1, k), need_dx)
    dalpha = bsum.sum(axis=0).astype(x.dtype).reshape(alpha_shape)
    return (deliver(dx, dx_out) if need_dx else None), dalpha


def relu_general_forward(x: np.ndarray, max_value: float | None,
                         negative_slope: float, threshold: float,
                         out: np.ndarray | None = None) -> np.ndarray:
    """Keras' general ReLU with slope, cap and threshold (:class:`nnlite.layers.ReLU`)."""
    checks.relu_general_forward(x, max_value, negative_slope, threshold, out)
    if not same_float_dtype(x):
        return ref.relu_general_forward(x, max_value, negative_slope, threshold, out)
    return elementwise(relu_general_fwd, out, (x,),
                       *_relu_args(x.dtype, max_value, negative_slope, threshold))


def relu_general_backward(x: np.ndarray, dy: np.ndarray, max_value: float | None,
                          negative_slope: float, threshold: float,
                          out: np.ndarray | None = None) -> np.ndarray:
    """The general ReLU's gradient: 0 above the cap, 1 between threshold and cap, the slope
    below."""
    checks.relu_general_backward(x, dy, max_value, negative_slope, threshold, out)
    if not same_float_dtype(x, dy) or dy.shape != x.shape:
        return ref.relu_general_backward(x, dy, max_value, negative_slope, threshold, out)
    return elementwise(relu_general_bwd, out, (x, dy),
                       *_relu_args(x.dtype, max_value, negative_slope, threshold))


def rrelu_forward(x: np.ndarray, seed: int, step: int, lower: float, upper: float,
                  out: np.ndarray | None = None) -> np.ndarray:
    """Randomized leaky ReLU, slopes drawn from (seed, step) (:class:`nnlite.layers.RReLU`)."""
    checks.rrelu_forward(x, seed, step, lower, upper, out)
    if not same_float_dtype(x):
        return ref.rrelu_forward(x, seed, step, lower, upper, out)
    return elementwise(rrelu_fwd, out, (x,), *_rrelu_args(seed, step, lower, upper))


def rrelu_backward(x: np.ndarray, dy: np.ndarray, seed: int, step: int,
                   lower: float, upper: float, out: np.ndarray | None = None) -> np.ndarray:
    """Randomized leaky ReLU's gradient, the slopes drawn again from (seed, step)."""
    checks.rrelu_backward(x, dy, seed, step, lower, upper, out)
    if not same_float_dtype(x, dy) or dy.shape != x.shape:
        return ref.rrelu_backward(x, dy, seed, step, lower, upper, out)
    return elementwise(rrelu_bwd, out, (x, dy), *_rrelu_args(seed, step, lower, upper))


def _relu_args(dtype: np.dtype, max_value: float | None, negative_slope: float,
               threshold: float) -> tuple:
    """(cap, has_cap, s, t) as scalars of ``dtype`` (cap unused without a cap)."""
    t = dtype.type
    has_cap = max_value is not None
    return t(max_value if has_cap else 0.0), has_cap, t(negative_slope), t(threshold)


def _rrelu_args(seed: int, step: int, lower: float, upper: float) -> tuple:
    """(key, lower, width) with width = upper − lower in float64, as the reference computes."""
    return np.uint64(dropout_key(seed, step)), float(lower), float(upper) - float(lower)

