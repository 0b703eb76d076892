# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython dropout kernels: the reference's counter-based mask in typed OpenMP loops.

keep_i = (splitmix64(key + i) ≫ 40) ≥ ⌈rate·2²⁴⌉ is the book's test u_i ≥ rate
in integers, with u_i drawn from a hash of (seed, step, i) instead of a
random stream, so the mask is the same bit for bit on every backend and any
number of threads (the book's form beside it: ``numba_cpu/dropout.py``;
tests/test_kernels_rearranged.py checks that they agree).  The public
kernels (the reference's names and signatures) hand the loops below to
``host_side/dropout.py``, which checks the arguments and runs them.  Masks
are written through a uint8 view of the bool array.
"""
from cython.parallel cimport prange
from libc.stdint cimport uint64_t

from nnlite._kernels.host_side import dropout as host

from ._floats cimport real
from ._splitmix64 cimport splitmix64

cdef Py_ssize_t PARALLEL_MIN = 1 << 14


def _uniform(uint64_t key, double[::1] out):
    """out[i] = (splitmix64(key + i) ≫ 40)·2⁻²⁴."""
    cdef Py_ssize_t i, n = out.shape[0]
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        out[i] = <double>(splitmix64(key + <uint64_t>i) >> 40) * 5.9604644775390625e-08


def _mask(uint64_t key, uint64_t thresh, unsigned char[::1] m):
    """m[i] = (splitmix64(key + i) ≫ 40) ≥ thresh."""
    cdef Py_ssize_t i, n = m.shape[0]
    if n == 0:
        return
    cdef unsigned char* mp = &m[0]
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        mp[i] = (splitmix64(key + <uint64_t>i) >> 40) >= thresh


def _forward(const real[::1] x, uint64_t key, uint64_t thresh, real a, real b, real fill,
             real[::1] y, unsigned char[::1] m):
    """y_i = a·(x_i·keep_i + fill·(1 − keep_i)) + b;  m_i = keep_i.

    Raw pointers (the compiler then knows they do not change inside the loop)
    and an arithmetic select instead of a branch: keep is a coin flip, so a
    branch on it is mispredicted half the time.
    """
    cdef Py_ssize_t i, n = x.shape[0]
    cdef unsigned char k
    cdef real kr
    if n == 0:
        return
    cdef const real* xp = &x[0]
    cdef real* yp = &y[0]
    cdef unsigned char* mp = &m[0]
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        k = (splitmix64(key + <uint64_t>i) >> 40) >= thresh
        mp[i] = k
        kr = <real>k
        yp[i] = a * (xp[i] * kr + fill * (1 - kr)) + b


def _backward(const real[::1] dy, const unsigned char[::1] m, real a, real[::1] dx):
    """The gradient of either dropout: δ where kept, 0 elsewhere, times its factor a."""
    cdef Py_ssize_t i, n = dy.shape[0]
    if n == 0:
        return
    cdef const real* dp = &dy[0]
    cdef const unsigned char* mp = &m[0]
    cdef real* op = &dx[0]
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        op[i] = dp[i] * (a * mp[i])


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).
# ----------------------------------------------------------------------------

def dropout_uniform(size, seed, step):
    """u_i = (splitmix64(key + i) ≫ 40)·2⁻²⁴ (float64)."""
    return host.dropout_uniform(size, seed, step, draw=_uniform)


def dropout_mask(shape, seed, step, rate):
    """Boolean keep mask of ``shape``: keep = u ≥ rate."""
    return host.dropout_mask(shape, seed, step, rate, draw=_mask)


def dropout_forward(x, seed, step, rate, out=None, *, mask_shape=None, mask_out=None):
    """Inverted dropout of x and its keep mask, (y, keep) (equations: nnlite.layers.Dropout)."""
    return host.dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                mask_out=mask_out, masked_affine=_forward)


def dropout_backward(dy, mask, rate, out=None):
    """The gradient of inverted dropout (equations: nnlite.layers.Dropout)."""
    return host.dropout_backward(dy, mask, rate, out, masked_scale=_backward)


def alpha_dropout_forward(x, seed, step, rate, out=None, *, mask_shape=None, mask_out=None):
    """Alpha dropout of x and its keep mask, (y, keep) (equations: nnlite.layers.AlphaDropout)."""
    return host.alpha_dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                      mask_out=mask_out, masked_affine=_forward)


def alpha_dropout_backward(dy, mask, rate, out=None):
    """The gradient of alpha dropout (equations: nnlite.layers.AlphaDropout)."""
    return host.alpha_dropout_backward(dy, mask, rate, out, masked_scale=_backward)
