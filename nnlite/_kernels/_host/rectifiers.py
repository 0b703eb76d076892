r"""Public PReLU, general-ReLU and RReLU kernels on the low-level ones (see the reference).

Low-level kernels (C-contiguous arrays of one float dtype):

  prelu_fwd(x2, a, y2)                       y = x if x > 0 else a[j]·x   (x2: (rows, k))
  prelu_bwd(x2, a, dy2, rows, bsum, dx2, need_dx)
                                             dx = δ·(1 or a[j]); per block of ``rows``
                                             rows, bsum[b, j] = Σ δ·min(x, 0) (float64)
  relu_general_fwd(x, cap, has_cap, s, t, y)       flat arrays; the reference equations
  relu_general_bwd(x, dy, cap, has_cap, s, t, dx)
  rrelu_fwd(x, key, lower, width, y)         a_i = lower + width·u_i, u_i from
  rrelu_bwd(x, dy, key, lower, width, dx)    splitmix64(key + i) as in the dropout kernels

PReLU takes the fast path when α, without its leading axes of size 1, is the
trailing shape of x (one slope per unit, or per channel with
``shared_axes`` over the leading axes): x is then a (rows, k) matrix and α a
row of k slopes.  Other layouts (e.g. channels-first slopes of shape
(C, 1, 1)) and inputs of mixed dtypes use the reference.
"""

from __future__ import annotations

import math

import numpy as np

from .. import checks
from .. import reference as ref
from ..reference.dropout import dropout_key
from .dropout import _give, _out

#: Rows per block of the PReLU ∂α partial sums (summed on the host in float64).
ROWS = 64


def _floats(*arrays: np.ndarray) -> bool:
    """True when every array has the first one's float32/float64 dtype."""
    dtype = arrays[0].dtype
    return dtype in (np.float32, np.float64) and all(a.dtype == dtype for a in arrays)


def prelu_columns(x_shape: tuple[int, ...], alpha_shape: tuple[int, ...]) -> int | None:
    """k when α broadcasts over x as one row of k slopes (x viewed as (rows, k)), else None."""
    trailing = tuple(alpha_shape)
    while trailing and trailing[0] == 1:
        trailing = trailing[1:]
    if len(trailing) >= len(x_shape) or tuple(x_shape[len(x_shape) - len(trailing):]) != trailing:
        return None
    return math.prod(trailing)


