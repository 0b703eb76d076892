r"""Reference optimizer update kernels; each updates its arrays **in place**.

Notation (Géron): θ parameters, g = ∇_θ J, η learning rate, β momentum.
"""

from __future__ import annotations

import numpy as np

from .. import checks


def sgd_update(param: np.ndarray, grad: np.ndarray, lr: float) -> None:
    r"""Plain gradient descent: θ ← θ − η g."""
    checks.sgd_update(param, grad, lr)
    param -= lr * grad


def sgd_momentum_update(param: np.ndarray, grad: np.ndarray, velocity: np.ndarray,
                        lr: float, momentum: float, nesterov: bool) -> None:
    r"""Momentum (Keras form): m ← βm − ηg;  θ ← θ + m.

    Nesterov (as Keras computes it): m ← βm − ηg;  θ ← θ + βm − ηg.
    """
    checks.sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov)
    velocity *= momentum
    velocity -= lr * grad
    if nesterov:
        param += momentum * velocity - lr * grad
    else:
        param += velocity


# ----------------------------------------------------------------------------
# Adaptive methods.  Keras 3 / tf.keras ≥ 2.11 formulas, ε = 1e-7 by default.
# State arrays (s, m, v, u, …) are updated in place.  Fast backends flush
# subnormal state values to zero (|x| < finfo.tiny → 0); so does the
# reference (``_flush``), which costs one comparison per element.
# ----------------------------------------------------------------------------


def _flush(state: np.ndarray) -> None:
    """Flush subnormal floats to zero in place (they make every later op slow)."""
    tiny = np.finfo(state.dtype).tiny
    state[np.abs(state) < tiny] = 0


def adagrad_update(param: np.ndarray, grad: np.ndarray, accum: np.ndarray,
                   lr: float, eps: float) -> None:
    r"""AdaGrad (Keras): s ← s + g⊙g;  θ ← θ − η g / √(s + ε).

    Keras puts ε *inside* the square root (Keras 3 ``adagrad.py``); the
    accumulator s starts at 0.1 (``initial_accumulator_value``).
    """
    checks.adagrad_update(param, grad, accum, lr, eps)
    accum += grad * grad
    param -= lr * grad / np.sqrt(accum + eps)


def rmsprop_update(param: np.ndarray, grad: np.ndarray, s: np.ndarray, lr: float,
                   rho: float, eps: float, mom: np.ndarray | None = None,
                   momentum: float = 0.0, mg: np.ndarray | None = None) -> None:
    r"""RMSProp (Keras): s ← ρ s + (1 − ρ) g⊙g.

    Plain:    Δ = η g / √(s + ε)
    Centered (``mg`` given): ḡ ← ρ ḡ + (1 − ρ) g,  Δ = η g / √(s − ḡ² + ε)
    Momentum (``mom`` given): M ← μ M + Δ,  θ ← θ − M;   else θ ← θ − Δ.
    Keras adds ε inside the square root.  s, mg and mom are flushed to zero
    when subnormal.
    """
    checks.rmsprop_update(param, grad, s, lr, rho, eps, mom, momentum, mg)
    s *= rho
    s += (1.0 - rho) * grad * grad
    _flush(s)
    if mg is not None:
        mg *= rho
        mg += (1.0 - rho) * grad
        _flush(mg)
        denom = s - mg * mg + eps
    else:
        denom = s + eps
    increment = lr * grad / np.sqrt(denom)
    if mom is not None:
        mom *= momentum
        mom += increment
        _flush(mom)
        param -= mom
    else:
        param -= increment


def adam_step_size(lr: float, beta1: float, beta2: float, t: int) -> np.float64:
    r"""Adam's step size α with both bias corrections folded in (every backend uses it).

    The book's form: m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), θ ← θ − η m̂/(√v̂ + ε̂).
    Folded (Kingma & Ba, end of section 2; Keras): both corrections go into α,
    the same update with ε̂ = ε/√(1 − β₂ᵗ) (test_kernels_rearranged.py checks it).
    """
    return lr * np.sqrt(1.0 - beta2**t) / (1.0 - beta1**t)


def adamax_step_size(lr: float, beta1: float, t: int) -> float:
    """Adamax's step size η/(1 − β₁ᵗ) (every backend uses it)."""
    return lr / (1.0 - beta1**t)


