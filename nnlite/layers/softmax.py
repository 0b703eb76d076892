r"""``Softmax``: turns scores into probabilities along ``axis``; equations: :class:`Softmax`."""

from __future__ import annotations

import numpy as np

from .. import _kernels as kernels
from .. import activations
from .base import Layer


class Softmax(Layer):
    r"""``keras.layers.Softmax(axis=-1)``.

    Equations
    ---------
    .. math:: a_i = \frac{e^{x_i}}{\sum_j e^{x_j}}, \qquad
              \frac{\partial L}{\partial x_i} = a_i\Bigl(\delta_i - \sum_j \delta_j a_j\Bigr)

    (the Jacobian-vector product of diag(a) − aaᵀ).  Keras default: ``axis=-1``.
    As the last layer with a cross-entropy loss (and ``axis=-1``) it is fused
    with the loss like ``Dense(..., activation="softmax")``:
    :math:`\frac{\partial L}{\partial x} = a - y`.
    """

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, (int, np.integer)):
            raise TypeError(f'Softmax layer "{self.name}": axis must be an integer, got '
                            f"{axis!r}")
        self.axis = int(axis)
        # the fused softmax + cross-entropy works on the last axis only
        self.activation = activations.softmax if self.axis == -1 else None

    def as_activation(self) -> activations.KernelActivation:
        """The same function for ``Dense(..., activation=Softmax())`` (last axis only)."""
        if self.activation is None:
            raise ValueError(f'Softmax layer "{self.name}" with axis={self.axis} cannot be used '
                             "as an `activation=` argument (only axis=-1 can); add it as its "
                             "own layer instead")
        return self.activation

    @property
    def fused_activation(self) -> str | None:
        """This layer's φ, which a cross-entropy loss may fuse with (see ``Layer``)."""
        return getattr(self.activation, "kernel", None)

    def _check_axis(self, ndim: int) -> int:
        if not -ndim <= self.axis < ndim:
            raise ValueError(f'Softmax layer "{self.name}": axis {self.axis} is out of range '
                             f"for inputs of rank {ndim}")
        return self.axis % ndim

    def forward(self, x, training=False):
        axis = self._check_axis(x.ndim)
        moved = np.ascontiguousarray(np.moveaxis(x, axis, -1))
        a = kernels.activation_forward(moved, "softmax")
        self._cache = (a, axis)
        return np.moveaxis(a, -1, axis)

    def backward(self, grad_output, fused: bool = False):
        if fused:  # grad_output is already ∂L/∂x = a − y (fused with the loss)
            return grad_output
        if not self.need_input_grad:
            return None
        a, axis = self._cache
        delta = np.ascontiguousarray(np.moveaxis(grad_output, axis, -1))
        return np.moveaxis(kernels.activation_backward(a, delta, "softmax"), -1, axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
