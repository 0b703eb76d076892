r"""Public optimizer kernels: one fused pass per tensor, in place.

Same equations as ``reference/optimizers.py`` (Keras formulas).  The
low-level kernels **flush subnormal state values to zero** (|x| < finfo.tiny
→ 0): subnormals make every later operation on them ~100× slower.  Arrays
that are not C-contiguous (or whose dtypes differ) are updated by the
reference implementation instead.
"""

from __future__ import annotations

import math

import numpy as np

from .. import checks
from .. import reference as ref
from .._common import flat, inplace_ok, tiny


def _grad(grad: np.ndarray, param: np.ndarray) -> np.ndarray:
    """The gradient as a flat array of the parameter's dtype (read-only use)."""
    return flat(np.asarray(grad, dtype=param.dtype))


def _opt(a: np.ndarray | None, param: np.ndarray) -> np.ndarray:
    """A flat view of an optional state array (empty when None)."""
    return param.reshape(-1)[:0] if a is None else a.reshape(-1)


class OptimizerKernels:
    ll: object

    def sgd_update(self, param: np.ndarray, grad: np.ndarray, lr: float) -> None:
        r"""θ ← θ − η g."""
        checks.sgd_update(param, grad, lr)
        if not inplace_ok(param):
            return ref.sgd_update(param, grad, lr)
        self.ll.sgd(param.reshape(-1), _grad(grad, param), float(lr))

    def sgd_momentum_update(self, param: np.ndarray, grad: np.ndarray, velocity: np.ndarray,
                            lr: float, momentum: float, nesterov: bool) -> None:
        r"""m ← βm − ηg;  θ ← θ + m  (Nesterov: θ ← θ + βm − ηg); m flushed when subnormal."""
        checks.sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov)
        if not inplace_ok(param, velocity):
            return ref.sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov)
        self.ll.sgd_momentum(param.reshape(-1), _grad(grad, param), velocity.reshape(-1),
                             float(lr), float(momentum), bool(nesterov), tiny(param.dtype))

    def adagrad_update(self, param: np.ndarray, grad: np.ndarray, accum: np.ndarray,
                       lr: float, eps: float) -> None:
        r"""s ← s + g²;  θ ← θ − η g/√(s + ε)  (Keras: ε inside the root)."""
        checks.adagrad_update(param, grad, accum, lr, eps)
        if not inplace_ok(param, accum):
            return ref.adagrad_update(param, grad, accum, lr, eps)
        self.ll.adagrad(param.reshape(-1), _grad(grad, param), accum.reshape(-1), float(lr),
                        float(eps))

    def rmsprop_update(self, param: np.ndarray, grad: np.ndarray, s: np.ndarray, lr: float,
                       rho: float, eps: float, mom: np.ndarray | None = None,
                       momentum: float = 0.0, mg: np.ndarray | None = None) -> None:
        r"""RMSProp (plain / centered / momentum), see the reference; state flushed to zero."""
        checks.rmsprop_update(param, grad, s, lr, rho, eps, mom, momentum, mg)
        extra = [a for a in (mom, mg) if a is not None]
        if not inplace_ok(param, s, *extra):
            return ref.rmsprop_update(param, grad, s, lr, rho, eps, mom, momentum, mg)
        self.ll.rmsprop(param.reshape(-1), _grad(grad, param), s.reshape(-1), _opt(mom, param),
                        _opt(mg, param), mom is not None, mg is not None, float(lr),
                        float(rho), float(eps), float(momentum), tiny(param.dtype))

    def adam_update(self, param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                    lr: float, beta1: float, beta2: float, eps: float, t: int,
                    vhat: np.ndarray | None = None, *, weight_decay: float = 0.0) -> None:
        r"""Adam (Keras), optional AMSGrad ``vhat``; m, v flushed to zero when subnormal.

        ``weight_decay`` λ > 0 gives AdamW (θ ← θ − ηλθ first), fused in the same pass.
        """
        checks.adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat,
                           weight_decay=weight_decay)
        extra = [] if vhat is None else [vhat]
        if not inplace_ok(param, m, v, *extra):
            if weight_decay:
                param -= lr * weight_decay * param
            return ref.adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat)
        alpha = lr * math.sqrt(1.0 - beta2**t) / (1.0 - beta1**t)
        self.ll.adam(param.reshape(-1), _grad(grad, param), m.reshape(-1), v.reshape(-1),
                     _opt(vhat, param), vhat is not None, float(alpha), 1.0 - beta1,
                     1.0 - beta2, float(eps), float(lr * weight_decay), tiny(param.dtype))

    def adamw_update(self, param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                     lr: float, beta1: float, beta2: float, eps: float, t: int,
                     weight_decay: float) -> None:
        r"""AdamW: θ ← θ − ηλθ, then Adam — fused in one pass."""
        checks.adamw_update(param, grad, m, v, lr, beta1, beta2, eps, t, weight_decay)
        self.adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, weight_decay=weight_decay)

    def adamax_update(self, param: np.ndarray, grad: np.ndarray, m: np.ndarray, u: np.ndarray,
                      lr: float, beta1: float, beta2: float, eps: float, t: int) -> None:
        r"""Adamax: m ← β₁m + (1−β₁)g; u ← max(β₂u, |g|); θ ← θ − η/(1−β₁ᵗ)·m/(u+ε)."""
        checks.adamax_update(param, grad, m, u, lr, beta1, beta2, eps, t)
        if not inplace_ok(param, m, u):
            return ref.adamax_update(param, grad, m, u, lr, beta1, beta2, eps, t)
        self.ll.adamax(param.reshape(-1), _grad(grad, param), m.reshape(-1), u.reshape(-1),
                       float(lr / (1.0 - beta1**t)), 1.0 - beta1, float(beta2), float(eps),
                       tiny(param.dtype))

    def nadam_update(self, param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                     lr: float, beta1: float, beta2: float, eps: float, u_t: float,
                     u_t1: float, m_sched_new: float, m_sched_next: float, t: int) -> None:
        r"""Nadam (Keras 3); the optimizer supplies the momentum-schedule scalars.

        m̂ = c_m·m + c_g·g with c_m = u_{t+1}/(1 − m_sched_next),
        c_g = (1 − u_t)/(1 − m_sched_new);  θ ← θ − η m̂/(√(v/(1−β₂ᵗ)) + ε).
        """
        checks.nadam_update(param, grad, m, v, lr, beta1, beta2, eps, u_t, u_t1, m_sched_new,
                            m_sched_next, t)
        if not inplace_ok(param, m, v):
            return ref.nadam_update(param, grad, m, v, lr, beta1, beta2, eps, u_t, u_t1,
                                    m_sched_new, m_sched_next, t)
        self.ll.nadam(param.reshape(-1), _grad(grad, param), m.reshape(-1), v.reshape(-1),
                      float(lr), 1.0 - beta1, 1.0 - beta2, float(u_t1 / (1.0 - m_sched_next)),
                      float((1.0 - u_t) / (1.0 - m_sched_new)), float(1.0 / (1.0 - beta2**t)),
                      float(eps), tiny(param.dtype))
