r"""Numba activation kernels: φ with its bias, and δ ⊙ φ' with its bias sum, one fused pass.

The public kernels ``activation_forward`` and ``activation_backward`` (the
reference's names and signatures; the equations: :mod:`nnlite.activations`)
check their arguments (``host_side/activations.py``) and hand 2-D
C-contiguous views to the loops ``bias_act_2d`` and ``act_grad_2d``, which
``dense.py`` uses too.

The loops are serial: around a GEMM they are a small fraction of the time,
and a serial loop needs no thread wake-up (see DESIGN: no BLAS inside
``parallel=True``).  φ' is written in terms of the output a, as in the
reference.  ELU and SELU use a branch-free e^x − 1 (:func:`_expm1_nonpos`)
instead of libm's scalar ``expm1``, so their loops vectorize too; sigmoid
and tanh are applied by NumPy's ufuncs after a linear pass
(``vector_phi.py``).  GELU, Swish and Mish read φ' from the pre-activation
z, passed in place of a (``activation_codes.derivative_input``); their φ
and φ' are scalar libm calls (erfc, exp, tanh, log1p).
"""

from __future__ import annotations

import math

import numpy as np

from .. import activation_codes as codes
from ..host_side import activations as host
from ..reference.activations import (
    GELU_TANH_CUBIC,
    GELU_TANH_SCALE,
    INV_SQRT_2PI,
    SELU_ALPHA,
    SELU_SCALE,
    SQRT_HALF,
)
from ..vector_phi import vector_phi_
from ._jit import jit


@jit()
def _sigmoid(z):
    """The sigmoid σ(z) without overflow (the reference's form)."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@jit()
def _gelu_tanh(z):
    """The tanh term t of GELU's approximation (:class:`nnlite.activations.GeluActivation`)."""
    return math.tanh(GELU_TANH_SCALE * (z + GELU_TANH_CUBIC * z * z * z))


@jit()
def _phi_smooth(z, code):
    """φ(z) of gelu, gelu_approximate, swish and mish (:mod:`nnlite.activations`)."""
    if code == codes.GELU:
        return z * (0.5 * math.erfc(-z * SQRT_HALF))
    if code == codes.GELU_TANH:
        return 0.5 * z * (1.0 + _gelu_tanh(z))
    if code == codes.SWISH:
        return z * _sigmoid(z)
    return z * math.tanh(max(z, 0.0) + math.log1p(math.exp(-abs(z))))  # mish


@jit()
def _dphi_smooth(z, code):
    """φ'(z) of gelu, gelu_approximate, swish and mish, from the pre-activation z."""
    if code == codes.GELU:
        return 0.5 * math.erfc(-z * SQRT_HALF) + z * INV_SQRT_2PI * math.exp(-0.5 * z * z)
    if code == codes.GELU_TANH:
        t = _gelu_tanh(z)
        return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_TANH_SCALE * (
            1.0 + 3.0 * GELU_TANH_CUBIC * z * z)
    if code == codes.SWISH:
        s = _sigmoid(z)
        return s * (1.0 + z * (1.0 - s))
    t = math.tanh(max(z, 0.0) + math.log1p(math.exp(-abs(z))))  # mish
    return t + z * _sigmoid(z) * (1.0 - t * t)


@jit()
def _phi(z, code, alpha):
    """φ(z) for one value (code from ``activation_codes``)."""
    if code == codes.RELU:
        return z if z > 0 else 0.0 * z
    if code == codes.SIGMOID:
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)
    if code == codes.TANH:
        return math.tanh(z)
    if code == codes.SOFTPLUS:  # log(1 + e^z) = max(z, 0) + log1p(e^{-|z|})
        return max(z, 0.0) + math.log1p(math.exp(-abs(z)))
    if code == codes.ELU:
        return z if z > 0 else alpha * math.expm1(z)
    if code == codes.SELU:
        return SELU_SCALE * (z if z > 0 else SELU_ALPHA * math.expm1(z))
    if code == codes.LEAKY:
        return z if z > 0 else alpha * z
    if code >= codes.GELU:
        return _phi_smooth(z, code)
    return z  # linear


@jit()
def _dphi(a, code, alpha):
    """φ'(z) written with the output a = φ(z) (gelu, swish, mish: ``a`` is z itself)."""
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
        return _dphi_smooth(a, code)
    return 1.0


@jit()
def _grad_row(a, d, g, code, alpha):
    """δ ⊙ φ' for one row: softmax (a Jacobian-vector product) and the rest."""
    k = a.shape[0]
    if code == codes.SOFTMAX:
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


# ln 2 = LN2_HI + LN2_LO with LN2_HI = 355/512 (9 bits: k·LN2_HI is exact in float32
# and float64 for |k| < 2¹⁵), the classic Cody–Waite split.
LN2_HI = 0.693359375
LN2_LO = -2.1219444005469058277e-4
INV_LN2 = 1.4426950408889634074


