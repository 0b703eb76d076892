# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython activation kernels: φ with its bias, and δ ⊙ φ' with its bias sum, float32 / float64.

The public kernels ``activation_forward`` and ``activation_backward`` (the
reference's names and signatures; the equations: :mod:`nnlite.activations`)
check their arguments and hand 2-D C-contiguous views to the typed loops
``bias_act_2d`` and ``act_grad_2d`` (``dense.pyx`` uses them too), whose
rows are split over OpenMP threads when the array is large.  φ and φ' of one
value are in ``_act.pxd``; elu, selu, sigmoid and tanh are applied by
NumPy's ufuncs after a linear pass (``vector_phi.py``: the C compiler has
no SIMD exp here).  For gelu, swish and mish the backward loop reads φ'
from the pre-activation z, passed in place of a.
"""
from cython.parallel cimport prange
from libc.math cimport exp

import numpy as np

from nnlite._kernels import checks
from nnlite._kernels.activation_codes import act_code, derivative_input
from nnlite._kernels.host_arrays import as2d, output_2d
from nnlite._kernels.vector_phi import VECTOR_PHI, vector_phi_

from ._act cimport SOFTMAX, LINEAR, dphi, phi
from ._floats cimport real

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


def bias_act(z2, bias, out2, int code, alpha):
    """out2 = φ(z2 + bias) for 2-D C-contiguous arrays (bias empty: none).

    Elu, selu, sigmoid and tanh: a linear pass here, then NumPy's ufuncs.
    """
    if code in VECTOR_PHI:
        bias_act_2d(z2, bias, out2, LINEAR, 0.0)
        vector_phi_(out2, code, alpha)
    else:
        bias_act_2d(z2, bias, out2, code, float(alpha))


def activation_forward(z, act, alpha=0.0, out=None):
    """The activation φ elementwise (softmax: along the last axis), in one fused pass."""
    checks.activation_forward(z, act, alpha, out)
    code = act_code(act)
    out, work = output_2d(z.shape, z.dtype, out)
    if z.size:
        z2 = as2d(z)
        bias_act(z2, z2[0, :0], work, code, alpha)
        if not np.shares_memory(work, out):
            out[...] = work.reshape(z.shape)
    return out


def activation_backward(a, delta, act, alpha=0.0, out=None, z=None):
    """The gradient δ ⊙ φ' from the output a (from ``z`` for gelu, swish, mish)."""
    checks.activation_backward(a, delta, act, alpha, out, z)
    code = act_code(act)
    out, work = output_2d(delta.shape, a.dtype, out)
    if delta.size:
        a2 = as2d(derivative_input(a, z, code))
        d2 = as2d(delta.astype(a.dtype, copy=False))
        act_grad_2d(a2, d2, work, d2[0, :0], code, float(alpha))
        if not np.shares_memory(work, out):
            out[...] = work.reshape(delta.shape)
    return out
