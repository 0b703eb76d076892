r"""Reference activation kernels: forward :math:`a = \varphi(z)` and the
backward :math:`g = \delta \odot \varphi'(z)` computed **from the output a**
(so the pre-activation z need not be kept).

Names: ``linear relu sigmoid tanh softmax softplus elu selu leaky_relu``.
``alpha`` is the slope/scale parameter of ``elu`` (α) and ``leaky_relu`` (α);
other activations ignore it.
"""

from __future__ import annotations

import numpy as np

from .. import checks

#: SELU constants (Klambauer et al. 2017), exact values used by Keras.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax", "softplus",
               "elu", "selu", "leaky_relu")


def _check(act: str) -> None:
    if act not in ACTIVATIONS:
        raise ValueError(f"unknown activation kernel {act!r}; known: {ACTIVATIONS}")


def activation_forward(z: np.ndarray, act: str, alpha: float = 0.0,
                       out: np.ndarray | None = None) -> np.ndarray:
    r"""a = φ(z), elementwise (softmax: along the last axis).

    relu: max(z, 0); sigmoid: 1/(1+e^{-z}); tanh; softplus: log(1+e^z);
    elu: z if z>0 else α(e^z−1); selu: λ·elu_{α_s}(z);
    leaky_relu: z if z>0 else αz; softmax: e^{z_i}/Σ_j e^{z_j} (max-shifted).
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
        # 1/(1+e^{-z}) written so that e^{±z} never overflows
        e = np.exp(-np.abs(z))
        out[...] = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
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
    else:  # softmax
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        out[...] = e / e.sum(axis=-1, keepdims=True)
    return out


def activation_backward(a: np.ndarray, delta: np.ndarray, act: str, alpha: float = 0.0,
                        out: np.ndarray | None = None) -> np.ndarray:
    r"""g = δ ⊙ φ'(z), with φ' written in terms of the output a = φ(z).

    relu: 1[a>0]; sigmoid: a(1−a); tanh: 1−a²; softplus: 1−e^{−a};
    elu: 1 if a>0 else a+α; selu: λ if a>0 else a+λα_s;
    leaky_relu: 1 if a>0 else α;
    softmax (Jacobian-vector product): g_i = a_i(δ_i − Σ_j δ_j a_j).
    """
    checks.activation_backward(a, delta, act, alpha, out)
    _check(act)
    if out is None:
        out = np.empty_like(delta)
    if act == "linear":
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
