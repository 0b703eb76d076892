"""``HyperParameter``: a float you can read, assign and pass to ``K.set_value``.

``optimizer.lr`` and ``optimizer.learning_rate`` return one, so book code
such as ``K.set_value(model.optimizer.lr, 0.01)``, ``float(optimizer.lr)``
and ``optimizer.lr * 0.5`` all work.
"""

from __future__ import annotations

import operator

import numpy as np


class HyperParameter:
    """A named scalar owned by an optimizer; behaves like a float."""

    def __init__(self, name: str, value: float, on_assign=None):
        self.name = name
        self._value = float(value)
        self._on_assign = on_assign

    def assign(self, value) -> None:
        """Set a new value (takes effect at the next optimizer step).

        The owner's ``on_assign(value)`` runs first: it may reject the value.
        """
        value = float(np.asarray(value))
        if self._on_assign is not None:
            self._on_assign(value)
        self._value = value

    def numpy(self) -> float:
        return self._value

    def __float__(self) -> float:
        return self._value

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._value, dtype=dtype)

    def __format__(self, spec: str) -> str:
        return format(self._value, spec)

    def __repr__(self) -> str:
        return f"<{self.name}={self._value!r}>"

    def _compare(self, other, op):
        try:
            other = float(other)
        except (TypeError, ValueError):
            return NotImplemented
        return op(self._value, other)

    def __eq__(self, other):
        return self._compare(other, operator.eq)

    def __hash__(self):
        return hash((self.name, id(self)))

    def __lt__(self, other):
        return self._compare(other, operator.lt)

    def __le__(self, other):
        return self._compare(other, operator.le)

    def __gt__(self, other):
        return self._compare(other, operator.gt)

    def __ge__(self, other):
        return self._compare(other, operator.ge)

    def __mul__(self, other):
        return self._value * float(other)

    __rmul__ = __mul__

    def __truediv__(self, other):
        return self._value / float(other)

    def __rtruediv__(self, other):
        return float(other) / self._value

    def __add__(self, other):
        return self._value + float(other)

    __radd__ = __add__

    def __sub__(self, other):
        return self._value - float(other)

    def __rsub__(self, other):
        return float(other) - self._value

    def __pow__(self, other):
        return self._value ** float(other)

    def __neg__(self):
        return -self._value
