r"""Numba optimizer kernels: one fused pass per tensor, in place.

Same equations as ``reference/optimizers.py`` (Keras formulas).  State
values (m, v, s, u, momentum) that fall below the smallest normal float are
**flushed to zero** inside the loop: subnormals make every later operation
on them ~100× slower.  Arrays that are not C-contiguous (or whose dtypes
differ) are updated by the reference implementation instead.

The arithmetic is in the parameters' dtype, as in the NumPy reference
(Python floats are "weak" scalars there): every scalar is first cast with
``dt = p.dtype.type``.  With float64 scalars a float32 update would convert
each element to float64 and back, and the loop would vectorize half as
wide (Adam on 266,610 float32 weights: 114 µs → 46 µs).
"""

from __future__ import annotations

import math

from numba import prange

from ._jit import jit, jit_parallel


@jit()
def _ftz(x, tiny):
    """Flush-to-zero: subnormal (|x| < tiny) → 0."""
    return x if abs(x) >= tiny else x - x  # x − x: +0 (and NaN stays NaN)


@jit()
def _nanmax(a, b):
    """max(a, b) that propagates NaN like ``np.maximum`` (Python's max drops it)."""
    return a if (a >= b or a != a) else b


@jit_parallel()
def _sgd(p, g, lr):
    lr = p.dtype.type(lr)
    for i in prange(p.shape[0]):
        p[i] -= lr * g[i]


@jit_parallel()
def _sgd_momentum(p, g, vel, lr, momentum, nesterov, tiny):
    dt = p.dtype.type
    lr, momentum, tiny = dt(lr), dt(momentum), dt(tiny)
    for i in prange(p.shape[0]):
        m = _ftz(momentum * vel[i] - lr * g[i], tiny)
        vel[i] = m
        p[i] += momentum * m - lr * g[i] if nesterov else m


@jit_parallel()
def _adagrad(p, g, acc, lr, eps):
    dt = p.dtype.type
    lr, eps = dt(lr), dt(eps)
    for i in prange(p.shape[0]):
        s = acc[i] + g[i] * g[i]
        acc[i] = s
        p[i] -= lr * g[i] / math.sqrt(s + eps)


@jit_parallel()
def _rmsprop(p, g, s, mom, mg, use_mom, centered, lr, rho, eps, momentum, tiny):
    dt = p.dtype.type
    lr, rho, eps, momentum, tiny = dt(lr), dt(rho), dt(eps), dt(momentum), dt(tiny)
    rho_c = dt(1.0) - rho
    for i in prange(p.shape[0]):
        si = _ftz(rho * s[i] + rho_c * g[i] * g[i], tiny)
        s[i] = si
        denom = si + eps
        if centered:
            mgi = _ftz(rho * mg[i] + rho_c * g[i], tiny)
            mg[i] = mgi
            denom -= mgi * mgi
        inc = lr * g[i] / math.sqrt(denom)
        if use_mom:
            mi = _ftz(momentum * mom[i] + inc, tiny)
            mom[i] = mi
            p[i] -= mi
        else:
            p[i] -= inc


@jit_parallel()
def _adam(p, g, m, v, vhat, amsgrad, alpha, b1c, b2c, eps, lr_wd, tiny):
    """θ ← θ − ηλθ (AdamW; λ=0 for Adam), then the Adam step with α = η√(1−β₂ᵗ)/(1−β₁ᵗ)."""
    dt = p.dtype.type
    alpha, b1c, b2c, eps, lr_wd, tiny = dt(alpha), dt(b1c), dt(b2c), dt(eps), dt(lr_wd), \
        dt(tiny)
    for i in prange(p.shape[0]):
        gi = g[i]
        mi = _ftz(m[i] + (gi - m[i]) * b1c, tiny)
        vi = _ftz(v[i] + (gi * gi - v[i]) * b2c, tiny)
        m[i] = mi
        v[i] = vi
        if amsgrad:
            vi = _nanmax(vhat[i], vi)
            vhat[i] = vi
        p[i] = p[i] - lr_wd * p[i] - alpha * mi / (math.sqrt(vi) + eps)


@jit_parallel()
def _adamax(p, g, m, u, lr_t, b1c, beta2, eps, tiny):
    dt = p.dtype.type
    lr_t, b1c, beta2, eps, tiny = dt(lr_t), dt(b1c), dt(beta2), dt(eps), dt(tiny)
    for i in prange(p.shape[0]):
        mi = _ftz(m[i] + (g[i] - m[i]) * b1c, tiny)
        ui = _ftz(_nanmax(beta2 * u[i], abs(g[i])), tiny)
        m[i] = mi
        u[i] = ui
        p[i] -= lr_t * mi / (ui + eps)


@jit_parallel()
def _nadam(p, g, m, v, lr, b1c, b2c, c_m, c_g, inv_b2, eps, tiny):
    """m̂ = c_m·m + c_g·g,  v̂ = v/(1−β₂ᵗ),  θ ← θ − η m̂/(√v̂ + ε)."""
    dt = p.dtype.type
    lr, b1c, b2c, c_m, c_g, inv_b2, eps, tiny = dt(lr), dt(b1c), dt(b2c), dt(c_m), dt(c_g), \
        dt(inv_b2), dt(eps), dt(tiny)
    for i in prange(p.shape[0]):
        gi = g[i]
        mi = _ftz(m[i] + (gi - m[i]) * b1c, tiny)
        vi = _ftz(v[i] + (gi * gi - v[i]) * b2c, tiny)
        m[i] = mi
        v[i] = vi
        p[i] -= lr * (c_m * mi + c_g * gi) / (math.sqrt(vi * inv_b2) + eps)
