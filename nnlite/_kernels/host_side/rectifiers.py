"""The host side of the compiled PReLU, ReLU and RReLU kernels, once for numba, Cython and CUDA.

Each function checks its arguments, makes C-contiguous views, uses or
allocates the outputs, skips the loops for an empty array, and calls the loop
its backend passes in.  PReLU's loops take x as a (rows, k) matrix and α as a
row of k slopes: the case when α, without its leading axes of size 1, is the
trailing shape of x (one slope per unit, or per channel with ``shared_axes``
over the leading axes).  Other layouts (e.g. channels-first slopes of shape
(C, 1, 1)), mixed dtypes and a gradient not shaped like x use the reference.
The loops:

- ``forward(*inputs, *scalars, y)``: the output, flat (PReLU: rows of k);
- ``backward(...)``: the gradient; PReLU's ``backward(x, α, δ, rows, bsum, dx,
  need_dx)`` also adds each block of ``rows`` rows' part of ∂α to its row of
  ``bsum`` (float64 zeros), the blocks summed here.

The equations: :class:`nnlite.layers.PReLU`, :class:`nnlite.layers.ReLU`,
:class:`nnlite.layers.RReLU` and ``reference/rectifiers.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import checks
from .. import reference as ref
from ..host_arrays import deliver, elementwise, output_for, same_float_dtype, trailing_row_length
from ..reference.dropout import dropout_key

#: Rows per block of the PReLU ∂α partial sums (summed on the host in float64).
ROWS = 64


def prelu_forward(x: np.ndarray, alpha: np.ndarray, out: np.ndarray | None = None, *,
                  forward: Callable) -> np.ndarray:
    """PReLU's output by the backend's ``forward`` (the reference for other layouts)."""
    checks.prelu_forward(x, alpha, out)
    k = trailing_row_length(x.shape, np.shape(alpha))
    if k is None or not same_float_dtype(x):
        return ref.prelu_forward(x, alpha, out)
    return elementwise(forward, out, (x,), np.ascontiguousarray(alpha, x.dtype).reshape(-1),
                       row_length=k)


def prelu_backward(x: np.ndarray, alpha: np.ndarray, dy: np.ndarray, *, need_dx: bool = True,
                   dx_out: np.ndarray | None = None, backward: Callable,
                   ) -> tuple[np.ndarray | None, np.ndarray]:
    """PReLU's gradients (∂x or None, ∂α) by the backend's ``backward``."""
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
        backward(x.reshape(n, k), np.ascontiguousarray(alpha, x.dtype).reshape(-1),
                 dy.reshape(n, k), ROWS, bsum, dx.reshape(-1, k), need_dx)
    # ∂α = Σ over the blocks (the equation: nnlite.layers.PReLU)
    dalpha = bsum.sum(axis=0).astype(x.dtype).reshape(alpha_shape)
    return (deliver(dx, dx_out) if need_dx else None), dalpha


def relu_general_forward(x: np.ndarray, max_value: float | None, negative_slope: float,
                         threshold: float, out: np.ndarray | None = None, *,
                         forward: Callable) -> np.ndarray:
    """The general ReLU's output by the backend's ``forward(x, cap, has_cap, s, t, y)``."""
    checks.relu_general_forward(x, max_value, negative_slope, threshold, out)
    if not same_float_dtype(x):
        return ref.relu_general_forward(x, max_value, negative_slope, threshold, out)
    return elementwise(forward, out, (x,),
                       *_relu_args(x.dtype, max_value, negative_slope, threshold))


def relu_general_backward(x: np.ndarray, dy: np.ndarray, max_value: float | None,
                          negative_slope: float, threshold: float,
                          out: np.ndarray | None = None, *, backward: Callable) -> np.ndarray:
    """The general ReLU's gradient by the backend's ``backward(x, δ, cap, has_cap, s, t, dx)``."""
    checks.relu_general_backward(x, dy, max_value, negative_slope, threshold, out)
    if not same_float_dtype(x, dy) or dy.shape != x.shape:
        return ref.relu_general_backward(x, dy, max_value, negative_slope, threshold, out)
    return elementwise(backward, out, (x, dy),
                       *_relu_args(x.dtype, max_value, negative_slope, threshold))


def rrelu_forward(x: np.ndarray, seed: int, step: int, lower: float, upper: float,
                  out: np.ndarray | None = None, *, forward: Callable) -> np.ndarray:
    """RReLU's output by the backend's ``forward(x, key, lower, width, y)``."""
    checks.rrelu_forward(x, seed, step, lower, upper, out)
    if not same_float_dtype(x):
        return ref.rrelu_forward(x, seed, step, lower, upper, out)
    return elementwise(forward, out, (x,), *_rrelu_args(seed, step, lower, upper))


def rrelu_backward(x: np.ndarray, dy: np.ndarray, seed: int, step: int, lower: float,
                   upper: float, out: np.ndarray | None = None, *,
                   backward: Callable) -> np.ndarray:
    """RReLU's gradient by the backend's ``backward(x, δ, key, lower, width, dx)``."""
    checks.rrelu_backward(x, dy, seed, step, lower, upper, out)
    if not same_float_dtype(x, dy) or dy.shape != x.shape:
        return ref.rrelu_backward(x, dy, seed, step, lower, upper, out)
    return elementwise(backward, out, (x, dy), *_rrelu_args(seed, step, lower, upper))


def _relu_args(dtype: np.dtype, max_value: float | None, negative_slope: float,
               threshold: float) -> tuple:
    """(cap, has_cap, s, t) as scalars of ``dtype`` (cap unused without a cap)."""
    t = dtype.type
    has_cap = max_value is not None
    return t(max_value if has_cap else 0.0), has_cap, t(negative_slope), t(threshold)


def _rrelu_args(seed: int, step: int, lower: float, upper: float) -> tuple:
    """(key, lower, width) of the slopes lower + width·u, the loops' arguments."""
    # width = upper − lower in float64, as reference.rrelu_slopes computes it
    return np.uint64(dropout_key(seed, step)), float(lower), float(upper) - float(lower)
