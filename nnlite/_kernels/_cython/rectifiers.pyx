# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython PReLU, general-ReLU and RReLU kernels: the typed loops, then the public kernels.

PReLU:  y = x if x > 0 else α_j x;  ∂x = δ·(1 or α_j);  ∂α_j = Σ_i δ_ij min(x_ij, 0)
        (float64 partial sums per block of rows; the host adds the blocks).
ReLU:   y = min(x, M) if x > t else s(x − t);  ∂x = δ·(0 if x ≥ M, else 1) above t, δ·s below.
RReLU:  a_i = lower + width·u_i, u_i = (splitmix64(key + i) ≫ 40)·2⁻²⁴ (the dropout
        uniforms), in double and rounded to the dtype: the reference's slopes bit for bit.
"""
import math

import numpy as np

from cython.parallel cimport prange
from libc.stdint cimport uint64_t

from nnlite._kernels import checks
from nnlite._kernels import reference as ref
from nnlite._kernels.host_arrays import (deliver, elementwise, output_for, same_float_dtype,
                                         trailing_row_length)
from nnlite._kernels.reference.dropout import dropout_key

from ._floats cimport real
from ._splitmix64 cimport splitmix64

#: Rows per block of the PReLU ∂α partial sums (summed on the host in float64).
ROWS = 64

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


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).  PReLU takes the fast path when
# α, without its leading axes of size 1, is the trailing shape of x (one slope
# per unit, or per channel with ``shared_axes`` over the leading axes): x is
# then a (rows, k) matrix and α a row of k slopes.  Other layouts (e.g.
# channels-first slopes of shape (C, 1, 1)) and mixed dtypes use the reference.
# ----------------------------------------------------------------------------


def prelu_forward(x, alpha, out=None):
    """PReLU's output (equations: nnlite.layers.PReLU)."""
    checks.prelu_forward(x, alpha, out)
    k = trailing_row_length(x.shape, np.shape(alpha))
    if k is None or not same_float_dtype(x):
        return ref.prelu_forward(x, alpha, out)
    return elementwise(_prelu_fwd, out, (x,), np.ascontiguousarray(alpha, x.dtype).reshape(-1),
                       row_length=k)


def prelu_backward(x, alpha, dy, *, need_dx=True, dx_out=None):
    """PReLU's gradients (∂x or None, ∂α) (equations: nnlite.layers.PReLU)."""
    checks.prelu_backward(x, alpha, dy, need_dx=need_dx, dx_out=dx_out)
    alpha_shape = np.shape(alpha)
    k = trailing_row_length(x.shape, alpha_shape)
    if k is None or not same_float_dtype(x, dy) or dy.shape != x.shape:
        return ref.prelu_backward(x, alpha, dy, need_dx=need_dx, dx_out=dx_out)
    x, dy = np.ascontiguousarray(x), np.ascontiguousarray(dy)
    n = x.size // k if k else 0
    dx = output_for(dy, dx_out) if need_dx else np.empty((0, k), x.dtype)  # not written
    bsum = np.zeros((-(-n // ROWS), k))
    if x.size:
        _prelu_bwd(x.reshape(n, k), np.ascontiguousarray(alpha, x.dtype).reshape(-1),
                   dy.reshape(n, k), ROWS, bsum, dx.reshape(-1, k), need_dx)
    dalpha = bsum.sum(axis=0).astype(x.dtype).reshape(alpha_shape)
    return (deliver(dx, dx_out) if need_dx else None), dalpha


def relu_general_forward(x, max_value, negative_slope, threshold, out=None):
    """The general ReLU's output: cap, slope and threshold (equations: nnlite.layers.ReLU)."""
    checks.relu_general_forward(x, max_value, negative_slope, threshold, out)
    if not same_float_dtype(x):
        return ref.relu_general_forward(x, max_value, negative_slope, threshold, out)
    return elementwise(_relu_general_fwd, out, (x,),
                       *_relu_args(x.dtype, max_value, negative_slope, threshold))


def relu_general_backward(x, dy, max_value, negative_slope, threshold, out=None):
    """The general ReLU's gradient (equations: nnlite.layers.ReLU)."""
    checks.relu_general_backward(x, dy, max_value, negative_slope, threshold, out)
    if not same_float_dtype(x, dy) or dy.shape != x.shape:
        return ref.relu_general_backward(x, dy, max_value, negative_slope, threshold, out)
    return elementwise(_relu_general_bwd, out, (x, dy),
                       *_relu_args(x.dtype, max_value, negative_slope, threshold))


def rrelu_forward(x, seed, step, lower, upper, out=None):
    """RReLU's output with slopes drawn from (seed, step) (equations: nnlite.layers.RReLU)."""
    checks.rrelu_forward(x, seed, step, lower, upper, out)
    if not same_float_dtype(x):
        return ref.rrelu_forward(x, seed, step, lower, upper, out)
    return elementwise(_rrelu_fwd, out, (x,), *_rrelu_args(seed, step, lower, upper))


def rrelu_backward(x, dy, seed, step, lower, upper, out=None):
    """RReLU's gradient, the slopes drawn again from (seed, step) (nnlite.layers.RReLU)."""
    checks.rrelu_backward(x, dy, seed, step, lower, upper, out)
    if not same_float_dtype(x, dy) or dy.shape != x.shape:
        return ref.rrelu_backward(x, dy, seed, step, lower, upper, out)
    return elementwise(_rrelu_bwd, out, (x, dy), *_rrelu_args(seed, step, lower, upper))


def _relu_args(dtype, max_value, negative_slope, threshold):
    """(cap, has_cap, s, t) as scalars of ``dtype`` (cap unused without a cap)."""
    t = dtype.type
    has_cap = max_value is not None
    return t(max_value if has_cap else 0.0), has_cap, t(negative_slope), t(threshold)


def _rrelu_args(seed, step, lower, upper):
    """(key, lower, width) with width = upper − lower in float64, as the reference computes."""
    return np.uint64(dropout_key(seed, step)), float(lower), float(upper) - float(lower)

