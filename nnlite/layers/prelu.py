r"""``PReLU``: a leaky ReLU whose slopes α are learned (He et al. 2015).

Its equations: :class:`PReLU`.
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as kernels
from .. import constraints, initializers, regularizers
from .base import Layer


class PReLU(Layer):
    r"""``keras.layers.PReLU()`` — one learned negative slope per unit.

    Equations
    ---------
    .. math:: a = \begin{cases} x & x > 0 \\ \alpha \odot x & x \le 0 \end{cases}

    .. math:: \frac{\partial L}{\partial x} = \delta \odot
              \bigl(\mathbb 1[x > 0] + \alpha \odot \mathbb 1[x \le 0]\bigr), \qquad
              \frac{\partial L}{\partial \alpha} = \sum_{\text{batch, shared axes}}
              \delta \odot \min(x, 0)

    α has one entry per input unit (shape = input shape without the batch axis),
    or one per group when ``shared_axes`` lists axes that share a slope (e.g.
    ``shared_axes=[1, 2]`` for one slope per channel of an image).

    Notes
    -----
    Keras defaults: ``alpha_initializer="zeros"`` (so it starts as a plain ReLU),
    no regularizer, no constraint, ``shared_axes=None``.  Computed by the
    ``prelu_forward`` / ``prelu_backward`` kernels.
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self._set_weight_options("alpha", alpha_initializer, alpha_regularizer, alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = [shared_axes] if isinstance(shared_axes, (int, np.integer)) else shared_axes
            self.shared_axes = [int(a) for a in axes]
        self.alpha = None

    def build(self, input_shape) -> None:
        param_shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            if not 1 <= axis < len(input_shape):
                raise ValueError(f'PReLU layer "{self.name}": shared axis {axis} is out of '
                                 f"range for input shape {tuple(input_shape)} (axes start at 1)")
            param_shape[axis - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(f'PReLU layer "{self.name}": the input shape '
                             f"{tuple(input_shape)} needs known sizes on its non-shared axes")
        self.alpha = self.add_weight("alpha", param_shape, self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)

    def forward(self, x, training=False):
        self._cache = x
        return kernels.prelu_forward(x, self.alpha.value)

    def backward(self, grad_output):
        dx, dalpha = kernels.prelu_backward(self._cache, self.alpha.value, grad_output,
                                            need_dx=self.need_input_grad)
        self.alpha.grad[...] = dalpha
        return dx

    def get_config(self) -> dict:
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}
