r"""CUDA optimizer kernels: grid-stride loops, in place.

Equations as in reference/optimizers.py; subnormal state values are flushed
to zero (|x| < tiny → 0).  The launchers ``sgd`` … ``nadam`` take NumPy
arrays (copied to the device and back) or device arrays (updated in place,
nothing copied); the public kernels ``sgd_update`` … ``nadam_update`` (the
reference's signatures) name them, and ``host_side/optimizers.py`` checks the
arguments and calls them, with host arrays (copied) or device arrays (the flat
buffers of a ``cuda`` fit, updated in place: the whole update is one launch),
through this module's ``inplace_ok`` and ``flat_in``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from ..host_arrays import flat_in as host_flat_in
from ..host_arrays import inplace_ok as host_inplace_ok
from ..host_side import optimizers as host
from ._launch import launcher, on_device


@cuda.jit(device=True)
def ftz(x, tiny):
    return x if abs(x) >= tiny else 0.0 * x


@cuda.jit(device=True)
def nanmax(a, b):
    """max(a, b) that propagates NaN like ``np.maximum``."""
    return a if (a >= b or a != a) else b


@cuda.jit(device=True)
def moments(m, v, gi, i, b1c, b2c, tiny):
    """Adam's and Nadam's moving averages of g and g² at element i, updated and returned."""
    mi = ftz(m[i] + (gi - m[i]) * b1c, tiny)
    vi = ftz(v[i] + (gi * gi - v[i]) * b2c, tiny)
    m[i] = mi
    v[i] = vi
    return mi, vi


@cuda.jit
def _sgd(p, g, lr):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        p[i] -= lr * g[i]


@cuda.jit
def _sgd_momentum(p, g, vel, lr, momentum, nesterov, tiny):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        m = ftz(momentum * vel[i] - lr * g[i], tiny)
        vel[i] = m
        p[i] += momentum * m - lr * g[i] if nesterov else m


@cuda.jit
def _adagrad(p, g, acc, lr, eps):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        s = acc[i] + g[i] * g[i]
        acc[i] = s
        p[i] -= lr * g[i] / math.sqrt(s + eps)


@cuda.jit
def _rmsprop(p, g, s, mom, mg, use_mom, centered, lr, rho, eps, momentum, tiny):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        si = ftz(rho * s[i] + (1.0 - rho) * g[i] * g[i], tiny)
        s[i] = si
        denom = si + eps
        if centered:
            mgi = ftz(rho * mg[i] + (1.0 - rho) * g[i], tiny)
            mg[i] = mgi
            denom -= mgi * mgi
        inc = lr * g[i] / math.sqrt(denom)
        if use_mom:
            mi = ftz(momentum * mom[i] + inc, tiny)
            mom[i] = mi
            p[i] -= mi
        else:
            p[i] -= inc


@cuda.jit
def _adam(p, g, m, v, vhat, amsgrad, alpha, b1c, b2c, eps, lr_wd, tiny):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        gi = g[i]
        mi, vi = moments(m, v, gi, i, b1c, b2c, tiny)
        if amsgrad:
            vi = nanmax(vhat[i], vi)
            vhat[i] = vi
        p[i] = p[i] - lr_wd * p[i] - alpha * mi / (math.sqrt(vi) + eps)


@cuda.jit
def _adamax(p, g, m, u, lr_t, b1c, beta2, eps, tiny):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        mi = ftz(m[i] + (g[i] - m[i]) * b1c, tiny)
        ui = ftz(nanmax(beta2 * u[i], abs(g[i])), tiny)
        m[i] = mi
        u[i] = ui
        p[i] -= lr_t * mi / (ui + eps)


@cuda.jit
def _nadam(p, g, m, v, lr, b1c, b2c, c_m, c_g, inv_b2, eps, tiny):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        gi = g[i]
        mi, vi = moments(m, v, gi, i, b1c, b2c, tiny)
        p[i] -= lr * (c_m * mi + c_g * gi) / (math.sqrt(vi * inv_b2) + eps)


def _n(p, *_):
    return p.size


sgd = launcher(_sgd, (0,), _n)
sgd_momentum = launcher(_sgd_momentum, (0, 2), _n)
adagrad = launcher(_adagrad, (0, 2), _n)
rmsprop = launcher(_rmsprop, (0, 2, 3, 4), _n)
adam = launcher(_adam, (0, 2, 3, 4), _n)
adamax = launcher(_adamax, (0, 2, 3), _n)
nadam = launcher(_nadam, (0, 2, 3), _n)


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).  Host arrays that are not
# C-contiguous, writeable and of one float dtype go to the reference instead;
# device arrays must be C-contiguous and of one float dtype.
# ----------------------------------------------------------------------------


def inplace_ok(*arrays) -> bool:
    """Can the launcher update these arrays in place?  (Device arrays: they must.)"""
    if not on_device(arrays[0]):
        return host_inplace_ok(*arrays)
    dtype = arrays[0].dtype
    for a in arrays:
        if not (on_device(a) and a.dtype == dtype and a.is_c_contiguous()) or dtype.kind != "f":
            raise ValueError(f"optimizer update on the device: every state array must be a "
                             f"C-contiguous device array of the parameter's float dtype "
                             f"{dtype}, got {type(a).__name__} of dtype {a.dtype}")
    return True


def flat_in(a, dtype):
    """A flat view of ``a`` (a device gradient must already have ``dtype``)."""
    if on_device(a):
        if a.dtype != dtype:
            raise ValueError(f"optimizer update on the device: the gradient must have the "
                             f"parameter's dtype {dtype}, got {a.dtype}")
        return a.reshape(-1)
    return host_flat_in(a, dtype)


def sgd_update(param: np.ndarray, grad: np.ndarray, lr: float) -> None:
    """Plain SGD step in place (the equations: :class:`nnlite.optimizers.SGD`)."""
    return host.sgd_update(param, grad, lr, update=sgd, inplace_ok=inplace_ok, flat_in=flat_in)


def sgd_momentum_update(param: np.ndarray, grad: np.ndarray, velocity: np.ndarray,
                        lr: float, momentum: float, nesterov: bool) -> None:
    """SGD with momentum or Nesterov momentum, in place (:class:`nnlite.optimizers.SGD`); the
    velocity is flushed to zero when subnormal."""
    return host.sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov,
                                    update=sgd_momentum, inplace_ok=inplace_ok, flat_in=flat_in)


def adagrad_update(param: np.ndarray, grad: np.ndarray, accum: np.ndarray,
                   lr: float, eps: float) -> None:
    """AdaGrad step in place (:class:`nnlite.optimizers.Adagrad`; Keras puts ε inside the root)."""
    return host.adagrad_update(param, grad, accum, lr, eps, update=adagrad, inplace_ok=inplace_ok,
                               flat_in=flat_in)


def rmsprop_update(param: np.ndarray, grad: np.ndarray, s: np.ndarray, lr: float,
                   rho: float, eps: float, mom: np.ndarray | None = None,
                   momentum: float = 0.0, mg: np.ndarray | None = None) -> None:
    """RMSProp step in place, plain, centered or with momentum
    (:class:`nnlite.optimizers.RMSprop`); state flushed to zero when subnormal."""
    return host.rmsprop_update(param, grad, s, lr, rho, eps, mom, momentum, mg, update=rmsprop,
                               inplace_ok=inplace_ok, flat_in=flat_in)


def adam_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                lr: float, beta1: float, beta2: float, eps: float, t: int,
                vhat: np.ndarray | None = None, *, weight_decay: float = 0.0) -> None:
    """Adam step in place (:class:`nnlite.optimizers.Adam`), optional AMSGrad ``vhat``; m, v
    flushed to zero when subnormal.

    ``weight_decay`` λ > 0 gives AdamW (decoupled decay first), fused in the same pass."""
    return host.adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat,
                            weight_decay=weight_decay, update=adam, inplace_ok=inplace_ok,
                            flat_in=flat_in)


def adamw_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                 lr: float, beta1: float, beta2: float, eps: float, t: int,
                 weight_decay: float) -> None:
    """AdamW step in place (:class:`nnlite.optimizers.AdamW`): decay and Adam in one pass."""
    return host.adamw_update(param, grad, m, v, lr, beta1, beta2, eps, t, weight_decay,
                             update=adam, inplace_ok=inplace_ok, flat_in=flat_in)


def adamax_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, u: np.ndarray,
                  lr: float, beta1: float, beta2: float, eps: float, t: int) -> None:
    """Adamax step in place (:class:`nnlite.optimizers.Adamax`)."""
    return host.adamax_update(param, grad, m, u, lr, beta1, beta2, eps, t, update=adamax,
                              inplace_ok=inplace_ok, flat_in=flat_in)


def nadam_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                 lr: float, beta1: float, beta2: float, eps: float, u_t: float,
                 u_t1: float, m_sched_new: float, m_sched_next: float, t: int) -> None:
    """Nadam step in place (:class:`nnlite.optimizers.Nadam`, Keras 3); the optimizer supplies
    the momentum-schedule scalars (see ``reference/optimizers.py``)."""
    return host.nadam_update(param, grad, m, v, lr, beta1, beta2, eps, u_t, u_t1, m_sched_new,
                             m_sched_next, t, update=nadam, inplace_ok=inplace_ok, flat_in=flat_in)
