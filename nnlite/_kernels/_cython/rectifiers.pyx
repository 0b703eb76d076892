# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython PReLU, general-ReLU and RReLU kernels: the typed loops, then the public kernels.

PReLU:  y = x if x > 0 else α_j x;  ∂x = δ·(1 or α_j);  ∂α_j = Σ_i δ_ij min(x_ij, 0)
        (float64 partial sums per block of rows; the host adds the blocks).
ReLU:   y = min(x, M) if x > t else s(x − t);  ∂x = δ·(0 if x ≥ M, else 1) above t, δ·s below.
RReLU:  a_i = lower + width·u_i, u_i = (splitmix64(key + i) ≫ 40)·2⁻²⁴ (the dropout
        uniforms), in double and rounded to the dtype: the reference's slopes bit for bit.
"""
from cython.parallel cimport prange
from libc.stdint cimport uint64_t

from nnlite._kernels.host_side import rectifiers as host

from ._floats cimport real
from ._splitmix64 cimport splitmix64

cdef Py_ssize_t PARALLEL_MIN = 1 << 15

cdef extern from *:
    """
    /* a*b rounded on its own, never fused with the following add into an FMA
       (a -march=native build lets GCC contract a*b + c), so that the RReLU slopes
       lower + width*u are the reference's (separately rounded) ones bit for bit. */
    static inline double nnlite_mul_rn(double a, double b) {
        volatile double p = a * b;
        return p;
    }
    """
    double mul_rn "nnlite_mul_rn"(double a, double b) noexcept nogil


cdef inline double slope(uint64_t key, Py_ssize_t i, double lower, double width) noexcept nogil:
    """a_i = lower + width·u_i (double)."""
    cdef double u = <double>(splitmix64(key + <uint64_t>i) >> 40) * 5.9604644775390625e-08
    return lower + mul_rn(width, u)


def _prelu_fwd(const real[:, ::1] x, const real[::1] alpha, real[:, ::1] y):
    """y[i, j] = x[i, j] if x[i, j] > 0 else α[j]·x[i, j]."""
    cdef Py_ssize_t i, j, n = x.shape[0], k = x.shape[1]
    cdef real v
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n * k > PARALLEL_MIN):
        for j in range(k):
            v = x[i, j]
            y[i, j] = v if v > 0 else alpha[j] * v


def _prelu_bwd(const real[:, ::1] x, const real[::1] alpha, const real[:, ::1] dy,
               Py_ssize_t rows, double[:, ::1] bsum, real[:, ::1] dx, bint need_dx):
    """Per block b of ``rows`` rows: bsum[b, j] += Σ δ·min(x, 0) (bsum starts at 0);
    dx = δ·(1 if x > 0 else α_j) when ``need_dx``."""
    cdef Py_ssize_t b, i, j, n = x.shape[0], k = x.shape[1]
    cdef real v, d, neg
    for b in prange(bsum.shape[0], nogil=True, schedule="static",
                    use_threads_if=n * k > PARALLEL_MIN):
        for i in range(b * rows, min(n, (b + 1) * rows)):
            for j in range(k):
                v = x[i, j]
                d = dy[i, j]
                neg = v if v < 0 else 0
                bsum[b, j] += d * neg
                if need_dx:
                    dx[i, j] = d * (<real>1 if v > 0 else alpha[j])


def _relu_general_fwd(const real[::1] x, real cap, bint has_cap, real s, real t, real[::1] y):
    """y = min(x, cap) if x > t else s·(x − t)."""
    cdef Py_ssize_t i, n = x.shape[0]
    cdef real v
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        v = x[i]
        if v > t:
            y[i] = cap if has_cap and cap < v else v
        else:
            y[i] = s * (v - t)


def _relu_general_bwd(const real[::1] x, const real[::1] dy, real cap, bint has_cap, real s,
                      real t, real[::1] dx):
    """dx = δ·(0 if x ≥ cap else 1) where x > t, δ·s elsewhere."""
    cdef Py_ssize_t i, n = x.shape[0]
    cdef real v
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        v = x[i]
        if v > t:
            dx[i] = dy[i] * (<real>0 if has_cap and v >= cap else <real>1)
        else:
            dx[i] = dy[i] * s


def _rrelu_fwd(const real[::1] x, uint64_t key, double lower, double width, real[::1] y):
    """y_i = x_i if x_i ≥ 0 else a_i·x_i (a_i rounded to the dtype first)."""
    cdef Py_ssize_t i, n = x.shape[0]
    cdef real v
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        v = x[i]
        y[i] = v if v >= 0 else <real>slope(key, i, lower, width) * v


def _rrelu_bwd(const real[::1] x, const real[::1] dy, uint64_t key, double lower, double width,
               real[::1] dx):
    """dx_i = δ_i if x_i ≥ 0 else a_i·δ_i."""
    cdef Py_ssize_t i, n = x.shape[0]
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        dx[i] = dy[i] if x[i] >= 0 else <real>slope(key, i, lower, width) * dy[i]


# Public kernels (the reference's signatures); their host side: ``host_side/rectifiers.py``.


def prelu_forward(x, alpha, out=None):
    """PReLU's output (equations: nnlite.layers.PReLU)."""
    return host.prelu_forward(x, alpha, out, forward=_prelu_fwd)


def prelu_backward(x, alpha, dy, *, need_dx=True, dx_out=None):
    """PReLU's gradients (∂x or None, ∂α) (equations: nnlite.layers.PReLU)."""
    return host.prelu_backward(x, alpha, dy, need_dx=need_dx, dx_out=dx_out,
                               backward=_prelu_bwd)


def relu_general_forward(x, max_value, negative_slope, threshold, out=None):
    """The general ReLU's output: cap, slope and threshold (equations: nnlite.layers.ReLU)."""
    return host.relu_general_forward(x, max_value, negative_slope, threshold, out,
                                     forward=_relu_general_fwd)


def relu_general_backward(x, dy, max_value, negative_slope, threshold, out=None):
    """The general ReLU's gradient (equations: nnlite.layers.ReLU)."""
    return host.relu_general_backward(x, dy, max_value, negative_slope, threshold, out,
                                      backward=_relu_general_bwd)


def rrelu_forward(x, seed, step, lower, upper, out=None):
    """RReLU's output with slopes drawn from (seed, step) (equations: nnlite.layers.RReLU)."""
    return host.rrelu_forward(x, seed, step, lower, upper, out, forward=_rrelu_fwd)


def rrelu_backward(x, dy, seed, step, lower, upper, out=None):
    """RReLU's gradient, the slopes drawn again from (seed, step) (nnlite.layers.RReLU)."""
    return host.rrelu_backward(x, dy, seed, step, lower, upper, out, backward=_rrelu_bwd)
