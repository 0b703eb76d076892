# Shared scalar activation functions φ(z) and φ'(a) for the Cython kernels.
from libc.math cimport exp, expm1, log1p, tanh, fabs

ctypedef fused real:
    float
    double

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

cdef extern from *:
    """
    #define NNLITE_SELU_ALPHA 1.6732632423543772848170429916717
    #define NNLITE_SELU_SCALE 1.0507009873554804934193349852946
    """
    const double SELU_ALPHA "NNLITE_SELU_ALPHA"
    const double SELU_SCALE "NNLITE_SELU_SCALE"


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
    return z


cdef inline double dphi(double a, int code, double alpha) noexcept nogil:
    """φ'(z) written with the output a = φ(z)."""
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
    return 1.0
