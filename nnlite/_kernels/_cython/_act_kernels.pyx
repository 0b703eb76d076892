# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Low-level fused activation kernels (2-D, C-contiguous), float32 / float64.

bias_act_2d:  out[i, j] = φ(z[i, j] + b[j])   (softmax: per row)
act_grad_2d:  g = δ ⊙ φ'(a),  db[j] = Σ_i g[i, j]  (db empty: skipped;
              gelu, swish, mish: ``a`` holds the pre-activation z)
Rows are split over OpenMP threads when the array is large.
"""
from cython.parallel cimport prange
from libc.math cimport exp
from ._act cimport real, phi, dphi, SOFTMAX, LINEAR
import numpy as np

cdef Py_ssize_t PARALLEL_MIN = 1 << 16


cdef void _softmax_row(const real[:, ::1] z, const real[::1] b, real[:, ::1] out, Py_ssize_t i,
                       bint has_b) noexcept nogil:
    cdef Py_ssize_t j, k = z.shape[1]
    cdef double v, zmax = -1e308, s = 0.0, inv
    for j in range(k):
        v = z[i, j] + (b[j] if has_b else 0.0)
        out[i, j] = <real>v
        if v > zmax:
            zmax = v
    for j in range(k):
        v = exp(out[i, j] - zmax)
        out[i, j] = <real>v
        s += v
    inv = 1.0 / s
    for j in range(k):
        out[i, j] = <real>(out[i, j] * inv)


def bias_act_2d(const real[:, ::1] z, const real[::1] b, real[:, ::1] out, int code, double alpha):
    cdef Py_ssize_t i, j, n = z.shape[0], k = z.shape[1]
    cdef bint has_b = b.shape[0] > 0
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n * k > PARALLEL_MIN):
        if code == SOFTMAX:
            _softmax_row(z, b, out, i, has_b)
        elif has_b:
            for j in range(k):
                out[i, j] = <real>phi(z[i, j] + b[j], code, alpha)
        else:
            for j in range(k):
                out[i, j] = <real>phi(z[i, j], code, alpha)


def act_grad_2d(const real[:, ::1] a, const real[:, ::1] delta, real[:, ::1] g, real[::1] db,
                int code, double alpha):
    cdef Py_ssize_t i, j, n = a.shape[0], k = a.shape[1]
    cdef double dot
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n * k > PARALLEL_MIN):
        if code == SOFTMAX:
            dot = 0.0
            for j in range(k):
                dot = dot + delta[i, j] * a[i, j]
            for j in range(k):
                g[i, j] = <real>(a[i, j] * (delta[i, j] - dot))
        elif code == LINEAR:
            for j in range(k):
                g[i, j] = delta[i, j]
        else:
            for j in range(k):
                g[i, j] = <real>(delta[i, j] * dphi(a[i, j], code, alpha))
    if db.shape[0] == 0:
        return
    cdef double[::1] acc = np.zeros(k)
    with nogil:
        for i in range(n):
            for j in range(k):
                acc[j] += g[i, j]
        for j in range(k):
            db[j] = <real>acc[j]
