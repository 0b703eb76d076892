r"""``Flatten``: each sample to a vector; backward reshapes back."""

from __future__ import annotations

import math

from .base import Layer


class Flatten(Layer):
    r"""Flattens each sample to a vector (no weights): (n, d1, d2, …) → (n, d1·d2·…).

    Equations
    ---------
    .. math:: a = \mathrm{reshape}(x, (n, -1)), \qquad
              \frac{\partial L}{\partial x} = \mathrm{reshape}(\delta, \mathrm{shape}(x))
    """

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def forward(self, x, training=False):
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_output):
        return grad_output.reshape(self._cache) if self.need_input_grad else None