@jit(fastmath={"contract"})
def _expm1_nonpos(x, like):
    r"""e^x − 1 for x ≤ 0 in the dtype of the array ``like``, without libm.

    The libm call is scalar (8–16 ns per element here, no SVML); this form
    vectorizes (256×300 float32 ELU with bias, in place: 0.53 ms → 0.03 ms).
    x = k ln2 + r with |r| ≤ ln2/2; e^r − 1 by its Taylor series to r¹³ (Horner; truncation
    < 1e-17 relative); then e^x − 1 = 2^k (e^r − 1) + (2^k − 1), with
    2^k = 1/(1 ≪ −k) exact (below x = −40, e^x − 1 rounds to −1 in float32
    and float64, so −k ≤ 58).  Error ≤ 2 ulp (float32), ≤ 3e-16 relative
    (float64).
    """
    dt = like.dtype.type
    one = dt(1.0)
    x = max(x, dt(-40.0))
    k = np.floor(x * dt(INV_LN2) + dt(0.5))
    r = (x - k * dt(LN2_HI)) - k * dt(LN2_LO)
    p = dt(1.0 / 6227020800.0)
    p = p * r + dt(1.0 / 479001600.0)
    p = p * r + dt(1.0 / 39916800.0)
    p = p * r + dt(1.0 / 3628800.0)
    p = p * r + dt(1.0 / 362880.0)
    p = p * r + dt(1.0 / 40320.0)
    p = p * r + dt(1.0 / 5040.0)
    p = p * r + dt(1.0 / 720.0)
    p = p * r + dt(1.0 / 120.0)
    p = p * r + dt(1.0 / 24.0)
    p = p * r + dt(1.0 / 6.0)
    p = p * r + dt(0.5)
    em = r + r * r * p
    two_k = one / dt(np.int64(1) << np.int64(-k))
    return two_k * em + (two_k - one)


# The forward kernels below compute each row into a fresh buffer and then copy
# it: the dense layer calls them in place (z is out), and LLVM does not
# vectorize a loop whose load and store may alias (in place: ELU 12× slower).
# One function (one row loop) per activation family: with all of them in one
# loop nest LLVM vectorized none (ReLU 3× slower).

@jit(fastmath={"contract"})
def _piecewise_rows(z, b, out, has_b, hi, lo, elu):
    """out = v if v > 0 else lo·v, v = z + b; with ``elu``: hi·v above 0, lo·(e^v − 1) below.

    relu (lo 0), leaky_relu (α), linear (1); elu (hi 1, lo α), selu (λ, λα_s).
    """
    dt = out.dtype.type
    zero, hi, lo = dt(0.0), dt(hi), dt(lo)
    n, k = z.shape
    row = np.empty(k, dtype=out.dtype)
    for i in range(n):
        zi, oi = z[i], out[i]
        if elu:  # the branch outside the loops over j, so that each vectorizes
            for j in range(k):
                v = zi[j] + (b[j] if has_b else zero)
                e = lo * _expm1_nonpos(min(v, zero), out)
                row[j] = hi * v if v > zero else e
        else:
            for j in range(k):
                v = zi[j] + (b[j] if has_b else zero)
                row[j] = v if v > zero else lo * v
        for j in range(k):
            oi[j] = row[j]


@jit()
def _phi_rows(z, b, out, has_b, code, alpha):
    """out = φ(z + b) with the scalar φ (sigmoid, tanh, softplus: libm calls)."""
    zero = out.dtype.type(0.0)
    n, k = z.shape
    row = np.empty(k, dtype=out.dtype)
    for i in range(n):
        zi, oi = z[i], out[i]
        for j in range(k):
            row[j] = _phi(zi[j] + (b[j] if has_b else zero), code, alpha)
        for j in range(k):
            oi[j] = row[j]


@jit()
def bias_act_2d(z, b, out, code, alpha):
    """φ of z + b row by row (b may be empty: no bias), each activation family in its own loop."""
    has_b = b.shape[0] > 0
    if code == codes.RELU:
        _piecewise_rows(z, b, out, has_b, 1.0, 0.0, False)
    elif code == codes.LEAKY:
        _piecewise_rows(z, b, out, has_b, 1.0, alpha, False)
    elif code == codes.LINEAR:
        _piecewise_rows(z, b, out, has_b, 1.0, 1.0, False)
    elif code == codes.ELU:
        _piecewise_rows(z, b, out, has_b, 1.0, alpha, True)
    elif code == codes.SELU:
        _piecewise_rows(z, b, out, has_b, SELU_SCALE, SELU_SCALE * SELU_ALPHA, True)
    elif code == codes.SOFTMAX:
        for i in range(z.shape[0]):
            _softmax_row(z[i], b, out[i], has_b)
    else:
        _phi_rows(z, b, out, has_b, code, alpha)


