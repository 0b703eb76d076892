# Exercise 2, planted mistakes.  Each cell replaces the learner cell; the check must
# fail and its message must contain `expect` (see grade.py and docs/teaching.md).
# ruff: noqa: F811
import numpy as np

import nnlite as keras

MINE = ("relu", "elu", "selu")
LAMBDA, SELU_ALPHA = keras.activations.SELU_SCALE, keras.activations.SELU_ALPHA

# %% mistake="derivative_from_z_formula_applied_to_a" expect="activation_backward:elu"


def activation_forward(z, act, alpha=0.0, out=None):
    if act not in MINE:
        raise NotImplementedError(f"{act!r} is not part of this exercise")
    elu = np.where(z > 0, z, np.expm1(np.minimum(z, 0)))
    a = {"relu": np.maximum(z, 0), "elu": np.where(z > 0, z, alpha * elu),
         "selu": LAMBDA * np.where(z > 0, z, SELU_ALPHA * elu)}[act].astype(z.dtype)
    if out is None:
        return a
    out[...] = a
    return out


def activation_backward(a, delta, act, alpha=0.0, out=None, z=None):
    """φ'(z) = α e^z for z ≤ 0, evaluated at a instead of z."""
    if act not in MINE:
        raise NotImplementedError(f"{act!r} is not part of this exercise")
    slope = {"relu": (a > 0) * 1.0, "elu": np.where(a > 0, 1.0, alpha * np.exp(a)),
             "selu": np.where(a > 0, LAMBDA, LAMBDA * SELU_ALPHA * np.exp(a))}[act]
    grad = (delta * slope).astype(delta.dtype)
    if out is None:
        return grad
    out[...] = grad
    return out


# %% mistake="relu_derivative_one_at_zero" expect="a mask or a condition"


def activation_forward(z, act, alpha=0.0, out=None):
    if act not in MINE:
        raise NotImplementedError(f"{act!r} is not part of this exercise")
    elu = np.where(z > 0, z, np.expm1(np.minimum(z, 0)))
    a = {"relu": np.maximum(z, 0), "elu": np.where(z > 0, z, alpha * elu),
         "selu": LAMBDA * np.where(z > 0, z, SELU_ALPHA * elu)}[act].astype(z.dtype)
    if out is None:
        return a
    out[...] = a
    return out


def activation_backward(a, delta, act, alpha=0.0, out=None, z=None):
    """ReLU's φ' taken as 1[a ≥ 0]: every unit with z ≤ 0 (a = 0) still gets gradient."""
    if act not in MINE:
        raise NotImplementedError(f"{act!r} is not part of this exercise")
    slope = {"relu": (a >= 0) * 1.0, "elu": np.where(a > 0, 1.0, a + alpha),
             "selu": np.where(a > 0, LAMBDA, a + LAMBDA * SELU_ALPHA)}[act]
    grad = (delta * slope).astype(delta.dtype)
    if out is None:
        return grad
    out[...] = grad
    return out


# %% mistake="selu_without_lambda" expect="scale λ"


def activation_forward(z, act, alpha=0.0, out=None):
    """SELU's scale λ forgotten: plain ELU with SELU's α."""
    if act not in MINE:
        raise NotImplementedError(f"{act!r} is not part of this exercise")
    elu = np.where(z > 0, z, np.expm1(np.minimum(z, 0)))
    a = {"relu": np.maximum(z, 0), "elu": np.where(z > 0, z, alpha * elu),
         "selu": np.where(z > 0, z, SELU_ALPHA * elu)}[act].astype(z.dtype)
    if out is None:
        return a
    out[...] = a
    return out


def activation_backward(a, delta, act, alpha=0.0, out=None, z=None):
    if act not in MINE:
        raise NotImplementedError(f"{act!r} is not part of this exercise")
    slope = {"relu": (a > 0) * 1.0, "elu": np.where(a > 0, 1.0, a + alpha),
             "selu": np.where(a > 0, LAMBDA, a + LAMBDA * SELU_ALPHA)}[act]
    grad = (delta * slope).astype(delta.dtype)
    if out is None:
        return grad
    out[...] = grad
    return out
