r"""``ELU``: the exponential linear unit (Clevert et al. 2015) as a layer.

Its equations: :class:`ELU`.
"""

from __future__ import annotations

from .. import _kernels as kernels
from .. import activations
from .base import Layer
from .leaky_relu import check_slope


class ELU(Layer):
    r"""``keras.layers.ELU(alpha=1.0)`` as its own layer.

    Equations
    ---------
    .. math:: \mathrm{ELU}_\alpha(x) = \begin{cases} x & x > 0 \\
              \alpha(e^x - 1) & x \le 0 \end{cases}, \qquad
              \frac{\partial L}{\partial x} = \delta \odot
              \begin{cases} 1 & x > 0 \\ \alpha e^x = a + \alpha & x \le 0 \end{cases}

    Smooth everywhere when α = 1; negative outputs pull the mean activation
    toward 0.  Keras default: ``alpha=1.0`` (must be ≥ 0 here).  The string
    ``activation="elu"`` on any layer does the same with α = 1.
    """

    def __init__(self, alpha: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = check_slope(f'ELU layer "{self.name}"', "alpha", alpha)

    def as_activation(self) -> activations.KernelActivation:
        """The same function for ``Dense(..., activation=ELU(alpha))``."""
        return activations.elu.with_alpha(self.alpha)

    def forward(self, x, training=False):
        a = kernels.activation_forward(x, "elu", self.alpha)
        self._cache = a
        return a

    def backward(self, grad_output):
        if not self.need_input_grad:
            return None
        return kernels.activation_backward(self._cache, grad_output, "elu", self.alpha)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}