# The backward kernels: g = δ ⊙ φ'(a) and Σ_rows g (float64) in one pass, one
# function per activation family for the same reason as the forward ones
# (256×300 ReLU: 22 µs → 11 µs).

@jit(fastmath={"contract"})
def _grad_rows_piecewise(a, d, g, acc, want_db, hi, lo, elu):
    """g = δ·(hi if a > 0 else lo), or δ·(hi if a > 0 else a + lo) when ``elu``.

    relu (1, 0), leaky_relu (1, α), linear (1, 1); elu (1, α), selu (λ, λα_s).
    """
    dt = g.dtype.type
    zero, hi, lo = dt(0.0), dt(hi), dt(lo)
    n, k = a.shape
    row = np.empty(k, dtype=g.dtype)
    for i in range(n):
        ai, di, gi = a[i], d[i], g[i]
        for j in range(k):
            row[j] = di[j] * (hi if ai[j] > zero else (ai[j] + lo if elu else lo))
        for j in range(k):
            gi[j] = row[j]
        if want_db:
            for j in range(k):
                acc[j] += row[j]


@jit(fastmath={"contract"})
def _grad_rows_sigmoid_tanh(a, d, g, acc, want_db, sigmoid):
    """δ ⊙ φ' of sigmoid or tanh, φ' from the output a."""
    one = g.dtype.type(1.0)
    n, k = a.shape
    row = np.empty(k, dtype=g.dtype)
    for i in range(n):
        ai, di, gi = a[i], d[i], g[i]
        if sigmoid:
            for j in range(k):
                row[j] = di[j] * ai[j] * (one - ai[j])
        else:
            for j in range(k):
                row[j] = di[j] * (one - ai[j] * ai[j])
        for j in range(k):
            gi[j] = row[j]
        if want_db:
            for j in range(k):
                acc[j] += row[j]


@jit()
def _grad_rows(a, d, g, acc, want_db, code, alpha):
    """The other activations (softmax, softplus) row by row with ``_grad_row``."""
    n, k = a.shape
    for i in range(n):
        gi = g[i]
        _grad_row(a[i], d[i], gi, code, alpha)
        if want_db:
            for j in range(k):
                acc[j] += gi[j]


@jit()
def act_grad_2d(a, delta, g, db, code, alpha):
    """δ ⊙ φ' into g (softmax: per row), its column sums into db if db is non-empty.

    For gelu, swish and mish ``a`` holds the pre-activation z (φ' is read from z).
    """
    k = a.shape[1]
    want_db = db.shape[0] > 0
    acc = np.zeros(k if want_db else 0, dtype=np.float64)
    if code == codes.RELU:
        _grad_rows_piecewise(a, delta, g, acc, want_db, 1.0, 0.0, False)
    elif code == codes.LEAKY:
        _grad_rows_piecewise(a, delta, g, acc, want_db, 1.0, alpha, False)
    elif code == codes.LINEAR:
        _grad_rows_piecewise(a, delta, g, acc, want_db, 1.0, 1.0, False)
    elif code == codes.ELU:
        _grad_rows_piecewise(a, delta, g, acc, want_db, 1.0, alpha, True)
    elif code == codes.SELU:
        _grad_rows_piecewise(a, delta, g, acc, want_db, SELU_SCALE, SELU_SCALE * SELU_ALPHA, True)
    elif code == codes.SIGMOID or code == codes.TANH:
        _grad_rows_sigmoid_tanh(a, delta, g, acc, want_db, code == codes.SIGMOID)
    else:
        _grad_rows(a, delta, g, acc, want_db, code, alpha)
    for j in range(acc.shape[0]):
        db[j] = acc[j]


def bias_act(z2: np.ndarray, bias: np.ndarray, out2: np.ndarray, code: int, alpha: float) -> None:
    """out2 = φ(z2 + bias) for 2-D C-contiguous arrays (bias empty: none).

    Sigmoid and tanh: a linear pass here, then NumPy's ufuncs (``vector_phi_``).
    """
    if code == codes.SIGMOID or code == codes.TANH:
        bias_act_2d(z2, bias, out2, codes.LINEAR, 0.0)
        vector_phi_(out2, code, alpha)
    else:
        bias_act_2d(z2, bias, out2, code, float(alpha))


def activation_forward(z: np.ndarray, act: str, alpha: float = 0.0,
                       out: np.ndarray | None = None) -> np.ndarray:
    """The activation φ elementwise (softmax: along the last axis), in one fused pass."""
    return host.activation_forward(z, act, alpha, out, bias_act=bias_act)


def activation_backward(a: np.ndarray, delta: np.ndarray, act: str, alpha: float = 0.0,
                        out: np.ndarray | None = None, z: np.ndarray | None = None
                        ) -> np.ndarray:
    """The gradient δ ⊙ φ' from the output a (from ``z`` for gelu, swish, mish)."""
    return host.activation_backward(a, delta, act, alpha, out, z, act_grad=act_grad_2d)
