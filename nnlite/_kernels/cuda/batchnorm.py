r"""CUDA batch-norm kernels: block reductions per column, grid-stride elementwise.

``block_stats`` gives each (row block, column) pair one thread that computes
the exact two-pass mean and M₂ of its block (float64); the host merges the
blocks with Chan's formula exactly like the CPU backends (``batch_moments``).
The launchers (``block_stats``, ``normalize``, ``grad_sums``, ``bn_dx``) take
NumPy or device arrays; the public kernels (``bn_stats`` … ``bn_moving_update``,
the reference's names and signatures) check their arguments and call them.  Neighbouring
threads take neighbouring columns, so a warp reads one contiguous stretch of
a row (coalesced).  (A teaching kernel: a production one would also split
the rows of a block across threads and reduce in shared memory.)
"""

from __future__ import annotations

import numpy as np
from numba import cuda

from .. import checks
from ..host_arrays import block_buffers, deliver, output_for
from ..reference.batchnorm import inverse_std
from ._device import dmin
from ._launch import launcher

ROWS = 64  # rows per statistics block


@cuda.jit(device=True, inline=True)
def standardized(x, mean, inv_std, i, j):
    """x̂ at (i, j): the entry centred on its column mean, times the column's 1/√(σ² + ε)."""
    return (x[i, j] - mean[j]) * inv_std[j]


@cuda.jit
def _block_stats(x, rows, bmean, bm2):
    n, c = x.shape
    nblocks = bmean.shape[0]
    for idx in range(cuda.grid(1), nblocks * c, cuda.gridsize(1)):
        b, j = idx // c, idx % c
        lo = b * rows
        hi = dmin(n, lo + rows)
        s = 0.0
        for i in range(lo, hi):
            s += x[i, j]
        mu = s / (hi - lo)
        m2 = 0.0
        for i in range(lo, hi):
            d = x[i, j] - mu
            m2 += d * d
        bmean[b, j] = mu
        bm2[b, j] = m2


@cuda.jit
def _normalize(x, mean, inv_std, gamma, beta, xhat, y, want_xhat):
    n, c = x.shape
    for idx in range(cuda.grid(1), n * c, cuda.gridsize(1)):
        i, j = idx // c, idx % c
        h = standardized(x, mean, inv_std, i, j)
        if want_xhat:
            xhat[i, j] = h
        y[i, j] = gamma[j] * h + beta[j]


@cuda.jit
def _grad_sums(dy, x, mean, inv_std, rows, bsum, bdot):
    n, c = dy.shape
    for idx in range(cuda.grid(1), bsum.shape[0] * c, cuda.gridsize(1)):
        b, j = idx // c, idx % c
        s = 0.0
        d = 0.0
        for i in range(b * rows, dmin(n, (b + 1) * rows)):
            h = standardized(x, mean, inv_std, i, j)
            s += dy[i, j]
            d += dy[i, j] * h
        bsum[b, j] = s
        bdot[b, j] = d


@cuda.jit
def _bn_dx(dy, x, mean, inv_std, scale, dbeta, dgamma, dx):
    n, c = dy.shape
    for idx in range(cuda.grid(1), n * c, cuda.gridsize(1)):
        i, j = idx // c, idx % c
        h = standardized(x, mean, inv_std, i, j)
        dx[i, j] = scale[j] * (n * dy[i, j] - dbeta[j] - h * dgamma[j])


block_stats = launcher(_block_stats, (2, 3), lambda x, r, bm, b2: bm.size)
normalize = launcher(_normalize, (5, 6), lambda x, *_: x.size)
grad_sums = launcher(_grad_sums, (5, 6), lambda dy, x, mu, inv, r, bs, bd: bs.size)
bn_dx = launcher(_bn_dx, (7,), lambda dy, *_: dy.size)


def merge_stats(n, rows, bmean, bm2, mean, var):
    """Chan's merge of the block statistics on the host (C small vectors)."""
    bmean, bm2 = np.asarray(bmean), np.asarray(bm2)
    m, m2, na = bmean[0].copy(), bm2[0].copy(), float(min(rows, n))
    for b in range(1, bmean.shape[0]):
        nb = float(min(rows, n - b * rows))
        tot = na + nb
        d = bmean[b] - m
        m += d * nb / tot
        m2 += bm2[b] + d * d * na * nb / tot
        na = tot
    mean[...] = m
    var[...] = m2 / n


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).
# ----------------------------------------------------------------------------


