r"""Numba low-level batch-norm kernels (x of shape (N, C), C-contiguous).

``block_stats`` computes, for each block of ``rows`` rows (in parallel), the
exact two-pass column mean and M₂ = Σ(x − μ_b)² in float64; ``merge_stats``
merges the blocks with Chan's formula (see ``_host/batchnorm.py``).  The
normalize and backward passes are parallel over rows.
"""

from __future__ import annotations

from numba import prange

from ._jit import jit


@jit(parallel=True)
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
    """Chan's merge: δ = μ_b − μ_a, μ += δ n_b/n, M₂ += M₂b + δ² n_a n_b/n; var = M₂/N."""
    nblocks, c = bmean.shape
    for j in range(c):
        m = bmean[0, j]
        m2 = bm2[0, j]
        na = float(min(rows, n))
        for b in range(1, nblocks):
            nb = float(min(rows, n - b * rows))
            tot = na + nb
            d = bmean[b, j] - m
            m += d * nb / tot
            m2 += bm2[b, j] + d * d * na * nb / tot
            na = tot
        mean[j] = m
        var[j] = m2 / n


@jit(parallel=True)
def normalize(x, mean, inv_std, gamma, beta, xhat, y, want_xhat):
    """x̂ = (x − μ)·inv_std,  y = γ x̂ + β  (x̂ written only if ``want_xhat``)."""
    n, c = x.shape
    for i in prange(n):
        for j in range(c):
            h = (x[i, j] - mean[j]) * inv_std[j]
            if want_xhat:
                xhat[i, j] = h
            y[i, j] = gamma[j] * h + beta[j]


@jit(parallel=True)
def grad_sums(dy, xhat, rows, bsum, bdot):
    """Per block of rows: Σδ and Σδx̂ per column (float64)."""
    n, c = dy.shape
    for b in prange(bsum.shape[0]):
        for j in range(c):
            bsum[b, j] = 0.0
            bdot[b, j] = 0.0
        for i in range(b * rows, min(n, (b + 1) * rows)):
            for j in range(c):
                bsum[b, j] += dy[i, j]
                bdot[b, j] += dy[i, j] * xhat[i, j]


@jit(parallel=True)
def bn_dx(dy, xhat, scale, dbeta, dgamma, dx):
    """∂x = scale·(N δ − ∂β − x̂ ∂γ) with scale = γ·inv_std/N."""
    n, c = dy.shape
    for i in prange(n):
        for j in range(c):
            dx[i, j] = scale[j] * (n * dy[i, j] - dbeta[j] - xhat[i, j] * dgamma[j])
