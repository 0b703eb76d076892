# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython activation kernels: φ with its bias, and δ ⊙ φ' with its bias sum, float32 / float64.

The public kernels ``activation_forward`` and ``activation_backward`` (the
reference's names and signatures; the equations: :mod:`nnlite.activations`)
check their arguments (``host_side/activations.py``) and hand 2-D
C-contiguous views to the typed loops ``bias_act_2d`` and ``act_grad_2d``
(``dense.pyx`` uses them too), whose rows are split over OpenMP threads when
the array is large.  φ and φ' of one value are the ``cdef inline`` functions
below; elu, selu, sigmoid and tanh are applied by NumPy's ufuncs after a
linear pass (``vector_phi.py``: the C compiler has no SIMD exp here).  For
gelu, swish and mish the backward loop reads φ' from the pre-activation z,
passed in place of a.
"""
from cython.parallel cimport prange
from libc.math cimport erfc, exp, expm1, log1p, tanh, fabs

import numpy as np

from nnlite._kernels.host_side import activations as host
from nnlite._kernels.vector_phi import VECTOR_PHI, vector_phi_

from ._floats cimport real

cdef Py_ssize_t PARALLEL_MIN = 1 << 16


# The scalar activation functions φ(z) and φ'(a) of the loops below (gelu, swish,
# mish: φ'(z), with z passed in place of a).  The activation codes and constants
# are C copies of ``activation_codes.py`` and ``reference/activations.py``;
# tests/test_kernels_registry.py checks that they are equal.
cdef enum:
    LINEAR = 0
    RELU = 1
    SIGMOID = 2
    TANH = 3
    SOFTMAX = 4
    SOFTPLUS = 5
    ELU = 6
    SELU = 7
    LEAKY = 8
    GELU = 9
    GELU_TANH = 10
    SWISH = 11
    MISH = 12

cdef extern from *:
    """
    #define NNLITE_SELU_ALPHA 1.6732632423543772848170429916717
    #define NNLITE_SELU_SCALE 1.0507009873554804934193349852946
    #define NNLITE_GELU_TANH_SCALE 0.7978845608028654
    #define NNLITE_GELU_TANH_CUBIC 0.044715
    #define NNLITE_SQRT_HALF 0.7071067811865476
    #define NNLITE_INV_SQRT_2PI 0.3989422804014327
    """
    const double SELU_ALPHA "NNLITE_SELU_ALPHA"
    const double SELU_SCALE "NNLITE_SELU_SCALE"
    const double GELU_TANH_SCALE "NNLITE_GELU_TANH_SCALE"  # √(2/π)
    const double GELU_TANH_CUBIC "NNLITE_GELU_TANH_CUBIC"
    const double SQRT_HALF "NNLITE_SQRT_HALF"  # 1/√2
    const double INV_SQRT_2PI "NNLITE_INV_SQRT_2PI"  # 1/√(2π)


cdef inline double sigmoid(double z) noexcept nogil:
    """The sigmoid σ(z) without overflow (the reference's form)."""
    cdef double e
    if z >= 0:
        return 1.0 / (1.0 + exp(-z))
    e = exp(z)
    return e / (1.0 + e)


cdef inline double gelu_tanh(double z) noexcept nogil:
    """The tanh term t of GELU's approximation (:class:`nnlite.activations.GeluActivation`)."""
    return tanh(GELU_TANH_SCALE * (z + GELU_TANH_CUBIC * z * z * z))


cdef inline double softplus(double z) noexcept nogil:
    """softplus(z) without overflow: max(z, 0) + log1p(e^{−|z|})."""
    return (z if z > 0 else 0.0) + log1p(exp(-fabs(z)))


cdef inline double phi_smooth(double z, int code) noexcept nogil:
    """φ(z) of gelu, gelu_approximate, swish and mish (:mod:`nnlite.activations`)."""
    if code == GELU:
        return z * (0.5 * erfc(-z * SQRT_HALF))
    if code == GELU_TANH:
        return 0.5 * z * (1.0 + gelu_tanh(z))
    if code == SWISH:
        return z * sigmoid(z)
    return z * tanh(softplus(z))  # mish


cdef inline double dphi_smooth(double z, int code) noexcept nogil:
    """φ'(z) of gelu, gelu_approximate, swish and mish, from the pre-activation z."""
    cdef double t, s
    if code == GELU:
        return 0.5 * erfc(-z * SQRT_HALF) + z * INV_SQRT_2PI * exp(-0.5 * z * z)
    if code == GELU_TANH:
        t = gelu_tanh(z)
        return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_TANH_SCALE * (
            1.0 + 3.0 * GELU_TANH_CUBIC * z * z)
    if code == SWISH:
        s = sigmoid(z)
        return s * (1.0 + z * (1.0 - s))
    t = tanh(softplus(z))  # mish
    return t + z * sigmoid(z) * (1.0 - t * t)


cdef inline double phi(double z, int code, double alpha) noexcept nogil:
    """φ(z) for one value."""
    cdef double e
    if code == RELU:
        return z if z > 0 else 0.0 * z
    if code == SIGMOID:
        if z >= 0:
            return 1.0 / (1.0 + exp(-z))
        e = exp(z)
        return e / (1.0 + e)
    if code == TANH:
        return tanh(z)
    if code == SOFTPLUS:
        return (z if z > 0 else 0.0) + log1p(exp(-fabs(z)))
    if code == ELU:
        return z if z > 0 else alpha * expm1(z)
    if code == SELU:
        return SELU_SCALE * (z if z > 0 else SELU_ALPHA * expm1(z))
    if code == LEAKY:
        return z if z > 0 else alpha * z
    if code >= GELU:
        return phi_smooth(z, code)
    return z


cdef inline double dphi(double a, int code, double alpha) noexcept nogil:
    """φ'(z) written with the output a = φ(z) (gelu, swish, mish: ``a`` is z itself)."""
    if code == RELU:
        return 1.0 if a > 0 else 0.0
    if code == SIGMOID:
        return a * (1.0 - a)
    if code == TANH:
        return 1.0 - a * a
    if code == SOFTPLUS:
        return -expm1(-a)
    if code == ELU:
        return 1.0 if a > 0 else a + alpha
    if code == SELU:
        return SELU_SCALE if a > 0 else a + SELU_SCALE * SELU_ALPHA
    if code == LEAKY:
        return 1.0 if a > 0 else alpha
    if code >= GELU:
        return dphi_smooth(a, code)
    return 1.0


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


cdef inline void _phi_row(const real[:, ::1] z, const real[::1] b, real[:, ::1] out,
                          Py_ssize_t i, bint has_b, int code, double alpha) noexcept nogil:
    """Row i of φ(z + b)."""
    cdef Py_ssize_t j, k = z.shape[1]
    if has_b:
        for j in range(k):
            out[i, j] = <real>phi(z[i, j] + b[j], code, alpha)
    else:
        for j in range(k):
            out[i, j] = <real>phi(z[i, j], code, alpha)


cdef inline void _dphi_row(const real[:, ::1] a, const real[:, ::1] delta, real[:, ::1] g,
                           Py_ssize_t i, int code, double alpha) noexcept nogil:
    """Row i of δ ⊙ φ'(a)."""
    cdef Py_ssize_t j, k = a.shape[1]
    for j in range(k):
        g[i, j] = <real>(delta[i, j] * dphi(a[i, j], code, alpha))


# ReLU, the most common case, calls the row functions with the constant code RELU:
# the C compiler then drops φ's other branches and vectorizes the row (2× faster).
def bias_act_2d(const real[:, ::1] z, const real[::1] b, real[:, ::1] out, int code, double alpha):
    cdef Py_ssize_t i, n = z.shape[0], k = z.shape[1]
    cdef bint has_b = b.shape[0] > 0
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n * k > PARALLEL_MIN):
        if code == SOFTMAX:
            _softmax_row(z, b, out, i, has_b)
        elif code == RELU:
            _phi_row(z, b, out, i, has_b, RELU, alpha)
        else:
            _phi_row(z, b, out, i, has_b, code, alpha)


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
        elif code == RELU:
            _dphi_row(a, delta, g, i, RELU, alpha)
        else:
            _dphi_row(a, delta, g, i, code, alpha)
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
    return host.activation_forward(z, act, alpha, out, bias_act=bias_act)


def activation_backward(a, delta, act, alpha=0.0, out=None, z=None):
    """The gradient δ ⊙ φ' from the output a (from ``z`` for gelu, swish, mish)."""
    return host.activation_backward(a, delta, act, alpha, out, z, act_grad=act_grad_2d)
