"""CUDA activation kernels: φ with its bias, and δ ⊙ φ' with its bias sum (grid-stride).

The public kernels ``activation_forward`` and ``activation_backward`` (the
reference's names and signatures, host arrays; the equations:
:mod:`nnlite.activations`) check their arguments (``host_side/activations.py``)
and call the launchers ``bias_act_2d`` and ``act_grad_2d`` (``dense.py`` uses
them too), which take NumPy arrays (copied to the device and back) or device
arrays (used in place).  Every φ is computed on the device, softmax one thread per row.
GELU, Swish and Mish read φ' from the pre-activation z, passed in place of a
(``activation_codes.derivative_input``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from .. import activation_codes as codes
from .. import checks
from ..host_side import activations as host
from ..reference.activations import (
    GELU_TANH_CUBIC,
    GELU_TANH_SCALE,
    INV_SQRT_2PI,
    SELU_ALPHA,
    SELU_SCALE,
    SQRT_HALF,
)
from ._device import dmax
from ._launch import device_empty, launcher, no_array, on_device


@cuda.jit(device=True)
def sigmoid(z):
    """The sigmoid σ(z) without overflow (the reference's form)."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@cuda.jit(device=True)
def gelu_tanh(z):
    """The tanh term t of GELU's approximation (:class:`nnlite.activations.GeluActivation`)."""
    return math.tanh(GELU_TANH_SCALE * (z + GELU_TANH_CUBIC * z * z * z))


@cuda.jit(device=True)
def phi_smooth(z, code):
    """φ(z) of gelu, gelu_approximate, swish and mish (:mod:`nnlite.activations`)."""
    if code == codes.GELU:
        return z * (0.5 * math.erfc(-z * SQRT_HALF))
    if code == codes.GELU_TANH:
        return 0.5 * z * (1.0 + gelu_tanh(z))
    if code == codes.SWISH:
        return z * sigmoid(z)
    return z * math.tanh(dmax(z, 0.0) + math.log1p(math.exp(-abs(z))))  # mish


@cuda.jit(device=True)
def dphi_smooth(z, code):
    """φ'(z) of gelu, gelu_approximate, swish and mish, from the pre-activation z."""
    if code == codes.GELU:
        return 0.5 * math.erfc(-z * SQRT_HALF) + z * INV_SQRT_2PI * math.exp(-0.5 * z * z)
    if code == codes.GELU_TANH:
        t = gelu_tanh(z)
        return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_TANH_SCALE * (
            1.0 + 3.0 * GELU_TANH_CUBIC * z * z)
    if code == codes.SWISH:
        s = sigmoid(z)
        return s * (1.0 + z * (1.0 - s))
    t = math.tanh(dmax(z, 0.0) + math.log1p(math.exp(-abs(z))))  # mish
    return t + z * sigmoid(z) * (1.0 - t * t)


@cuda.jit(device=True)
def phi(z, code, alpha):
    """φ(z) for one value."""
    if code == codes.RELU:
        return z if z > 0 else 0.0 * z
    if code == codes.SIGMOID:
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)
    if code == codes.TANH:
        return math.tanh(z)
    if code == codes.SOFTPLUS:
        return dmax(z, 0.0) + math.log1p(math.exp(-abs(z)))
    if code == codes.ELU:
        return z if z > 0 else alpha * math.expm1(z)
    if code == codes.SELU:
        return SELU_SCALE * (z if z > 0 else SELU_ALPHA * math.expm1(z))
    if code == codes.LEAKY:
        return z if z > 0 else alpha * z
    if code >= codes.GELU:
        return phi_smooth(z, code)
    return z


@cuda.jit(device=True)
def dphi(a, code, alpha):
    """φ'(z) from the output a (gelu, swish, mish: ``a`` is z itself)."""
    if code == codes.RELU:
        return 1.0 if a > 0 else 0.0
    if code == codes.SIGMOID:
        return a * (1.0 - a)
    if code == codes.TANH:
        return 1.0 - a * a
    if code == codes.SOFTPLUS:
        return -math.expm1(-a)
    if code == codes.ELU:
        return 1.0 if a > 0 else a + alpha
    if code == codes.SELU:
        return SELU_SCALE if a > 0 else a + SELU_SCALE * SELU_ALPHA
    if code == codes.LEAKY:
        return 1.0 if a > 0 else alpha
    if code >= codes.GELU:
        return dphi_smooth(a, code)
    return 1.0


