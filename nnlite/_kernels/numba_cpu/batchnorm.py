r"""Numba low-level batch-norm kernels (x of shape (N, C), C-contiguous).

``block_stats`` computes, for each block of ``rows`` rows (in parallel), the
exact two-pass column mean and M₂ = Σ(x − μ_b)² in float64; ``merge_stats``
merges the blocks with Chan's formula (see ``_host/batchnorm.py``).  The
normalize and backward passes are parallel over rows.
"""

from __future__ import annotations

from numba import prange

from ._jit import jit, jit_parallel


@jit_parallel()
def block_stats(x, rows, bmean, bm2):
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
def merge_stats(n, rows, bmean, bm2, mean, var):
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
def normalize(x, mean, inv_std, gamma, beta, xhat, y, want_xhat):
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
def grad_sums(dy, x, mean, inv_std, rows, bsum, bdot):
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
def bn_dx(dy, x, mean, inv_std, scale, dbeta, dgamma, dx):
    """∂x = scale·(N δ − ∂β − x̂ ∂γ), x̂ = (x − μ)·inv_std, scale = γ·inv_std/N."""
    n, c = dy.shape
    for i in prange(n):
        for j in range(c):
            h = (x[i, j] - mean[j]) * inv_std[j]
            dx[i, j] = scale[j] * (n * dy[i, j] - dbeta[j] - h * dgamma[j])
