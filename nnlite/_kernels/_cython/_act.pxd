# The scalar activation functions φ(z) and φ'(a) of the Cython loops (gelu,
# swish, mish: φ'(z), with z passed in place of a).  The activation codes
# and constants are C copies of ``activation_codes.py`` and
# ``reference/activations.py``; tests/test_kernels_registry.py checks that
# they are equal.
from libc.math cimport erfc, exp, expm1, log1p, tanh, fabs

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
