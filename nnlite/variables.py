"""``Variable``: a named weight array with its gradient.

A Variable owns ``value`` (a NumPy array that is always updated in place, so
views of it stay valid) and ``grad`` (same shape, written by ``backward``).
At its first step an optimizer re-seats both as views of its flat buffer
(``optimizers.optimizer.FlatWeights``, values copied): keep the Variable, not
an array taken from it before training.
``trainable=False`` weights (BatchNormalization's moving statistics, frozen
layers) are never touched by an optimizer.

During a ``fit`` on the ``cuda`` backend the weights live on the GPU
(``nnlite._kernels.cuda.device_weights``): inside a training step ``value``
and ``grad`` are device arrays; outside it they are the NumPy arrays, copied
back from the device when first read after a step.  ``assign`` marks the
device copy out of date; a write into ``value[...]`` mid-``fit`` is not seen.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class Variable:
    """A weight: ``value``, ``grad``, ``name``, ``trainable``.

    ``regularizer`` (a callable ``w -> penalty`` with ``.gradient(w)``) and
    ``constraint`` (a callable ``w -> projected w``, applied after every
    optimizer step) are optional.
    """

    def __init__(self, value: np.ndarray, name: str = "variable", trainable: bool = True,
                 regularizer=None, constraint=None):
        self._placement = None  # the device copy during a cuda fit (device_weights)
        self.value = np.asarray(value, order="C")  # (ascontiguousarray makes a scalar 1-d)
        self.grad = np.zeros_like(self.value)
        self.name = name
        self._trainable = bool(trainable)
        self.regularizer = regularizer
        self.constraint = constraint
        self.layer = None  # set by Layer.add_weight

    @property
    def value(self) -> np.ndarray:
        """The weight array (a device array inside a cuda training step)."""
        if self._placement is None:
            return self._value
        return self._placement.value_of(self)

    @value.setter
    def value(self, array) -> None:
        self._value = array
        if self._placement is not None:
            self._placement.host_replaced()

    @property
    def grad(self) -> np.ndarray:
        """∂L/∂value of the last backward pass (a device array inside a cuda training step)."""
        if self._placement is None:
            return self._grad
        return self._placement.grad_of(self)

    @grad.setter
    def grad(self, array) -> None:
        self._grad = array
        if self._placement is not None:
            self._placement.host_replaced()

    @property
    def trainable(self) -> bool:
        """Whether optimizers update it (also False when its layer is frozen)."""
        return self._trainable and (self.layer is None or self.layer.trainable)

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def size(self) -> int:
        return self.value.size

    def numpy(self) -> np.ndarray:
        """A copy of the current value."""
        return self.value.copy()

    def assign(self, new_value) -> None:
        """Overwrite the value in place (shape must match)."""
        new_value = np.asarray(new_value)
        if new_value.shape != self.value.shape:
            raise ValueError(
                f"Variable {self.name!r}: cannot assign a value of shape {new_value.shape}, "
                f"expected {self.value.shape}"
            )
        self.value[...] = new_value
        if self._placement is not None:
            self._placement.host_written()

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)

    def __repr__(self) -> str:
        return (f"<Variable '{self.name}' shape={self.value.shape} "
                f"dtype={self.value.dtype} trainable={self.trainable}>")


def assign_all(variables: Sequence[Variable], values, owner: str) -> None:
    """Set ``variables`` to ``values`` (Keras' ``set_weights``), all or nothing.

    The count and every shape are checked before the first assignment, so a
    mismatch raises a ValueError naming ``owner`` (e.g. ``"Layer 'dense'"``)
    and the weight, and leaves every value as it was.
    """
    values = list(values)
    if len(values) != len(variables):
        raise ValueError(f"{owner} has {len(variables)} weight arrays, got {len(values)}")
    for var, value in zip(variables, values):
        if np.shape(value) != var.shape:
            raise ValueError(f"{owner}, weight {var.name!r}: expected shape {var.shape}, got "
                             f"{np.shape(value)}")
    for var, value in zip(variables, values):
        var.assign(value)


class WeightOwner:
    """Keras' ``get_weights`` / ``set_weights`` / ``count_params`` over ``self.weights``,
    shared by layers and models; ``owner_kind`` names the owner in errors."""

    owner_kind = "Layer"

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weight values, in ``self.weights`` order."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights) -> None:
        """Set every weight; checks count and shapes first, so nothing is half-set."""
        assign_all(self.weights, weights, f"{self.owner_kind} {self.name!r}")

    def count_params(self) -> int:
        """The number of weight values (trainable or not)."""
        return int(sum(w.size for w in self.weights))
