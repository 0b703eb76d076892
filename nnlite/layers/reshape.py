"""``Reshape``: each sample to ``target_shape`` (one axis may be -1)."""

from __future__ import annotations

import math

from .base import Layer


class Reshape(Layer):
    r"""(n, …) → (n, \*target_shape), no weights.

    Equations
    ---------
    .. math:: a = \mathrm{reshape}(x, (n,) + \text{target\_shape}), \qquad
              \frac{\partial L}{\partial x} = \mathrm{reshape}(\delta, \mathrm{shape}(x))
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def compute_output_shape(self, input_shape):
        size = math.prod(d for d in input_shape[1:])
        known = math.prod(d for d in self.target_shape if d != -1)
        shape = tuple(size // known if d == -1 else d for d in self.target_shape)
        if math.prod(shape) != size:
            raise ValueError(f'Reshape layer "{self.name}": cannot reshape {input_shape[1:]} '
                             f"into {self.target_shape}")
        return (input_shape[0],) + shape

    def forward(self, x, training=False):
        self._cache = x.shape
        return x.reshape((x.shape[0],) + self.target_shape)

    def backward(self, grad_output):
        return grad_output.reshape(self._cache) if self.need_input_grad else None

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}
