# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Low-level dropout kernels: counter-based SplitMix64 (see reference/dropout.py).

bits_i = splitmix64(key + i), keep_i = (bits_i ≫ 40) ≥ thresh; uint64 wraps mod 2⁶⁴.
"""
from cython.parallel cimport prange
from libc.stdint cimport uint64_t
from ._act cimport real

cdef Py_ssize_t PARALLEL_MIN = 1 << 14


cdef inline uint64_t splitmix64(uint64_t x) noexcept nogil:
    cdef uint64_t z = x + 0x9E3779B97F4A7C15ULL
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL
    return z ^ (z >> 31)


def uniform(uint64_t key, double[::1] out):
    """out[i] = (splitmix64(key + i) ≫ 40)·2⁻²⁴."""
    cdef Py_ssize_t i, n = out.shape[0]
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        out[i] = <double>(splitmix64(key + <uint64_t>i) >> 40) * 5.9604644775390625e-08


def mask(uint64_t key, uint64_t thresh, unsigned char[::1] m):
    """m[i] = (splitmix64(key + i) ≫ 40) ≥ thresh."""
    cdef Py_ssize_t i, n = m.shape[0]
    if n == 0:
        return
    cdef unsigned char* mp = &m[0]
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        mp[i] = (splitmix64(key + <uint64_t>i) >> 40) >= thresh


def dropout_fwd(const real[::1] x, uint64_t key, uint64_t thresh, real a, real b, real fill,
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


def dropout_bwd(const real[::1] dy, const unsigned char[::1] m, real a, real[::1] dx):
    """dx_i = a·δ_i·keep_i."""
    cdef Py_ssize_t i, n = dy.shape[0]
    if n == 0:
        return
    cdef const real* dp = &dy[0]
    cdef const unsigned char* mp = &m[0]
    cdef real* op = &dx[0]
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        op[i] = dp[i] * (a * mp[i])
