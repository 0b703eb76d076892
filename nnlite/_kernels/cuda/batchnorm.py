r"""CUDA batch-norm kernels: block reductions per column, grid-stride elementwise.

``block_stats`` gives each (row block, column) pair one thread that computes
the exact two-pass mean and M₂ of its block (float64); the host merges the
blocks with Chan's formula exactly like the CPU backends.  Neighbouring
threads take neighbouring columns, so a warp reads one contiguous stretch of
a row (coalesced).  (A teaching kernel: a production one would also split
the rows of a block across threads and reduce in shared memory.)
"""

from __future__ import annotations

import numpy as np
from numba import cuda

from ._device import dmin
from ._launch import launcher


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
        h = (x[i, j] - mean[j]) * inv_std[j]
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
            h = (x[i, j] - mean[j]) * inv_std[j]
            s += dy[i, j]
            d += dy[i, j] * h
        bsum[b, j] = s
        bdot[b, j] = d


@cuda.jit
def _bn_dx(dy, x, mean, inv_std, scale, dbeta, dgamma, dx):
    n, c = dy.shape
    for idx in range(cuda.grid(1), n * c, cuda.gridsize(1)):
        i, j = idx // c, idx % c
        h = (x[i, j] - mean[j]) * inv_std[j]
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
