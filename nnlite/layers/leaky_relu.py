r"""``LeakyReLU``: a ReLU that leaks a small slope α for negative inputs.

Its equations: :class:`LeakyReLU`.
"""

from __future__ import annotations

import math

from .. import _kernels as kernels
from .. import activations
from .base import Layer


def check_slope(where: str, name: str, value) -> float:
    """A finite float ≥ 0, or a ValueError naming the argument and the value received."""
    try:
        slope = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {name} must be a number >= 0, got {value!r}") from None
    if not slope >= 0 or math.isinf(slope):
        raise ValueError(f"{where}: {name} must be a finite number >= 0, got {value!r}")
    return slope


class LeakyReLU(Layer):
    r"""``keras.layers.LeakyReLU(alpha=0.2)`` — usually right after a linear Dense layer.

    Equations
    ---------
    .. math:: \mathrm{LeakyReLU}_\alpha(x) = \max(\alpha x, x) =
              \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}, \qquad
              \frac{\partial L}{\partial x} = \delta \odot
              \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}

    Keras default: ``alpha=0.3`` (tf.keras 2 name; Keras 3 calls it
    ``negative_slope``, accepted too).  The book passes ``alpha=0.2``, which beat
    0.01 in Xu et al. (2015).

    Notes
    -----
    α must be ≥ 0, so the derivative can be read from the output
    (a > 0 ⇔ x > 0) by the fused activation kernels.
    """

    def __init__(self, alpha: float | None = None, negative_slope: float | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        where = f'LeakyReLU layer "{self.name}"'
        if alpha is not None and negative_slope is not None:
            raise ValueError(f"{where}: give alpha or negative_slope, not both "
                             f"(got alpha={alpha!r}, negative_slope={negative_slope!r})")
        value = 0.3 if alpha is None and negative_slope is None else \
            (alpha if alpha is not None else negative_slope)
        self.alpha = check_slope(where, "alpha", value)

    @property
    def negative_slope(self) -> float:
        """Keras 3 name of ``alpha``."""
        return self.alpha

    def as_activation(self) -> activations.KernelActivation:
        """The same function for ``Dense(..., activation=LeakyReLU(alpha=0.2))``."""
        return activations.leaky_relu.with_alpha(self.alpha)

    def forward(self, x, training=False):
        a = kernels.activation_forward(x, "leaky_relu", self.alpha)
        self._cache = a
        return a

    def backward(self, grad_output):
        if not self.need_input_grad:
            return None
        return kernels.activation_backward(self._cache, grad_output, "leaky_relu", self.alpha)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}
