r"""CUDA batch-norm kernels: block reductions per column, grid-stride elementwise.

``block_stats`` gives each (row block, column) pair one thread that computes
the exact two-pass mean and M₂ of its block (float64); the host merges the
blocks with Chan's formula exactly like the CPU backends (``batch_moments``).
The launchers (``block_stats``, ``normalize``, ``grad_sums``, ``bn_dx``) take
NumPy or device arrays; the public kernels (``bn_stats`` … ``bn_moving_update``,
the reference's names and signatures) hand them to ``host_side/batchnorm.py``,
which checks the arguments and calls them.  Neighbouring
threads take neighbouring columns, so a warp reads one contiguous stretch of
a row (coalesced).  (A teaching kernel: a production one would also split
the rows of a block across threads and reduce in shared memory.)
"""

from __future__ import annotations

import numpy as np
from numba import cuda

from .. import checks
from ..host_side import batchnorm as host
from ._device import dmin
from ._launch import launcher

ROWS = 64  # rows per statistics block


@cuda.jit(device=True, inline=True)
def standardized(x, mean, inv_std, i, j):
    """x̂ at (i, j): the entry centred on its column mean, times the column's 1/√(σ² + ε)."""
    return (x[i, j] - mean[j]) * inv_std[j]


@cuda.jit(device=True, inline=True)
def standardized_entry(x, mean, inv_std, idx):
    """(i, j, x̂ at (i, j)) of entry ``idx`` of x's N·C entries in row-major order."""
    c = x.shape[1]
    i, j = idx // c, idx % c
    return i, j, standardized(x, mean, inv_std, i, j)


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
    for idx in range(cuda.grid(1), x.size, cuda.gridsize(1)):
        i, j, h = standardized_entry(x, mean, inv_std, idx)
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
        i, j, h = standardized_entry(x, mean, inv_std, idx)
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
    """Float64 column mean and biased variance of a C-contiguous (N ≥ 1, C) batch.

    By blocks of ``ROWS`` rows, block statistics on the device, merged on the host
    (the equations of the blocks and of Chan's merge: ``numba_cpu/batchnorm.py``).
    """
    return host.batch_moments(x, rows=ROWS, block_stats=block_stats, merge_stats=merge_stats)


def bn_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and biased variance in x's dtype.

    Float64 block sums on the device (``block_stats``), merged on the host.
    """
    return host.bn_stats(x, moments=batch_moments)


def bn_forward_train(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float,
                     out: np.ndarray | None = None, *, xhat_out: np.ndarray | None = None,
                     keep_xhat: bool = True,
                     ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """Training forward of batch normalization (:class:`nnlite.layers.BatchNormalization`):
    returns (y, x̂ or None, batch mean, batch variance, inverse standard deviation)."""
    return host.bn_forward_train(x, gamma, beta, eps, out, xhat_out=xhat_out, keep_xhat=keep_xhat,
                                 moments=batch_moments, normalize=normalize)


def bn_forward_infer(x: np.ndarray, mean: np.ndarray, var: np.ndarray, gamma: np.ndarray,
                     beta: np.ndarray, eps: float, out: np.ndarray | None = None) -> np.ndarray:
    """Inference forward of batch normalization with the given statistics.

    One ``normalize`` launch over the N·C entries; x̂ is not written.
    """
    return host.bn_forward_infer(x, mean, var, gamma, beta, eps, out, normalize=normalize)


def bn_backward(dy: np.ndarray, xhat: np.ndarray, gamma: np.ndarray, inv_std: np.ndarray,
                *, dx_out: np.ndarray | None = None, mean: np.ndarray | None = None,
                need_dx: bool = True) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """The gradients (∂x, ∂γ, ∂β) of batch normalization in training mode
    (:class:`nnlite.layers.BatchNormalization`; the rearranged form: ``reference/batchnorm.py``)."""
    return host.bn_backward(dy, xhat, gamma, inv_std, dx_out=dx_out, mean=mean, need_dx=need_dx,
                            rows=ROWS, grad_sums=grad_sums, bn_dx=bn_dx)


def bn_moving_update(moving: np.ndarray, batch_value: np.ndarray, momentum: float) -> None:
    """Moving statistics updated in place with momentum m.

    A few hundred values: NumPy on the host, no launch.
    """
    checks.bn_moving_update(moving, batch_value, momentum)
    moving *= momentum
    moving += batch_value * (1.0 - momentum)
