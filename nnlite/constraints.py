r"""Weight constraints, applied to a weight after every optimizer step.

* ``max_norm(r, axis=0)``: w ← w · clip(‖w‖, 0, r) / (ε + ‖w‖), norms over
  ``axis`` (axis=0: each unit's incoming weight vector of a Dense kernel)
* ``non_neg()``: w ← max(w, 0)
* ``unit_norm(axis=0)``: w ← w / (ε + ‖w‖)
* ``min_max_norm(min_value, max_value, rate, axis)``: norms pulled into
  [min, max] at ``rate``

ε = 1e-7 (Keras' epsilon).
"""

from __future__ import annotations

import numpy as np

from . import _kernels as kernels
from .object_registry import ObjectRegistry

EPS = 1e-7


class Constraint:
    """Base class: ``c(w) -> projected w``."""

    def __call__(self, w: np.ndarray) -> np.ndarray:
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def _number(where: str, name: str, value) -> float:
    """``float(value)``, or a ValueError naming the constraint, argument and value."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {name} must be a number, got {value!r}") from None
    if not np.isfinite(number):
        raise ValueError(f"{where}: {name} must be finite, got {value!r}")
    return number


def _norms(w: np.ndarray, axis) -> np.ndarray:
    axis = tuple(axis) if isinstance(axis, list) else axis
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    r"""‖w‖₂ ≤ r along ``axis`` (Keras default r = 2, axis = 0)."""

    def __init__(self, max_value: float = 2.0, axis=0):
        value = _number("MaxNorm", "max_value", max_value)
        if not value > 0:
            raise ValueError(f"MaxNorm: max_value must be > 0 (the largest norm allowed), "
                             f"got {max_value!r}")
        self.max_value, self.axis = value, axis

    def __call__(self, w):
        w = np.asarray(w)
        if isinstance(self.axis, (int, np.integer)) and np.issubdtype(w.dtype, np.floating):
            out = w.copy()
            kernels.max_norm_(out, self.max_value, int(self.axis))  # the same formula
            return out
        norms = _norms(w, self.axis)
        return w * (np.clip(norms, 0, self.max_value) / (EPS + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """w ≥ 0."""

    def __call__(self, w):
        return w * (w >= 0)


class UnitNorm(Constraint):
    r"""‖w‖₂ = 1 along ``axis``."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (EPS + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    r"""min ≤ ‖w‖₂ ≤ max along ``axis``, moved there at ``rate`` (1 = at once)."""

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0,
                 axis=0):
        low = _number("MinMaxNorm", "min_value", min_value)
        high = _number("MinMaxNorm", "max_value", max_value)
        speed = _number("MinMaxNorm", "rate", rate)
        if low < 0 or high < low:
            raise ValueError(f"MinMaxNorm: need 0 <= min_value <= max_value, got "
                             f"min_value={min_value!r}, max_value={max_value!r}")
        if not 0.0 <= speed <= 1.0:
            raise ValueError(f"MinMaxNorm: rate must be in [0, 1], got {rate!r}")
        self.min_value, self.max_value, self.rate, self.axis = low, high, speed, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = (self.rate * np.clip(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return w * (desired / (EPS + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
maxnorm, nonneg, unitnorm = MaxNorm, NonNeg, UnitNorm  # old Keras aliases
CONSTRAINTS = ObjectRegistry(
    "constraint", Constraint, classes=[MaxNorm, NonNeg, UnitNorm, MinMaxNorm],
    names={"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
           "min_max_norm": MinMaxNorm, "maxnorm": MaxNorm, "nonneg": NonNeg,
           "unitnorm": UnitNorm},
    allow_none=True)  # a function f(w) -> w is used as it is


def get(identifier) -> Constraint | None:
    """Resolve None, a name (``"max_norm"``), a class, a config dict, an instance or a
    function ``f(w) -> w``."""
    return CONSTRAINTS.get(identifier)


def serialize(c) -> dict | None:
    """``{"class_name": ..., "config": ...}`` as Keras writes it (None stays None)."""
    return CONSTRAINTS.serialize(c)


def deserialize(config, custom_objects: dict | None = None):
    """Inverse of :func:`serialize` (``custom_objects`` first)."""
    return CONSTRAINTS.deserialize(config, custom_objects)