def nadam_coefficients(beta2: float, u_t: float, u_t1: float, m_sched_new: float,
                       m_sched_next: float, t: int) -> tuple[float, float, float]:
    """(c_m, c_g, 1/(1 − β₂ᵗ)): Nadam's m̂ = c_m·m + c_g·g and v̂ = v·(1/(1 − β₂ᵗ)) as the
    compiled loops compute them (the rearranged form, test_kernels_rearranged.py)."""
    return (float(u_t1 / (1.0 - m_sched_next)), float((1.0 - u_t) / (1.0 - m_sched_new)),
            float(1.0 / (1.0 - beta2**t)))


def adam_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                lr: float, beta1: float, beta2: float, eps: float, t: int,
                vhat: np.ndarray | None = None) -> None:
    r"""Adam (Keras), t = 1, 2, … the step count:

      α = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)
      m ← m + (g − m)(1 − β₁),   v ← v + (g⊙g − v)(1 − β₂)
      AMSGrad (``vhat`` given): v̂ ← max(v̂, v), and v̂ replaces v below
      θ ← θ − α m / (√v + ε)
    m and v are flushed to zero when subnormal.
    """
    checks.adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat)
    alpha = adam_step_size(lr, beta1, beta2, t)
    m += (grad - m) * (1.0 - beta1)
    v += (grad * grad - v) * (1.0 - beta2)
    _flush(m)
    _flush(v)
    if vhat is not None:
        np.maximum(vhat, v, out=vhat)
        v = vhat
    param -= alpha * m / (np.sqrt(v) + eps)


def adamw_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                 lr: float, beta1: float, beta2: float, eps: float, t: int,
                 weight_decay: float) -> None:
    r"""AdamW (Keras): decoupled weight decay θ ← θ − η λ θ first, then Adam."""
    checks.adamw_update(param, grad, m, v, lr, beta1, beta2, eps, t, weight_decay)
    param -= lr * weight_decay * param
    adam_update(param, grad, m, v, lr, beta1, beta2, eps, t)


def adamax_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, u: np.ndarray,
                  lr: float, beta1: float, beta2: float, eps: float, t: int) -> None:
    r"""Adamax (Keras): m ← β₁ m + (1 − β₁) g;  u ← max(β₂ u, |g|);
    θ ← θ − η/(1 − β₁ᵗ) · m/(u + ε).  m and u are flushed when subnormal."""
    checks.adamax_update(param, grad, m, u, lr, beta1, beta2, eps, t)
    m += (grad - m) * (1.0 - beta1)
    np.maximum(beta2 * u, np.abs(grad), out=u)
    _flush(m)
    _flush(u)
    param -= adamax_step_size(lr, beta1, t) * m / (u + eps)


def nadam_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                 lr: float, beta1: float, beta2: float, eps: float, u_t: float,
                 u_t1: float, m_sched_new: float, m_sched_next: float, t: int) -> None:
    r"""Nadam (Keras 3 ``nadam.py``), Nesterov-accelerated Adam.

    The optimizer object computes the momentum schedule (scalars) per step t:
      u_t  = β₁(1 − ½·0.96ᵗ),   u_{t+1} = β₁(1 − ½·0.96^{t+1})
      (legacy Keras 2.3 used 0.96^{0.004 t}; the kernel does not care)
      ``m_sched_new``  = Π_{i≤t} u_i        (Keras' ``u_product``)
      ``m_sched_next`` = m_sched_new · u_{t+1}
    The kernel then does:
      m ← m + (g − m)(1 − β₁),   v ← v + (g⊙g − v)(1 − β₂)
      m̂ = u_{t+1} m / (1 − m_sched_next) + (1 − u_t) g / (1 − m_sched_new)
      v̂ = v / (1 − β₂ᵗ)
      θ ← θ − η m̂ / (√v̂ + ε)
    m and v are flushed to zero when subnormal.
    """
    checks.nadam_update(param, grad, m, v, lr, beta1, beta2, eps, u_t, u_t1, m_sched_new,
                        m_sched_next, t)
    m += (grad - m) * (1.0 - beta1)
    v += (grad * grad - v) * (1.0 - beta2)
    _flush(m)
    _flush(v)
    m_hat = u_t1 * m / (1.0 - m_sched_next) + (1.0 - u_t) * grad / (1.0 - m_sched_new)
    v_hat = v / (1.0 - beta2**t)
    param -= lr * m_hat / (np.sqrt(v_hat) + eps)

