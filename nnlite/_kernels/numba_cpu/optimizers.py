r"""Numba optimizer kernels: one fused pass per tensor, in place.

Each public kernel (``sgd_update`` … ``nadam_update``, the reference's names
and signatures) names its ``@jit`` loop below; ``host_side/optimizers.py``
checks the arguments and calls the loop on flat views with the per-step
scalars (Adam's step size α, Nadam's schedule coefficients).  Same equations as
``reference/optimizers.py`` (Keras formulas).  State
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

import numpy as np
from numba import prange

from ..host_side import optimizers as host
from ._jit import jit, jit_parallel


@jit()
def _ftz(x, tiny):
    """Flush-to-zero: subnormal (|x| < tiny) → 0."""
    return x if abs(x) >= tiny else x - x  # x − x: +0 (and NaN stays NaN)


@jit()
def _nanmax(a, b):
    """max(a, b) that propagates NaN like ``np.maximum`` (Python's max drops it)."""
    return a if (a >= b or a != a) else b


@jit()
def _moments(m, v, gi, i, b1c, b2c, tiny):
    """Adam's and Nadam's moving averages of g and g² at element i, updated and returned.

    Written m + (g − m)(1 − β₁), the same average as β₁m + (1 − β₁)g
    (test_kernels_rearranged.py); values below ``tiny`` flushed to zero.
    """
    mi = _ftz(m[i] + (gi - m[i]) * b1c, tiny)
    vi = _ftz(v[i] + (gi * gi - v[i]) * b2c, tiny)
    m[i] = mi
    v[i] = vi
    return mi, vi


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
    """AdamW's decay (``lr_wd`` = ηλ, 0 for Adam), then Adam's step with the folded step α."""
    dt = p.dtype.type
    alpha, b1c, b2c, eps, lr_wd, tiny = dt(alpha), dt(b1c), dt(b2c), dt(eps), dt(lr_wd), \
        dt(tiny)
    for i in prange(p.shape[0]):
        mi, vi = _moments(m, v, g[i], i, b1c, b2c, tiny)
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
    """Nadam's step with the coefficients c_m, c_g of its corrected momentum and 1/(1 − β₂ᵗ)."""
    dt = p.dtype.type
    lr, b1c, b2c, c_m, c_g, inv_b2, eps, tiny = dt(lr), dt(b1c), dt(b2c), dt(c_m), dt(c_g), \
        dt(inv_b2), dt(eps), dt(tiny)
    for i in prange(p.shape[0]):
        gi = g[i]
        mi, vi = _moments(m, v, gi, i, b1c, b2c, tiny)
        p[i] -= lr * (c_m * mi + c_g * gi) / (math.sqrt(vi * inv_b2) + eps)


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).  Arrays that are not
# C-contiguous, writeable and of one float dtype go to the reference instead.
# ----------------------------------------------------------------------------


def sgd_update(param: np.ndarray, grad: np.ndarray, lr: float) -> None:
    r"""Plain SGD's update of ``param`` in place (equations: nnlite.optimizers.SGD)."""
    return host.sgd_update(param, grad, lr, update=_sgd)


def sgd_momentum_update(param: np.ndarray, grad: np.ndarray, velocity: np.ndarray,
                        lr: float, momentum: float, nesterov: bool) -> None:
    r"""SGD with momentum (or Nesterov) in place (equations: nnlite.optimizers.SGD).

    The velocity is flushed to zero when subnormal.
    """
    return host.sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov,
                                    update=_sgd_momentum)


def adagrad_update(param: np.ndarray, grad: np.ndarray, accum: np.ndarray,
                   lr: float, eps: float) -> None:
    r"""AdaGrad's update in place, ε inside the root (equations: nnlite.optimizers.Adagrad)."""
    return host.adagrad_update(param, grad, accum, lr, eps, update=_adagrad)


def rmsprop_update(param: np.ndarray, grad: np.ndarray, s: np.ndarray, lr: float,
                   rho: float, eps: float, mom: np.ndarray | None = None,
                   momentum: float = 0.0, mg: np.ndarray | None = None) -> None:
    r"""RMSProp's update, plain, centered or with momentum (equations: nnlite.optimizers.RMSprop).

    The state is flushed to zero when subnormal.
    """
    return host.rmsprop_update(param, grad, s, lr, rho, eps, mom, momentum, mg, update=_rmsprop)


def adam_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                lr: float, beta1: float, beta2: float, eps: float, t: int,
                vhat: np.ndarray | None = None, *, weight_decay: float = 0.0) -> None:
    r"""Adam's update in place, AMSGrad with ``vhat`` (equations: nnlite.optimizers.Adam).

    m and v are flushed to zero when subnormal; ``weight_decay`` > 0 gives
    AdamW's decoupled decay (nnlite.optimizers.AdamW), fused in the same pass.
    """
    return host.adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat,
                            weight_decay=weight_decay, update=_adam)


def adamw_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                 lr: float, beta1: float, beta2: float, eps: float, t: int,
                 weight_decay: float) -> None:
    r"""AdamW's decay and Adam's step fused in one pass (equations: nnlite.optimizers.AdamW)."""
    return host.adamw_update(param, grad, m, v, lr, beta1, beta2, eps, t, weight_decay,
                             update=_adam)


def adamax_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, u: np.ndarray,
                  lr: float, beta1: float, beta2: float, eps: float, t: int) -> None:
    r"""Adamax's update in place (equations: nnlite.optimizers.Adamax), state flushed to 0."""
    return host.adamax_update(param, grad, m, u, lr, beta1, beta2, eps, t, update=_adamax)


def nadam_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                 lr: float, beta1: float, beta2: float, eps: float, u_t: float,
                 u_t1: float, m_sched_new: float, m_sched_next: float, t: int) -> None:
    r"""Nadam's update in place (Keras 3; equations: nnlite.optimizers.Nadam).

    The optimizer supplies the momentum-schedule scalars; the loop takes
    them as the two coefficients of m and g in Nadam's corrected momentum.
    """
    return host.nadam_update(param, grad, m, v, lr, beta1, beta2, eps, u_t, u_t1, m_sched_new,
                             m_sched_next, t, update=_nadam)
