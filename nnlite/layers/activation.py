r"""``Activation``: an activation function as its own layer (equations: :class:`Activation`).

``keras.layers.Activation("gelu")`` (also ``"swish"``, ``"silu"``, ``"mish"``) is
how Keras writes those activations as a layer: it has no class for them.
"""

from __future__ import annotations

from .. import activations
from .base import Layer


class Activation(Layer):
    r"""``keras.layers.Activation("elu")`` — an activation as its own layer.

    Equations
    ---------
    φ applied elementwise (its own equations follow, under "with φ ="):

    .. math:: a = \varphi(x), \qquad \frac{\partial L}{\partial x} = \delta \odot \varphi'(x)
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    @property
    def fused_activation(self) -> str | None:
        """This layer's φ, which a cross-entropy loss may fuse with (see ``Layer``)."""
        return getattr(self.activation, "kernel", None)

    def forward(self, x, training=False):
        a = self.activation(x)
        self._cache = (x, a)
        return a

    def backward(self, grad_output, fused: bool = False):
        if fused:  # grad_output is already ∂L/∂x = p − y (fused with the loss)
            return grad_output
        x, a = self._cache
        if self.activation.uses_kernel:  # φ' from a, or from x for gelu, swish, mish
            return self.activation.backward(a, grad_output, z=x)
        return self.activation.backward_from_z(x, grad_output)

    def get_config(self):
        return {**super().get_config(),
                "activation": activations.serialize(self.activation)}
