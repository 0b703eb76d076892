r"""Reference activation kernels: forward a = φ(z) and the backward
δ ⊙ φ' computed **from the output a** (so the pre-activation z need not be
kept), except for GELU, Swish and Mish.  The equations of each φ and φ':
the activation classes of :mod:`nnlite.activations` (e.g.
:class:`~nnlite.activations.GeluActivation`); the code below reads like them.

Names: ``linear relu sigmoid tanh softmax softplus elu selu leaky_relu``
and ``gelu gelu_approximate swish mish``.
``alpha`` is the slope/scale parameter of ``elu`` (α) and ``leaky_relu`` (α);
other activations ignore it.

GELU, Swish and Mish (:data:`FROM_Z`) dip below zero and come back up, so one
output a comes from two inputs z: their φ' cannot be read from a, and the
backward kernel takes the pre-activation z as well (``z=``).
Φ(z) = ½(1 + erf(z/√2)) is computed as ½ erfc(−z/√2), the same number
without the cancellation of 1 + erf for negative z.
"""

from __future__ import annotations

import numpy as np
from scipy.special import erfc

from .. import checks
from ..checks.activations import FROM_Z  # φ' computed from z, not from a

#: SELU constants (Klambauer et al. 2017), exact values used by Keras.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

#: √(2/π) and the cubic coefficient of GELU's tanh approximation (Hendrycks & Gimpel 2016).
GELU_TANH_SCALE = 0.7978845608028654
GELU_TANH_CUBIC = 0.044715
#: 1/√2 and 1/√(2π): Φ(z) = ½ erfc(−z/√2) and the normal density e^{−z²/2}/√(2π).
SQRT_HALF = 0.7071067811865476
INV_SQRT_2PI = 0.3989422804014327

ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax", "softplus",
               "elu", "selu", "leaky_relu", "gelu", "gelu_approximate", "swish", "mish")


def _check(act: str) -> None:
    if act not in ACTIVATIONS:
        raise ValueError(f"unknown activation kernel {act!r}; known: {ACTIVATIONS}")


def needs_z(act: str) -> bool:
    """True when φ'(z) of ``act`` is computed from z (its backward needs ``z=``)."""
    return act in FROM_Z


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1+e^{-z}), written so that e^{±z} never overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def normal_cdf(z: np.ndarray) -> np.ndarray:
    """Φ(z) = ½(1 + erf(z/√2)), computed as ½ erfc(−z/√2)."""
    return 0.5 * erfc(-z * SQRT_HALF)


def _gelu_tanh(z: np.ndarray) -> np.ndarray:
    """t = tanh(√(2/π)(z + 0.044715 z³)) of GELU's approximation."""
    return np.tanh(GELU_TANH_SCALE * (z + GELU_TANH_CUBIC * z * z * z))


def activation_forward(z: np.ndarray, act: str, alpha: float = 0.0,
                       out: np.ndarray | None = None) -> np.ndarray:
    r"""The activation ``act`` elementwise (softmax: along the last axis, max-shifted).

    The equations: :mod:`nnlite.activations`, one class per activation.
    """
    checks.activation_forward(z, act, alpha, out)
    _check(act)
    if out is None:
        out = np.empty_like(z)
    if act == "linear":
        out[...] = z
    elif act == "relu":
        np.maximum(z, 0, out=out)
    elif act == "sigmoid":
        out[...] = _sigmoid(z)
    elif act == "tanh":
        np.tanh(z, out=out)
    elif act == "softplus":
        out[...] = np.logaddexp(0.0, z)
    elif act == "elu":
        out[...] = np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))
    elif act == "selu":
        out[...] = SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0)))
    elif act == "leaky_relu":
        out[...] = np.where(z > 0, z, alpha * z)
    elif act == "gelu":
        out[...] = z * normal_cdf(z)
    elif act == "gelu_approximate":
        out[...] = 0.5 * z * (1 + _gelu_tanh(z))
    elif act == "swish":
        out[...] = z * _sigmoid(z)
    elif act == "mish":
        out[...] = z * np.tanh(np.logaddexp(0.0, z))
    else:  # softmax
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        out[...] = e / e.sum(axis=-1, keepdims=True)
    return out


def derivative_from_z(z: np.ndarray, act: str) -> np.ndarray:
    r"""φ'(z) of the activations of :data:`FROM_Z`, from the pre-activation z.

    The equations: :class:`~nnlite.activations.GeluActivation`,
    :class:`~nnlite.activations.SwishActivation`, :class:`~nnlite.activations.MishActivation`.
    """
    if act == "gelu":
        return normal_cdf(z) + z * INV_SQRT_2PI * np.exp(-0.5 * z * z)
    if act == "gelu_approximate":
        t = _gelu_tanh(z)
        return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_TANH_SCALE * (
            1 + 3 * GELU_TANH_CUBIC * z * z)
    if act == "swish":
        s = _sigmoid(z)
        return s * (1 + z * (1 - s))
    t = np.tanh(np.logaddexp(0.0, z))  # mish
    return t + z * _sigmoid(z) * (1 - t * t)


def activation_backward(a: np.ndarray, delta: np.ndarray, act: str, alpha: float = 0.0,
                        out: np.ndarray | None = None, z: np.ndarray | None = None
                        ) -> np.ndarray:
    r"""The gradient δ ⊙ φ', with φ' written in terms of the output a = φ(z).

    Softmax: the Jacobian-vector product.  gelu, gelu_approximate, swish,
    mish: φ'(z) from the pre-activation ``z`` (required for them, ignored by
    the others; see :func:`derivative_from_z`).  The equations:
    :mod:`nnlite.activations`, one class per activation.
    """
    checks.activation_backward(a, delta, act, alpha, out, z)
    _check(act)
    if out is None:
        out = np.empty_like(delta)
    if needs_z(act):
        out[...] = delta * derivative_from_z(np.asarray(z, dtype=a.dtype), act)
    elif act == "linear":
        out[...] = delta
    elif act == "relu":
        out[...] = delta * (a > 0)
    elif act == "sigmoid":
        out[...] = delta * a * (1 - a)
    elif act == "tanh":
        out[...] = delta * (1 - a * a)
    elif act == "softplus":
        out[...] = delta * -np.expm1(-a)
    elif act == "elu":
        out[...] = delta * np.where(a > 0, 1.0, a + alpha)
    elif act == "selu":
        out[...] = delta * np.where(a > 0, SELU_SCALE, a + SELU_SCALE * SELU_ALPHA)
    elif act == "leaky_relu":
        out[...] = delta * np.where(a > 0, 1.0, alpha)
    else:  # softmax
        out[...] = a * (delta - (delta * a).sum(axis=-1, keepdims=True))
    return out
