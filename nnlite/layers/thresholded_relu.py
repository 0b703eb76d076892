r"""``ThresholdedReLU``: passes inputs above θ, zero elsewhere.

Its equations: :class:`ThresholdedReLU`.
"""

from __future__ import annotations

from .. import _kernels as kernels
from .base import Layer
from .sloped_activation import check_slope


class ThresholdedReLU(Layer):
    r"""``keras.layers.ThresholdedReLU(theta=1.0)``.

    Equations
    ---------
    .. math:: a = \begin{cases} x & x > \theta \\ 0 & x \le \theta \end{cases}, \qquad
              \frac{\partial L}{\partial x} = \delta \odot \mathbb 1[x > \theta]

    Keras (tf.keras 2) default: ``theta=1.0`` (must be ≥ 0).

    Notes
    -----
    The general ReLU kernels compute it (no cap, slope 0, threshold θ), as for
    ``ReLU(threshold=θ)``.
    """

    def __init__(self, theta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta = check_slope(f'ThresholdedReLU layer "{self.name}"', "theta", theta)

    def forward(self, x, training=False):
        self._cache = x
        return kernels.relu_general_forward(x, None, 0.0, self.theta)

    def backward(self, grad_output):
        if not self.need_input_grad:
            return None
        return kernels.relu_general_backward(self._cache, grad_output, None, 0.0, self.theta)

    def get_config(self) -> dict:
        return {**super().get_config(), "theta": self.theta}
