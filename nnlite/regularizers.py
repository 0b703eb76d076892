r"""Weight penalties added to the loss (Keras formulas, no ½ factor).

* ``l1(λ)``:   Ω(w) = λ Σ|w|,   ∂Ω/∂w = λ·sign(w)
* ``l2(λ)``:   Ω(w) = λ Σw²,    ∂Ω/∂w = 2λw
* ``l1_l2(l1, l2)``: the sum of both

Keras defaults: ``l1()`` and ``l2()`` use λ = 0.01; ``l1_l2()`` uses 0 and 0.
Use them as ``kernel_regularizer``, ``bias_regularizer`` or
``activity_regularizer``; ``fit`` reports the loss *including* the penalty.
A user callable ``f(w) -> float`` works too; give it ``f.gradient(w)`` to
train with it.
"""

from __future__ import annotations

import numpy as np

from .object_registry import ObjectRegistry


class Regularizer:
    """Base class: ``reg(w) -> penalty``, ``reg.gradient(w) -> ∂penalty/∂w``."""

    def __call__(self, w: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError(
            f"{type(self).__name__} has no gradient(w) method: nnlite adds ∂Ω/∂w to the "
            "weights' gradients itself, so a custom regularizer must define it")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def _check_factor(name: str, value) -> float:
    if value is None:  # Keras treats None as 0
        return 0.0
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} regularization factor must be a number >= 0, "
                         f"got {value!r}") from None
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} regularization factor must be a finite number >= 0, "
                         f"got {value}")
    return value


class L1L2(Regularizer):
    r"""Ω(w) = l1·Σ|w| + l2·Σw²."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = _check_factor("l1", l1)
        self.l2 = _check_factor("l2", l2)

    def __call__(self, w):
        w = np.asarray(w)
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * float(np.abs(w).sum())
        if self.l2:
            penalty += self.l2 * float(np.square(w).sum())
        return penalty

    def gradient(self, w):
        w = np.asarray(w)
        grad = np.zeros_like(w)
        if self.l1:
            grad += self.l1 * np.sign(w)
        if self.l2:
            grad += (2 * self.l2) * w
        return grad

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


def _old_name_l(cls: str, value, kwargs: dict):
    """Old Keras spelled the factor ``l`` (``l2(l=0.01)``); accept it too."""
    value = kwargs.pop("l", value)
    if kwargs:
        raise TypeError(f"{cls}: unexpected keyword argument(s) {sorted(kwargs)}")
    return value


class L1(L1L2):
    r"""Ω(w) = λ Σ|w| (Keras default λ = 0.01)."""

    def __init__(self, l1: float = 0.01, **kwargs):
        super().__init__(l1=_old_name_l("L1", l1, kwargs))

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    r"""Ω(w) = λ Σw² (Keras default λ = 0.01; no ½ factor)."""

    def __init__(self, l2: float = 0.01, **kwargs):
        super().__init__(l2=_old_name_l("L2", l2, kwargs))

    def get_config(self):
        return {"l2": self.l2}


def l1(l1: float = 0.01, **kwargs) -> L1:
    """``keras.regularizers.l1(0.01)``: Ω(w) = λ Σ|w|."""
    return L1(l1, **kwargs)


def l2(l2: float = 0.01, **kwargs) -> L2:
    """``keras.regularizers.l2(0.01)``: Ω(w) = λ Σw²."""
    return L2(l2, **kwargs)


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """Keras 2's ``l1_l2`` defaults both factors to 0.01."""
    return L1L2(l1=l1, l2=l2)


class _FunctionRegularizer(Regularizer):
    def __init__(self, fn):
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", "custom")

    def __call__(self, w):
        return float(self.fn(w))

    def gradient(self, w):
        grad = getattr(self.fn, "gradient", None)
        if grad is None:
            raise TypeError(f"regularizer {self.__name__!r} has no gradient: give the function "
                            "a `gradient(w)` attribute or use nnlite.regularizers.l1/l2")
        return np.asarray(grad(w))


class _RegularizerRegistry(ObjectRegistry):
    def from_string(self, name: str) -> Regularizer:
        if name.lower() == "l1_l2":  # tf.keras 2: the string uses l1_l2()'s 0.01 defaults
            return l1_l2()
        return super().from_string(name)


REGULARIZERS = _RegularizerRegistry("regularizer", Regularizer, classes=[L1L2, L1, L2],
                                    names={"l1": L1, "l2": L2, "l1_l2": L1L2},
                                    allow_none=True, wrap_function=_FunctionRegularizer)


def get(identifier) -> Regularizer | None:
    """Resolve None, a name (``"l2"``), a class, a config dict, an instance or a function
    ``f(w)`` (with an ``f.gradient(w)`` attribute to train)."""
    return REGULARIZERS.get(identifier)


def serialize(reg: Regularizer | None) -> dict | None:
    """``{"class_name": ..., "config": ...}`` as Keras writes it (None stays None)."""
    return REGULARIZERS.serialize(reg)


def deserialize(config, custom_objects: dict | None = None) -> Regularizer | None:
    """Inverse of :func:`serialize` (``custom_objects`` first)."""
    return REGULARIZERS.deserialize(config, custom_objects)
