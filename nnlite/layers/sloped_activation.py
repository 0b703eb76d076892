"""``SlopedActivation``: the common part of the activation layers with a slope α (ELU, LeakyReLU).

Each such layer applies one activation kernel with its α, forward and
backward, keeps the output a (the kernels read φ' from it) and saves α in
its config.  Its equations are in the subclass's docstring.
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


class SlopedActivation(Layer):
    """a = φ_α(x) with the activation ``function`` and the slope ``self.alpha``."""

    #: the activation function φ the layer applies (e.g. ``activations.elu``)
    function: activations.KernelActivation

    def as_activation(self) -> activations.KernelActivation:
        """The same function, for ``Dense(..., activation=<this layer>)``."""
        return self.function.with_alpha(self.alpha)

    def forward(self, x, training=False):
        a = kernels.activation_forward(x, self.function.kernel, self.alpha)
        self._cache = a
        return a

    def backward(self, grad_output):
        if not self.need_input_grad:
            return None
        return kernels.activation_backward(self._cache, grad_output, self.function.kernel,
                                           self.alpha)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}
