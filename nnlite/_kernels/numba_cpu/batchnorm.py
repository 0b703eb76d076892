r"""Numba batch-norm kernels (x of shape (N, C), statistics per column).

The public kernels (``bn_stats`` … ``bn_moving_update``, the reference's
names and signatures) name the ``@jit`` loops below (parallel over rows or
row blocks) and hand them to ``host_side/batchnorm.py``, which checks the
arguments, prepares C-contiguous arrays and outputs, and runs the loops.

Statistics use *two-level sums* (:func:`batch_moments`): rows are cut into
blocks of ``ROWS``; each cache-resident block gets its exact two-pass mean
and M₂ = Σ(x − μ_b)² in float64 (``_block_stats``, in parallel), and the
blocks are merged with Chan's formula (``_merge_stats``), so x is read once
from memory and there is no E[x²] − E[x]² cancellation.

The backward kernels read x̂ as (x − μ)·inv_std: given x̂ itself, μ = 0 and
inv_std = 1 (exact in IEEE arithmetic); given the input x (``mean=`` μ),
x̂ is recomputed on the fly, so the forward need not write it.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from .. import checks
from ..host_side import batchnorm as host
from ._jit import jit, jit_parallel

ROWS = 64  # rows per statistics block


@jit_parallel()
def _block_stats(x, rows, bmean, bm2):
    """Per block b of ``rows`` rows: column means and M₂ (two passes over the block)."""
    n, c = x.shape
    for b in prange(bmean.shape[0]):
        lo = b * rows
        hi = min(n, lo + rows)
        inv = 1.0 / (hi - lo)
        for j in range(c):
            bmean[b, j] = 0.0
            bm2[b, j] = 0.0
        for i in range(lo, hi):
            for j in range(c):
                bmean[b, j] += x[i, j]
        for j in range(c):
            bmean[b, j] *= inv
        for i in range(lo, hi):
            for j in range(c):
                d = x[i, j] - bmean[b, j]
                bm2[b, j] += d * d


@jit()
def _merge_stats(n, rows, bmean, bm2, mean, var):
    """Chan's merge: δ = μ_b − μ_a, μ += δ n_b/n, M₂ += M₂b + δ² n_a n_b/n; var = M₂/N.

    Blocks outside, columns inside: the block sizes are the same for every
    column, so the inner loop has no division and vectorizes.
    """
    nblocks, c = bmean.shape
    for j in range(c):
        mean[j] = bmean[0, j]
        var[j] = bm2[0, j]  # M₂ until the last line
    na = float(min(rows, n))
    for b in range(1, nblocks):
        nb = float(min(rows, n - b * rows))
        tot = na + nb
        f, w = nb / tot, na * nb / tot
        for j in range(c):
            d = bmean[b, j] - mean[j]
            mean[j] += d * f
            var[j] += bm2[b, j] + d * d * w
        na = tot
    for j in range(c):
        var[j] /= n


@jit_parallel()
def _normalize(x, mean, inv_std, gamma, beta, xhat, y, want_xhat):
    """x̂ = (x − μ)·inv_std,  y = γ x̂ + β  (x̂ written only if ``want_xhat``)."""
    n, c = x.shape
    if want_xhat:
        for i in prange(n):
            for j in range(c):
                h = (x[i, j] - mean[j]) * inv_std[j]
                xhat[i, j] = h
                y[i, j] = gamma[j] * h + beta[j]
    else:
        for i in prange(n):
            for j in range(c):
                y[i, j] = gamma[j] * ((x[i, j] - mean[j]) * inv_std[j]) + beta[j]


@jit_parallel()
def _grad_sums(dy, x, mean, inv_std, rows, bsum, bdot):
    """Per block of rows: Σδ and Σδx̂ per column (float64), x̂ = (x − μ)·inv_std."""
    n, c = dy.shape
    for b in prange(bsum.shape[0]):
        for j in range(c):
            bsum[b, j] = 0.0
            bdot[b, j] = 0.0
        for i in range(b * rows, min(n, (b + 1) * rows)):
            for j in range(c):
                h = (x[i, j] - mean[j]) * inv_std[j]
                bsum[b, j] += dy[i, j]
                bdot[b, j] += dy[i, j] * h


@jit_parallel()
def _bn_dx(dy, x, mean, inv_std, scale, dbeta, dgamma, dx):
    """∂x = scale·(N δ − ∂β − x̂ ∂γ), x̂ = (x − μ)·inv_std, scale = γ·inv_std/N."""
    n, c = dy.shape
    for i in prange(n):
        for j in range(c):
            h = (x[i, j] - mean[j]) * inv_std[j]
            dx[i, j] = scale[j] * (n * dy[i, j] - dbeta[j] - h * dgamma[j])


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
    return host.batch_moments(x, rows=ROWS, block_stats=_block_stats, merge_stats=_merge_stats)


def bn_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and biased variance (float64 two-level sums, x's dtype)."""
    return host.bn_stats(x, moments=batch_moments)


def bn_forward_train(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float,
                     out: np.ndarray | None = None, *, xhat_out: np.ndarray | None = None,
                     keep_xhat: bool = True,
                     ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """Training forward of batch norm: (y, x̂ or None, μ, σ², inv_std) from the batch's statistics.

    Equations: nnlite.layers.BatchNormalization.
    """
    return host.bn_forward_train(x, gamma, beta, eps, out, xhat_out=xhat_out, keep_xhat=keep_xhat,
                                 moments=batch_moments, normalize=_normalize)


def bn_forward_infer(x: np.ndarray, mean: np.ndarray, var: np.ndarray, gamma: np.ndarray,
                     beta: np.ndarray, eps: float, out: np.ndarray | None = None) -> np.ndarray:
    """Batch norm's inference forward with given statistics (nnlite.layers.BatchNormalization)."""
    return host.bn_forward_infer(x, mean, var, gamma, beta, eps, out, normalize=_normalize)


def bn_backward(dy: np.ndarray, xhat: np.ndarray, gamma: np.ndarray, inv_std: np.ndarray,
                *, dx_out: np.ndarray | None = None, mean: np.ndarray | None = None,
                need_dx: bool = True) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """The gradients (∂x, ∂γ, ∂β) of batch norm's training forward (layers.BatchNormalization).

    With ``mean`` given, ``xhat`` is the input x and x̂ = (x − μ)·inv_std;
    ``need_dx=False``: ∂x is not computed (None).
    """
    return host.bn_backward(dy, xhat, gamma, inv_std, dx_out=dx_out, mean=mean, need_dx=need_dx,
                            rows=ROWS, grad_sums=_grad_sums, bn_dx=_bn_dx)


def bn_moving_update(moving: np.ndarray, batch_value: np.ndarray, momentum: float) -> None:
    """The moving average's update in place, with NumPy (nnlite.layers.BatchNormalization)."""
    checks.bn_moving_update(moving, batch_value, momentum)
    moving *= momentum
    moving += batch_value * (1.0 - momentum)
