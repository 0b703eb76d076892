# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython batch-norm kernels (x of shape (N, C), statistics per column).

The public kernels (``bn_stats`` … ``bn_moving_update``, the reference's
names and signatures) name the typed loops below (OpenMP ``prange`` over rows
or row blocks) and hand them to ``host_side/batchnorm.py``, which checks the
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
import numpy as np

from cython.parallel cimport prange

from nnlite._kernels import checks
from nnlite._kernels.host_side import batchnorm as host

from ._floats cimport real

cdef Py_ssize_t PARALLEL_MIN = 1 << 15
ROWS = 64  # rows per statistics block


def _block_stats(const real[:, ::1] x, Py_ssize_t rows, double[:, ::1] bmean, double[:, ::1] bm2):
    """Per block of ``rows`` rows: exact two-pass column means and M₂ (float64)."""
    cdef Py_ssize_t b, i, j, lo, hi, n = x.shape[0], c = x.shape[1]
    cdef double inv, d
    for b in prange(bmean.shape[0], nogil=True, schedule="static",
                    use_threads_if=n * c > PARALLEL_MIN):
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


def _merge_stats(Py_ssize_t n, Py_ssize_t rows, double[:, ::1] bmean, double[:, ::1] bm2,
                 double[::1] mean, double[::1] var):
    """Chan's merge of the block statistics; var = M₂/N (blocks outside, columns inside)."""
    cdef Py_ssize_t b, j, nblocks = bmean.shape[0], c = bmean.shape[1]
    cdef double na, nb, tot, f, w, d
    with nogil:
        for j in range(c):
            mean[j] = bmean[0, j]
            var[j] = bm2[0, j]
        na = min(rows, n)
        for b in range(1, nblocks):
            nb = min(rows, n - b * rows)
            tot = na + nb
            f = nb / tot
            w = na * nb / tot
            for j in range(c):
                d = bmean[b, j] - mean[j]
                mean[j] += d * f
                var[j] += bm2[b, j] + d * d * w
            na = tot
        for j in range(c):
            var[j] /= n


def _normalize(const real[:, ::1] x, const real[::1] mean, const real[::1] inv_std,
               const real[::1] gamma, const real[::1] beta, real[:, ::1] xhat, real[:, ::1] y,
               bint want_xhat):
    """x̂ = (x − μ)·inv_std,  y = γ x̂ + β  (x̂ written only if ``want_xhat``).

    Rows are indexed through raw pointers (see _floats.pxd: through a
    memoryview the compiler reloads the data pointer after every store).
    """
    cdef Py_ssize_t i, j, n = x.shape[0], c = x.shape[1]
    cdef const real* xr
    cdef real* hr
    cdef real* yr
    cdef real h
    if n == 0 or c == 0:
        return
    cdef const real* mu = &mean[0]
    cdef const real* inv = &inv_std[0]
    cdef const real* g = &gamma[0]
    cdef const real* bt = &beta[0]
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n * c > PARALLEL_MIN):
        xr = &x[i, 0]
        yr = &y[i, 0]
        if want_xhat:
            hr = &xhat[i, 0]
            for j in range(c):
                h = (xr[j] - mu[j]) * inv[j]
                hr[j] = h
                yr[j] = g[j] * h + bt[j]
        else:
            for j in range(c):
                yr[j] = g[j] * ((xr[j] - mu[j]) * inv[j]) + bt[j]


def _grad_sums(const real[:, ::1] dy, const real[:, ::1] x, const real[::1] mean,
               const real[::1] inv_std, Py_ssize_t rows, double[:, ::1] bsum, double[:, ::1] bdot):
    """Per block of rows: Σδ and Σδx̂ per column (float64), x̂ = (x − μ)·inv_std."""
    cdef Py_ssize_t b, i, j, n = dy.shape[0], c = dy.shape[1]
    cdef real h
    for b in prange(bsum.shape[0], nogil=True, schedule="static",
                    use_threads_if=n * c > PARALLEL_MIN):
        for j in range(c):
            bsum[b, j] = 0.0
            bdot[b, j] = 0.0
        for i in range(b * rows, min(n, (b + 1) * rows)):
            for j in range(c):
                h = (x[i, j] - mean[j]) * inv_std[j]
                bsum[b, j] += dy[i, j]
                bdot[b, j] += dy[i, j] * h


def _bn_dx(const real[:, ::1] dy, const real[:, ::1] x, const real[::1] mean,
           const real[::1] inv_std, const real[::1] scale, const real[::1] dbeta,
           const real[::1] dgamma, real[:, ::1] dx):
    """∂x = scale·(N δ − ∂β − x̂ ∂γ), x̂ = (x − μ)·inv_std."""
    cdef Py_ssize_t i, j, n = dy.shape[0], c = dy.shape[1]
    cdef real fn = <real>n, h
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n * c > PARALLEL_MIN):
        for j in range(c):
            h = (x[i, j] - mean[j]) * inv_std[j]
            dx[i, j] = scale[j] * (fn * dy[i, j] - dbeta[j] - h * dgamma[j])
# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).
# ----------------------------------------------------------------------------


def batch_moments(x):
    """Float64 column mean and biased variance of a C-contiguous (N ≥ 1, C) batch.

    By blocks of ``ROWS`` rows, block statistics in parallel, merged serially
    (the equations of the blocks and of Chan's merge: ``numba_cpu/batchnorm.py``).
    """
    return host.batch_moments(x, rows=ROWS, block_stats=_block_stats, merge_stats=_merge_stats)


def bn_stats(x):
    """Per-column mean and biased variance (float64 two-level sums, x's dtype)."""
    return host.bn_stats(x, moments=batch_moments)


def bn_forward_train(x, gamma, beta, eps, out=None, *, xhat_out=None, keep_xhat=True):
    """Training forward of batch norm: (y, x̂ or None, μ, σ², inv_std) from the batch's statistics.

    Equations: nnlite.layers.BatchNormalization.
    """
    return host.bn_forward_train(x, gamma, beta, eps, out, xhat_out=xhat_out, keep_xhat=keep_xhat,
                                 moments=batch_moments, normalize=_normalize)


def bn_forward_infer(x, mean, var, gamma, beta, eps, out=None):
    """Batch norm's inference forward with given statistics (nnlite.layers.BatchNormalization)."""
    return host.bn_forward_infer(x, mean, var, gamma, beta, eps, out, normalize=_normalize)


def bn_backward(dy, xhat, gamma, inv_std, *, dx_out=None, mean=None, need_dx=True):
    """The gradients (∂x, ∂γ, ∂β) of batch norm's training forward (layers.BatchNormalization).

    With ``mean`` given, ``xhat`` is the input x and x̂ = (x − μ)·inv_std;
    ``need_dx=False``: ∂x is not computed (None).
    """
    return host.bn_backward(dy, xhat, gamma, inv_std, dx_out=dx_out, mean=mean, need_dx=need_dx,
                            rows=ROWS, grad_sums=_grad_sums, bn_dx=_bn_dx)


def bn_moving_update(moving, batch_value, momentum):
    """The moving average's update in place, with NumPy (nnlite.layers.BatchNormalization)."""
    checks.bn_moving_update(moving, batch_value, momentum)
    moving *= momentum
    moving += batch_value * (1.0 - momentum)
