r"""``ThresholdedReLU``: passes inputs above θ, zero elsewhere.

.. math:: f(x) = \begin{cases} x & x > \theta \\ 0 & x \le \theta \end{cases}, \qquad
          \frac{\partial L}{\partial x} = \delta \cdot 1[x > \theta]

Keras (tf.keras 2) default: ``theta=1.0`` (must be ≥ 0).
"""

from __future__ import annotations

from .base import Layer
from .leaky_relu import check_slope


class ThresholdedReLU(Layer):
    """``keras.layers.ThresholdedReLU(theta=1.0)``."""

    def __init__(self, theta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta = check_slope(f'ThresholdedReLU layer "{self.name}"', "theta", theta)

    def forward(self, x, training=False):
        keep = x > x.dtype.type(self.theta)
        self._cache = keep
        return x * keep

    def backward(self, grad_output):
        return grad_output * self._cache if self.need_input_grad else None

    def get_config(self) -> dict:
        return {**super().get_config(), "theta": self.theta}
