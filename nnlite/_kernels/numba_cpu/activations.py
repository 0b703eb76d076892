r"""Numba activation kernels: a = φ(z + b) and g = δ ⊙ φ'(a), one fused pass.

The loops are serial: around a GEMM they are a small fraction of the time,
and a serial loop needs no thread wake-up (see DESIGN: no BLAS inside
``parallel=True``).  φ' is written in terms of the output a, as in the
reference.
"""

from __future__ import annotations

import math

import numpy as np

from .._common import (
    ELU,
    LEAKY,
    LINEAR,
    RELU,
    SELU,
    SIGMOID,
    SOFTMAX,
    SOFTPLUS,
    TANH,
)
from ..reference.activations import SELU_ALPHA, SELU_SCALE
from ._jit import jit


@jit()
def _phi(z, code, alpha):
    """φ(z) for one value (code from ``_common.ACT_CODE``)."""
    if code == RELU:
        return z if z > 0 else 0.0 * z
    if code == SIGMOID:
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)
    if code == TANH:
        return math.tanh(z)
    if code == SOFTPLUS:  # log(1 + e^z) = max(z, 0) + log1p(e^{-|z|})
        return max(z, 0.0) + math.log1p(math.exp(-abs(z)))
    if code == ELU:
        return z if z > 0 else alpha * math.expm1(z)
    if code == SELU:
        return SELU_SCALE * (z if z > 0 else SELU_ALPHA * math.expm1(z))
    if code == LEAKY:
        return z if z > 0 else alpha * z
    return z  # linear


@jit()
def _dphi(a, code, alpha):
    """φ'(z) written with the output a = φ(z)."""
    if code == RELU:
        return 1.0 if a > 0 else 0.0
    if code == SIGMOID:
        return a * (1.0 - a)
    if code == TANH:
        return 1.0 - a * a
    if code == SOFTPLUS:
        return -math.expm1(-a)
    if code == ELU:
        return 1.0 if a > 0 else a + alpha
    if code == SELU:
        return SELU_SCALE if a > 0 else a + SELU_SCALE * SELU_ALPHA
    if code == LEAKY:
        return 1.0 if a > 0 else alpha
    return 1.0


@jit()
def _act_row(v, code, alpha):
    """v ← φ(v) in place for one row.  The cheap activations get their own loop
    (no per-element switch on ``code``), which LLVM vectorizes."""
    k = v.shape[0]
    if code == RELU:
        for j in range(k):
            v[j] = v[j] if v[j] > 0 else 0.0 * v[j]
    elif code == LEAKY:
        for j in range(k):
            v[j] = v[j] if v[j] > 0 else alpha * v[j]
    elif code != LINEAR:
        for j in range(k):
            v[j] = _phi(v[j], code, alpha)


@jit()
def _grad_row(a, d, g, code, alpha):
    """g = δ ⊙ φ'(a) for one row (cheap activations: a loop each, as in ``_act_row``)."""
    k = a.shape[0]
    if code == RELU:
        for j in range(k):
            g[j] = d[j] if a[j] > 0 else 0.0 * d[j]
    elif code == LEAKY:
        for j in range(k):
            g[j] = d[j] * (1.0 if a[j] > 0 else alpha)
    elif code == LINEAR:
        for j in range(k):
            g[j] = d[j]
    elif code == SOFTMAX:
        dot = 0.0
        for j in range(k):
            dot += d[j] * a[j]
        for j in range(k):
            g[j] = a[j] * (d[j] - dot)
    else:
        for j in range(k):
            g[j] = d[j] * _dphi(a[j], code, alpha)


@jit()
def _softmax_row(z, b, out, has_b):
    k = z.shape[0]
    zmax = -np.inf
    for j in range(k):
        v = z[j] + (b[j] if has_b else 0.0)
        out[j] = v
        zmax = max(zmax, v)
    s = 0.0
    for j in range(k):
        e = math.exp(out[j] - zmax)
        out[j] = e
        s += e
    inv = 1.0 / s
    for j in range(k):
        out[j] *= inv


@jit()
def bias_act_2d(z, b, out, code, alpha):
    """out[i, j] = φ(z[i, j] + b[j]) (b may be empty: no bias); softmax per row."""
    n, k = z.shape
    has_b = b.shape[0] > 0
    for i in range(n):
        zi, oi = z[i], out[i]
        if code == SOFTMAX:
            _softmax_row(zi, b, oi, has_b)
            continue
        if has_b:
            for j in range(k):
                oi[j] = zi[j] + b[j]
        else:
            for j in range(k):
                oi[j] = zi[j]
        _act_row(oi, code, alpha)


@jit()
def act_grad_2d(a, delta, g, db, code, alpha):
    """g = δ ⊙ φ'(a) (softmax: a(δ − Σδa) per row); db[j] = Σ_i g[i, j] if db non-empty."""
    n, k = a.shape
    want_db = db.shape[0] > 0
    acc = np.zeros(k if want_db else 0, dtype=np.float64)
    for i in range(n):
        gi = g[i]
        _grad_row(a[i], delta[i], gi, code, alpha)
        if want_db:
            for j in range(k):
                acc[j] += gi[j]
    for j in range(acc.shape[0]):
        db[j] = acc[j]
