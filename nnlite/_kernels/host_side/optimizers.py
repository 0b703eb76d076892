"""The host side of the compiled optimizer kernels, written once for numba, Cython and CUDA.

Each function checks the arguments, sends arrays the loop cannot update in
place to the reference, and calls the backend's ``update`` loop on flat views
with the step's scalars, in the loop's argument order.  The scalars are the
reference's (``adam_step_size``, ``adamax_step_size``, ``nadam_coefficients``
of ``reference/optimizers.py``), or the factors 1 − β and AdamW's ηλ the loops
multiply by.
``inplace_ok`` and ``flat_in`` are :mod:`..host_arrays`' for NumPy arrays; the
CUDA backend passes its own, which also take device arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import checks
from .. import reference as ref
from ..host_arrays import flat_in, flat_or_empty, inplace_ok, tiny
from ..reference.optimizers import adam_step_size, adamax_step_size, nadam_coefficients

Loop = Callable[..., None]        # a backend's loop, updating flat arrays in place
Check = Callable[..., bool]       # can the loop update these arrays in place?
Flat = Callable[..., Any]         # a flat view of the gradient in the parameter's dtype


def sgd_update(param: np.ndarray, grad: np.ndarray, lr: float, *, update: Loop,
               inplace_ok: Check = inplace_ok, flat_in: Flat = flat_in) -> None:
    """``update(p, g, lr)`` on flat views of ``param`` and ``grad``."""
    checks.sgd_update(param, grad, lr)
    if not inplace_ok(param):
        return ref.sgd_update(param, grad, lr)
    update(param.reshape(-1), flat_in(grad, param.dtype), float(lr))


def sgd_momentum_update(param: np.ndarray, grad: np.ndarray, velocity: np.ndarray,
                        lr: float, momentum: float, nesterov: bool, *, update: Loop,
                        inplace_ok: Check = inplace_ok,
                        flat_in: Flat = flat_in) -> None:
    """``update(p, g, vel, lr, momentum, nesterov, tiny)`` on flat views."""
    checks.sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov)
    if not inplace_ok(param, velocity):
        return ref.sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov)
    update(param.reshape(-1), flat_in(grad, param.dtype), velocity.reshape(-1),
           float(lr), float(momentum), bool(nesterov), tiny(param.dtype))


def adagrad_update(param: np.ndarray, grad: np.ndarray, accum: np.ndarray,
                   lr: float, eps: float, *, update: Loop, inplace_ok: Check = inplace_ok,
                   flat_in: Flat = flat_in) -> None:
    """``update(p, g, acc, lr, eps)`` on flat views."""
    checks.adagrad_update(param, grad, accum, lr, eps)
    if not inplace_ok(param, accum):
        return ref.adagrad_update(param, grad, accum, lr, eps)
    update(param.reshape(-1), flat_in(grad, param.dtype), accum.reshape(-1), float(lr),
           float(eps))


def rmsprop_update(param: np.ndarray, grad: np.ndarray, s: np.ndarray, lr: float,
                   rho: float, eps: float, mom: np.ndarray | None = None,
                   momentum: float = 0.0, mg: np.ndarray | None = None, *, update: Loop,
                   inplace_ok: Check = inplace_ok, flat_in: Flat = flat_in) -> None:
    """``update(p, g, s, mom, mg, use_mom, centered, lr, rho, eps, momentum, tiny)`` on flat views
    (``mom`` and ``mg`` empty when not given)."""
    checks.rmsprop_update(param, grad, s, lr, rho, eps, mom, momentum, mg)
    extra = [a for a in (mom, mg) if a is not None]
    if not inplace_ok(param, s, *extra):
        return ref.rmsprop_update(param, grad, s, lr, rho, eps, mom, momentum, mg)
    update(param.reshape(-1), flat_in(grad, param.dtype), s.reshape(-1),
           flat_or_empty(mom, param), flat_or_empty(mg, param), mom is not None,
           mg is not None, float(lr), float(rho), float(eps), float(momentum),
           tiny(param.dtype))


def adam_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                lr: float, beta1: float, beta2: float, eps: float, t: int,
                vhat: np.ndarray | None = None, *, weight_decay: float = 0.0, update: Loop,
                inplace_ok: Check = inplace_ok, flat_in: Flat = flat_in) -> None:
    """``update(p, g, m, v, vhat, amsgrad, alpha, b1c, b2c, eps, lr_wd, tiny)`` on flat views
    (``vhat`` empty when not given)."""
    checks.adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat,
                       weight_decay=weight_decay)
    extra = [] if vhat is None else [vhat]
    if not inplace_ok(param, m, v, *extra):
        if weight_decay:  # AdamW's decay θ ← θ − ηλθ (reference.optimizers.adamw_update)
            param -= lr * weight_decay * param
        return ref.adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat)
    # 1 − β₁, 1 − β₂, ηλ: the loop's factors (equations: reference.optimizers.adam/adamw_update)
    update(param.reshape(-1), flat_in(grad, param.dtype), m.reshape(-1), v.reshape(-1),
           flat_or_empty(vhat, param), vhat is not None,
           float(adam_step_size(lr, beta1, beta2, t)), 1.0 - beta1,
           1.0 - beta2, float(eps), float(lr * weight_decay), tiny(param.dtype))


def adamw_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                 lr: float, beta1: float, beta2: float, eps: float, t: int,
                 weight_decay: float, *, update: Loop, inplace_ok: Check = inplace_ok,
                 flat_in: Flat = flat_in) -> None:
    """:func:`adam_update` with ``weight_decay``: the same ``update`` loop does both."""
    checks.adamw_update(param, grad, m, v, lr, beta1, beta2, eps, t, weight_decay)
    adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, weight_decay=weight_decay,
                update=update, inplace_ok=inplace_ok, flat_in=flat_in)


def adamax_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, u: np.ndarray,
                  lr: float, beta1: float, beta2: float, eps: float, t: int, *, update: Loop,
                  inplace_ok: Check = inplace_ok, flat_in: Flat = flat_in) -> None:
    """``update(p, g, m, u, lr_t, b1c, beta2, eps, tiny)`` on flat views."""
    checks.adamax_update(param, grad, m, u, lr, beta1, beta2, eps, t)
    if not inplace_ok(param, m, u):
        return ref.adamax_update(param, grad, m, u, lr, beta1, beta2, eps, t)
    # 1 − β₁: the loop's factor (equations: reference.optimizers.adamax_update)
    update(param.reshape(-1), flat_in(grad, param.dtype), m.reshape(-1), u.reshape(-1),
           float(adamax_step_size(lr, beta1, t)), 1.0 - beta1, float(beta2), float(eps),
           tiny(param.dtype))


def nadam_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                 lr: float, beta1: float, beta2: float, eps: float, u_t: float,
                 u_t1: float, m_sched_new: float, m_sched_next: float, t: int, *, update: Loop,
                 inplace_ok: Check = inplace_ok, flat_in: Flat = flat_in) -> None:
    """``update(p, g, m, v, lr, b1c, b2c, c_m, c_g, inv_b2, eps, tiny)`` on flat views."""
    checks.nadam_update(param, grad, m, v, lr, beta1, beta2, eps, u_t, u_t1, m_sched_new,
                        m_sched_next, t)
    if not inplace_ok(param, m, v):
        return ref.nadam_update(param, grad, m, v, lr, beta1, beta2, eps, u_t, u_t1,
                                m_sched_new, m_sched_next, t)
    # 1 − β₁, 1 − β₂: the loop's factors (equations: reference.optimizers.nadam_update)
    update(param.reshape(-1), flat_in(grad, param.dtype), m.reshape(-1), v.reshape(-1),
           float(lr), 1.0 - beta1, 1.0 - beta2,
           *nadam_coefficients(beta2, u_t, u_t1, m_sched_new, m_sched_next, t), float(eps),
           tiny(param.dtype))