class RectifierKernels:
    ll: object

    def prelu_forward(self, x: np.ndarray, alpha: np.ndarray,
                      out: np.ndarray | None = None) -> np.ndarray:
        """y = x if x > 0 else α ⊙ x (see the reference)."""
        checks.prelu_forward(x, alpha, out)
        k = prelu_columns(x.shape, np.shape(alpha))
        if k is None or not _floats(x):
            return ref.prelu_forward(x, alpha, out)
        x = np.ascontiguousarray(x)
        y = _out(x, out)
        if x.size:
            self.ll.prelu_fwd(x.reshape(-1, k), np.ascontiguousarray(alpha, x.dtype).reshape(-1),
                              y.reshape(-1, k))
        return _give(y, out)

    def prelu_backward(self, x: np.ndarray, alpha: np.ndarray, dy: np.ndarray, *,
                       need_dx: bool = True, dx_out: np.ndarray | None = None,
                       ) -> tuple[np.ndarray | None, np.ndarray]:
        """(∂x or None, ∂α): ∂x = δ ⊙ (1 if x > 0 else α), ∂α = Σ δ ⊙ min(x, 0)."""
        checks.prelu_backward(x, alpha, dy, need_dx=need_dx, dx_out=dx_out)
        alpha_shape = np.shape(alpha)
        k = prelu_columns(x.shape, alpha_shape)
        if k is None or not _floats(x, dy) or dy.shape != x.shape:
            return ref.prelu_backward(x, alpha, dy, need_dx=need_dx, dx_out=dx_out)
        x, dy = np.ascontiguousarray(x), np.ascontiguousarray(dy)
        n = x.size // k if k else 0
        dx = _out(dy, dx_out) if need_dx else np.empty((0, k), x.dtype)  # not written
        bsum = np.zeros((-(-n // ROWS), k))
        if x.size:
            self.ll.prelu_bwd(x.reshape(n, k), np.ascontiguousarray(alpha, x.dtype).reshape(-1),
                              dy.reshape(n, k), ROWS, bsum, dx.reshape(-1, k), need_dx)
        dalpha = bsum.sum(axis=0).astype(x.dtype).reshape(alpha_shape)
        return (_give(dx, dx_out) if need_dx else None), dalpha

    def relu_general_forward(self, x: np.ndarray, max_value: float | None,
                             negative_slope: float, threshold: float,
                             out: np.ndarray | None = None) -> np.ndarray:
        """y = min(x, M) if x > t else s·(x − t) (see the reference)."""
        checks.relu_general_forward(x, max_value, negative_slope, threshold, out)
        if not _floats(x):
            return ref.relu_general_forward(x, max_value, negative_slope, threshold, out)
        x = np.ascontiguousarray(x)
        y = _out(x, out)
        if x.size:
            self.ll.relu_general_fwd(x.reshape(-1), *_relu_args(x.dtype, max_value,
                                     negative_slope, threshold), y.reshape(-1))
        return _give(y, out)

    def relu_general_backward(self, x: np.ndarray, dy: np.ndarray, max_value: float | None,
                              negative_slope: float, threshold: float,
                              out: np.ndarray | None = None) -> np.ndarray:
        """∂x = δ·f'(x): 0 above the threshold and the cap, 1 between them, s below."""
        checks.relu_general_backward(x, dy, max_value, negative_slope, threshold, out)
        if not _floats(x, dy) or dy.shape != x.shape:
            return ref.relu_general_backward(x, dy, max_value, negative_slope, threshold, out)
        x, dy = np.ascontiguousarray(x), np.ascontiguousarray(dy)
        dx = _out(dy, out)
        if x.size:
            self.ll.relu_general_bwd(x.reshape(-1), dy.reshape(-1),
                                     *_relu_args(x.dtype, max_value, negative_slope,
                                                 threshold), dx.reshape(-1))
        return _give(dx, out)

    def rrelu_forward(self, x: np.ndarray, seed: int, step: int, lower: float, upper: float,
                      out: np.ndarray | None = None) -> np.ndarray:
        """y = x if x ≥ 0 else a ⊙ x, a = lower + (upper − lower)·u (see the reference)."""
        checks.rrelu_forward(x, seed, step, lower, upper, out)
        if not _floats(x):
            return ref.rrelu_forward(x, seed, step, lower, upper, out)
        x = np.ascontiguousarray(x)
        y = _out(x, out)
        if x.size:
            self.ll.rrelu_fwd(x.reshape(-1), *_rrelu_args(seed, step, lower, upper),
                              y.reshape(-1))
        return _give(y, out)

    def rrelu_backward(self, x: np.ndarray, dy: np.ndarray, seed: int, step: int,
                       lower: float, upper: float, out: np.ndarray | None = None) -> np.ndarray:
        """∂x = δ if x ≥ 0 else a ⊙ δ, the slopes a drawn again from (seed, step)."""
        checks.rrelu_backward(x, dy, seed, step, lower, upper, out)
        if not _floats(x, dy) or dy.shape != x.shape:
            return ref.rrelu_backward(x, dy, seed, step, lower, upper, out)
        x, dy = np.ascontiguousarray(x), np.ascontiguousarray(dy)
        dx = _out(dy, out)
        if x.size:
            self.ll.rrelu_bwd(x.reshape(-1), dy.reshape(-1),
                              *_rrelu_args(seed, step, lower, upper), dx.reshape(-1))
        return _give(dx, out)


def _relu_args(dtype: np.dtype, max_value: float | None, negative_slope: float,
               threshold: float) -> tuple:
    """(cap, has_cap, s, t) as scalars of ``dtype`` (cap unused without a cap)."""
    t = dtype.type
    has_cap = max_value is not None
    return t(max_value if has_cap else 0.0), has_cap, t(negative_slope), t(threshold)


def _rrelu_args(seed: int, step: int, lower: float, upper: float) -> tuple:
    """(key, lower, width) with width = upper − lower in float64, as the reference computes."""
    return np.uint64(dropout_key(seed, step)), float(lower), float(upper) - float(lower)