def batch_moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Float64 column mean and biased variance of a C-contiguous (N ≥ 1, C) batch.

    The book's form is one pass over the whole batch:
      μ = (1/N) Σ_i x_i,   σ² = (1/N) Σ_i (x_i − μ)².
    Computed here per block b of ``ROWS`` rows (n_b rows, mean μ_b,
    M₂b = Σ_{i∈b} (x_i − μ_b)²), then merged block by block (Chan et al.):
      δ = μ_b − μ_a,  μ = μ_a + δ n_b/n,  M₂ = M₂a + M₂b + δ² n_a n_b/n,  σ² = M₂/N,
    equal to the book's form up to rounding (test_kernels_rearranged.py).
    """
    n, c = x.shape
    bmean, bm2 = block_buffers(-(-n // ROWS), c)
    block_stats(x, ROWS, bmean, bm2)
    mean, var = np.empty(c), np.empty(c)
    merge_stats(n, ROWS, bmean, bm2, mean, var)
    return mean, var


def bn_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and biased variance (float64 two-level sums, x's dtype)."""
    checks.bn_stats(x)
    if x.shape[0] == 0:
        nan = np.full(x.shape[1:], np.nan, dtype=x.dtype)
        return nan, nan.copy()
    mean, var = batch_moments(np.ascontiguousarray(x))
    return mean.astype(x.dtype), var.astype(x.dtype)


def bn_forward_train(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float,
                     out: np.ndarray | None = None, *, xhat_out: np.ndarray | None = None,
                     keep_xhat: bool = True,
                     ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """Training forward of batch normalization (:class:`nnlite.layers.BatchNormalization`):
    returns (y, x̂ or None, batch mean, batch variance, inverse standard deviation)."""
    checks.bn_forward_train(x, gamma, beta, eps, out, xhat_out=xhat_out, keep_xhat=keep_xhat)
    x = np.ascontiguousarray(x)
    dt = x.dtype
    if x.shape[0] == 0:
        mean, var = bn_stats(x)
        inv = inverse_std(var, eps).astype(dt)
        xhat = deliver(x.copy(), xhat_out) if keep_xhat else None
        return deliver(x.copy(), out), xhat, mean, var, inv
    mean, var = batch_moments(x)
    inv_std = inverse_std(var, eps)
    y = output_for(x, out)
    xhat = output_for(x, xhat_out) if keep_xhat else y  # y: a placeholder, not written
    normalize(x, mean.astype(dt), inv_std.astype(dt), np.ascontiguousarray(gamma, dt),
               np.ascontiguousarray(beta, dt), xhat, y, keep_xhat)
    return (deliver(y, out), deliver(xhat, xhat_out) if keep_xhat else None,
            mean.astype(dt), var.astype(dt), inv_std.astype(dt))


def bn_forward_infer(x: np.ndarray, mean: np.ndarray, var: np.ndarray, gamma: np.ndarray,
                     beta: np.ndarray, eps: float, out: np.ndarray | None = None) -> np.ndarray:
    """Inference forward of batch normalization with the given statistics."""
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
                need_dx: bool = True) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """The gradients (∂x, ∂γ, ∂β) of batch normalization in training mode
    (:class:`nnlite.layers.BatchNormalization`; the rearranged form: ``reference/batchnorm.py``)."""
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
        bsum, bdot = block_buffers(-(-n // ROWS), c)
        grad_sums(dy, x, mu, inv, ROWS, bsum, bdot)
        dbeta, dgamma = bsum.sum(axis=0), bdot.sum(axis=0)
    else:
        dbeta, dgamma = np.zeros(c), np.zeros(c)
    if not need_dx:
        return None, dgamma.astype(dt), dbeta.astype(dt)
    scale = (np.asarray(gamma, np.float64) * inv_std / max(n, 1)).astype(dt)
    dx = output_for(dy, dx_out)
    if n:
        bn_dx(dy, x, mu, inv, scale, dbeta.astype(dt), dgamma.astype(dt), dx)
    return deliver(dx, dx_out), dgamma.astype(dt), dbeta.astype(dt)


def bn_moving_update(moving: np.ndarray, batch_value: np.ndarray, momentum: float) -> None:
    """Moving statistics updated in place with momentum m (a few hundred values: NumPy)."""
    checks.bn_moving_update(moving, batch_value, momentum)
    moving *= momentum
    moving += batch_value * (1.0 - momentum)
