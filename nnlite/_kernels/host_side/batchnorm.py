"""The host side of the compiled batch-norm kernels, written once for numba, Cython and CUDA.

Each function checks its arguments, makes C-contiguous arrays of the
batch's dtype, uses or allocates the outputs, handles the empty batch, and
calls the loops its backend passes in, named for their role:

- ``block_stats(x, rows, bmean, bm2)`` then ``merge_stats(n, rows, bmean, bm2,
  mean, var)``: the two-level column statistics (:func:`batch_moments`);
- ``normalize(x, mean, inv_std, gamma, beta, xhat, y, want_xhat)``: x̂ and y;
- ``grad_sums(dy, x, mean, inv_std, rows, bsum, bdot)`` then ``bn_dx(dy, x, mean,
  inv_std, scale, dbeta, dgamma, dx)``: the backward.

``rows`` is the backend's statistics block (its ``ROWS``).  The equations:
:class:`nnlite.layers.BatchNormalization` and ``reference/batchnorm.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import checks
from ..host_arrays import block_buffers, deliver, output_for
from ..reference.batchnorm import inverse_std


def batch_moments(x: np.ndarray, *, rows: int, block_stats: Callable,
                  merge_stats: Callable) -> tuple[np.ndarray, np.ndarray]:
    """Float64 column mean and biased variance of a C-contiguous (N ≥ 1, C) batch."""
    n, c = x.shape
    bmean, bm2 = block_buffers(-(-n // rows), c)
    block_stats(x, rows, bmean, bm2)
    mean, var = np.empty(c), np.empty(c)
    merge_stats(n, rows, bmean, bm2, mean, var)
    return mean, var


def bn_stats(x: np.ndarray, *, moments: Callable) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and biased variance in x's dtype (NaN for an empty batch)."""
    checks.bn_stats(x)
    if x.shape[0] == 0:
        nan = np.full(x.shape[1:], np.nan, dtype=x.dtype)
        return nan, nan.copy()
    mean, var = moments(np.ascontiguousarray(x))
    return mean.astype(x.dtype), var.astype(x.dtype)


def bn_forward_train(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float,
                     out: np.ndarray | None = None, *, xhat_out: np.ndarray | None = None,
                     keep_xhat: bool = True, moments: Callable, normalize: Callable,
                     ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """(y, x̂ or None, μ, σ², inv_std) from the batch's ``moments``, x̂ and y by ``normalize``."""
    checks.bn_forward_train(x, gamma, beta, eps, out, xhat_out=xhat_out, keep_xhat=keep_xhat)
    x = np.ascontiguousarray(x)
    dt = x.dtype
    if x.shape[0] == 0:
        mean, var = bn_stats(x, moments=moments)
        inv = inverse_std(var, eps).astype(dt)
        xhat = deliver(x.copy(), xhat_out) if keep_xhat else None
        return deliver(x.copy(), out), xhat, mean, var, inv
    mean, var = moments(x)
    inv_std = inverse_std(var, eps)
    y = output_for(x, out)
    xhat = output_for(x, xhat_out) if keep_xhat else y  # y: a placeholder, not written
    normalize(x, mean.astype(dt), inv_std.astype(dt), np.ascontiguousarray(gamma, dt),
              np.ascontiguousarray(beta, dt), xhat, y, keep_xhat)
    return (deliver(y, out), deliver(xhat, xhat_out) if keep_xhat else None,
            mean.astype(dt), var.astype(dt), inv_std.astype(dt))


def bn_forward_infer(x: np.ndarray, mean: np.ndarray, var: np.ndarray, gamma: np.ndarray,
                     beta: np.ndarray, eps: float, out: np.ndarray | None = None, *,
                     normalize: Callable) -> np.ndarray:
    """y from the given statistics by ``normalize`` (x̂ not written)."""
    checks.bn_forward_infer(x, mean, var, gamma, beta, eps, out)
    x = np.ascontiguousarray(x)
    dt = x.dtype
    inv_std = inverse_std(var, eps).astype(dt)
    y = output_for(x, out)
    if x.size:
        normalize(x, np.ascontiguousarray(mean, dt), inv_std, np.ascontiguousarray(gamma, dt),
                  np.ascontiguousarray(beta, dt), y, y, False)
    return deliver(y, out)


def bn_backward(dy: np.ndarray, xhat: np.ndarray, gamma: np.ndarray, inv_std: np.ndarray,
                *, dx_out: np.ndarray | None = None, mean: np.ndarray | None = None,
                need_dx: bool = True, rows: int, grad_sums: Callable, bn_dx: Callable,
                ) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """(∂x or None, ∂γ, ∂β): block sums by ``grad_sums``, ∂x by ``bn_dx``."""
    checks.bn_backward(dy, xhat, gamma, inv_std, dx_out=dx_out, mean=mean, need_dx=need_dx)
    dy = np.ascontiguousarray(dy)
    dt = dy.dtype
    x = np.ascontiguousarray(xhat, dtype=dt)
    n, c = dy.shape
    if mean is None:  # x̂ given: (x̂ − 0)·1 = x̂ exactly
        mu, inv = np.zeros(c, dt), np.ones(c, dt)
    else:
        mu, inv = np.ascontiguousarray(mean, dt), np.ascontiguousarray(inv_std, dt)
    if n:
        bsum, bdot = block_buffers(-(-n // rows), c)
        grad_sums(dy, x, mu, inv, rows, bsum, bdot)
        # ∂β = Σδ, ∂γ = Σδx̂ over the blocks (equations: reference/batchnorm.py)
        dbeta, dgamma = bsum.sum(axis=0), bdot.sum(axis=0)
    else:
        dbeta, dgamma = np.zeros(c), np.zeros(c)
    if not need_dx:
        return None, dgamma.astype(dt), dbeta.astype(dt)
    # ∂x's factor γ·inv_std/N in float64 (the equation: reference/batchnorm.py)
    scale = (np.asarray(gamma, np.float64) * inv_std / max(n, 1)).astype(dt)
    dx = output_for(dy, dx_out)
    if n:
        bn_dx(dy, x, mu, inv, scale, dbeta.astype(dt), dgamma.astype(dt), dx)
    return deliver(dx, dx_out), dgamma.astype(dt), dbeta.astype(dt)