@cuda.jit
def _bias_act(z, b, out, code, alpha):
    """φ of z + b elementwise (softmax rows: one thread per row)."""
    n, k = z.shape
    has_b = b.shape[0] > 0
    start, stride = cuda.grid(1), cuda.gridsize(1)
    if code == codes.SOFTMAX:
        for i in range(start, n, stride):
            zmax = -math.inf
            for j in range(k):
                v = z[i, j] + (b[j] if has_b else 0.0)
                out[i, j] = v
                zmax = dmax(zmax, v)
            s = 0.0
            for j in range(k):
                e = math.exp(out[i, j] - zmax)
                out[i, j] = e
                s += e
            for j in range(k):
                out[i, j] = out[i, j] / s
        return
    for idx in range(start, n * k, stride):
        i, j = idx // k, idx % k
        out[i, j] = phi(z[i, j] + (b[j] if has_b else 0.0), code, alpha)


@cuda.jit
def _act_grad(a, delta, g, code, alpha):
    """δ ⊙ φ' elementwise (softmax: per row; gelu, swish, mish: a holds z)."""
    n, k = a.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    if code == codes.SOFTMAX:
        for i in range(start, n, stride):
            dot = 0.0
            for j in range(k):
                dot += delta[i, j] * a[i, j]
            for j in range(k):
                g[i, j] = a[i, j] * (delta[i, j] - dot)
        return
    for idx in range(start, n * k, stride):
        i, j = idx // k, idx % k
        g[i, j] = delta[i, j] if code == codes.LINEAR else delta[i, j] * dphi(a[i, j], code, alpha)


@cuda.jit
def _col_sum(g, db):
    """The column sums of g into db (one thread per column)."""
    n, k = g.shape
    for j in range(cuda.grid(1), k, cuda.gridsize(1)):
        s = 0.0
        for i in range(n):
            s += g[i, j]
        db[j] = s


@cuda.jit
def _act_grad_col_sum(a, delta, g, db, code, alpha):
    """δ ⊙ φ' into g and its column sums into db, one thread per column (not softmax)."""
    n, k = a.shape
    for j in range(cuda.grid(1), k, cuda.gridsize(1)):
        s = 0.0
        for i in range(n):
            v = delta[i, j] if code == codes.LINEAR else delta[i, j] * dphi(a[i, j], code, alpha)
            g[i, j] = v
            s += g[i, j]  # the stored (rounded) value, as _col_sum sums it
        db[j] = s


_bias_act_ll = launcher(_bias_act, (2,), lambda z, *_: z.size)
_act_grad_ll = launcher(_act_grad, (2,), lambda a, *_: a.size)
_col_sum_ll = launcher(_col_sum, (1,), lambda g, db: db.size)
_act_grad_col_sum_ll = launcher(_act_grad_col_sum, (2, 3), lambda a, d, g, db, *_: db.size)


def bias_act_2d(z, b, out, code, alpha):
    """φ of z + b (b empty: no bias; α passed as a Python float); softmax one thread per row."""
    _bias_act_ll(z, b, out, code, float(alpha))


def act_grad_2d(a, delta, g, db, code, alpha):
    """δ ⊙ φ' into g, and its column sums into db when db is non-empty (one launch
    for both, except softmax, whose rows need a launch of their own)."""
    if db.shape[0] and code != codes.SOFTMAX:
        _act_grad_col_sum_ll(a, delta, g, db, code, alpha)
        return
    _act_grad_ll(a, delta, g, code, alpha)
    if db.shape[0]:
        _col_sum_ll(g, db)


def activation_forward(z: np.ndarray, act: str, alpha: float = 0.0,
                       out: np.ndarray | None = None) -> np.ndarray:
    """The activation φ elementwise (softmax: along the last axis), on the device."""
    if on_device(z):  # device in, device out (2-D, as Dense passes it)
        checks.activation_forward(z, act, alpha, out)
        out = device_empty(z.shape, z.dtype) if out is None else out
        if z.size:
            bias_act_2d(z, no_array(z.dtype), out, codes.act_code(act), alpha)
        return out
    return host.activation_forward(z, act, alpha, out, bias_act=bias_act_2d)


def activation_backward(a: np.ndarray, delta: np.ndarray, act: str, alpha: float = 0.0,
                        out: np.ndarray | None = None, z: np.ndarray | None = None
                        ) -> np.ndarray:
    """The gradient δ ⊙ φ' from the output a (from ``z`` for gelu, swish, mish), on the device."""
    return host.activation_backward(a, delta, act, alpha, out, z, act_grad=act_grad_2d)
