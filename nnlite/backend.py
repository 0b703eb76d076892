"""``keras.backend`` equivalents: float type, names, ``set_value`` / ``get_value``.

The module is also callable: ``with nnlite.backend("numba"): ...`` runs a
block with another kernel backend (see :mod:`nnlite._kernels`).
"""

from __future__ import annotations

import collections
import sys
import types

import numpy as np

from . import _kernels

_FLOATX = "float32"
_EPSILON = 1e-7
_name_counts: collections.Counter = collections.Counter()


def floatx() -> str:
    """The default float type of weights and inputs (Keras: ``"float32"``)."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float type (``"float32"`` or ``"float64"``)."""
    global _FLOATX
    if value not in ("float32", "float64"):
        raise ValueError(f"floatx must be 'float32' or 'float64', got {value!r}")
    _FLOATX = value


def epsilon() -> float:
    """The fuzz factor used to clip probabilities (Keras: 1e-7)."""
    return _EPSILON


def unique_name(base: str) -> str:
    """``dense``, ``dense_1``, ``dense_2``, ... as Keras names layers."""
    n = _name_counts[base]
    _name_counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def clear_session() -> None:
    """Reset automatic layer names (the next Dense is ``dense`` again)."""
    _name_counts.clear()


def _settable(obj):
    if hasattr(obj, "assign"):
        return obj
    raise TypeError(
        f"set_value/get_value expect an optimizer hyperparameter such as "
        f"optimizer.learning_rate or a Variable, got {type(obj).__name__}"
    )


def set_value(x, value) -> None:
    """Set ``x`` (``optimizer.lr``, a Variable) to ``value``, as ``K.set_value``."""
    _settable(x).assign(value)


def get_value(x):
    """The current value of ``x`` (``optimizer.lr``, a Variable) as NumPy."""
    if isinstance(x, (int, float, np.ndarray, np.generic)):
        return x
    return _settable(x).numpy()


set_backend = _kernels.set_backend
get_backend = _kernels.get_backend
available_backends = _kernels.available_backends


class _CallableModule(types.ModuleType):
    def __call__(self, name: str):
        """``with nnlite.backend("numba"):`` — use a kernel backend in a block."""
        return _kernels.use_backend(name)


sys.modules[__name__].__class__ = _CallableModule
