r"""Numba batch-norm kernels (x of shape (N, C), statistics per column).

Statistics use *two-level sums*: the rows are cut into blocks of ``ROWS``;
each block (cache-resident) gets its exact two-pass mean and M₂ = Σ(x − μ_b)²
in float64, in parallel, and the blocks are merged with Chan's formula

  δ = μ_b − μ_a,  μ = μ_a + δ n_b/n,  M₂ = M₂a + M₂b + δ² n_a n_b / n,

so x is read once from memory and there is no E[x²] − E[x]² cancellation.
The normalize / backward passes are parallel over rows.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import jit

ROWS = 64  # rows per statistics block


@jit(parallel=True)
def _block_stats(x, rows, bmean, bm2):
    """Per block b of ``rows`` rows: column means and M₂ (two passes over the block)."""
    n, c = x.shape
    nblocks = bmean.shape[0]
    for b in prange(nblocks):
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
    """Chan's pairwise merge of the block statistics; var = M₂/N (biased)."""
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


def _stats64(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n, c = x.shape
    nblocks = -(-n // ROWS)
    bmean = np.empty((nblocks, c))
    bm2 = np.empty((nblocks, c))
    _block_stats(x, ROWS, bmean, bm2)
    mean, var = np.empty(c), np.empty(c)
    _merge_stats(n, ROWS, bmean, bm2, mean, var)
    return mean, var


def bn_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and biased variance (float64 two-level sums)."""
    if x.shape[0] == 0:
        nan = np.full(x.shape[1:], np.nan, dtype=x.dtype)
        return nan, nan.copy()
    mean, var = _stats64(np.ascontiguousarray(x))
    return mean.astype(x.dtype), var.astype(x.dtype)


@jit(parallel=True)
def _normalize(x, mean, inv_std, gamma, beta, xhat, y, want_xhat):
    """x̂ = (x − μ)·inv_std,  y = γ x̂ + β  (x̂ written only if ``want_xhat``)."""
    n, c = x.shape
    for i in prange(n):
        for j in range(c):
            h = (x[i, j] - mean[j]) * inv_std[j]
            if want_xhat:
                xhat[i, j] = h
            y[i, j] = gamma[j] * h + beta[j]


def _out(x: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    if out is not None and out.flags.c_contiguous and out.dtype == x.dtype:
        return out
    return np.empty(x.shape, dtype=x.dtype)


def _copy_back(work: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    if out is None or work is out:
        return work
    out[...] = work
    return out


def bn_forward_train(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float,
                     out: np.ndarray | None = None, *, xhat_out: np.ndarray | None = None,
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training forward: (y, x̂, μ, σ², 1/√(σ²+ε)) — see the reference."""
    x = np.ascontiguousarray(x)
    dt = x.dtype
    if x.shape[0] == 0:
        mean, var = bn_stats(x)
        inv = (1.0 / np.sqrt(var.astype(np.float64) + eps)).astype(dt)
        return _copy_back(x.copy(), out), _copy_back(x.copy(), xhat_out), mean, var, inv
    mean, var = _stats64(x)
    inv_std = 1.0 / np.sqrt(var + eps)
    y, xhat = _out(x, out), _out(x, xhat_out)
    _normalize(x, mean.astype(dt), inv_std.astype(dt), np.ascontiguousarray(gamma, dt),
               np.ascontiguousarray(beta, dt), xhat, y, True)
    return (_copy_back(y, out), _copy_back(xhat, xhat_out), mean.astype(dt), var.astype(dt),
            inv_std.astype(dt))


def bn_forward_infer(x: np.ndarray, mean: np.ndarray, var: np.ndarray, gamma: np.ndarray,
                     beta: np.ndarray, eps: float, out: np.ndarray | None = None) -> np.ndarray:
    """Inference forward y = γ(x − μ)/√(σ² + ε) + β with given statistics."""
    x = np.ascontiguousarray(x)
    dt = x.dtype
    inv_std = (1.0 / np.sqrt(np.asarray(var, np.float64) + eps)).astype(dt)
    y = _out(x, out)
    if x.size:
        _normalize(x, np.ascontiguousarray(mean, dt), inv_std, np.ascontiguousarray(gamma, dt),
                   np.ascontiguousarray(beta, dt), y, y, False)
    return _copy_back(y, out)


@jit(parallel=True)
def _grad_sums(dy, xhat, rows, bsum, bdot):
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
def _bn_dx(dy, xhat, scale, dbeta, dgamma, dx):
    """∂x = scale·(N δ − ∂β − x̂ ∂γ) with scale = γ·inv_std/N."""
    n, c = dy.shape
    for i in prange(n):
        for j in range(c):
            dx[i, j] = scale[j] * (n * dy[i, j] - dbeta[j] - xhat[i, j] * dgamma[j])


def bn_backward(dy: np.ndarray, xhat: np.ndarray, gamma: np.ndarray, inv_std: np.ndarray,
                *, dx_out: np.ndarray | None = None,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (∂x, ∂γ, ∂β) in closed form — see the reference."""
    dy = np.ascontiguousarray(dy)
    dt = dy.dtype
    xhat = np.ascontiguousarray(xhat, dtype=dt)
    n, c = dy.shape
    nblocks = max(1, -(-n // ROWS))
    bsum, bdot = np.zeros((nblocks, c)), np.zeros((nblocks, c))
    if n:
        _grad_sums(dy, xhat, ROWS, bsum, bdot)
    dbeta, dgamma = bsum.sum(axis=0), bdot.sum(axis=0)
    scale = (np.asarray(gamma, np.float64) * inv_std / max(n, 1)).astype(dt)
    dx = _out(dy, dx_out)
    if n:
        _bn_dx(dy, xhat, scale, dbeta.astype(dt), dgamma.astype(dt), dx)
    return _copy_back(dx, dx_out), dgamma.astype(dt), dbeta.astype(dt)


def bn_moving_update(moving: np.ndarray, batch_value: np.ndarray, momentum: float) -> None:
    """In place: moving ← moving·m + batch·(1 − m) (a few hundred values: NumPy)."""
    moving *= momentum
    moving += batch_value * (1.0 - momentum)
