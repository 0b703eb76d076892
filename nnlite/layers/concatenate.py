"""``Concatenate`` / ``concatenate``: join inputs along ``axis``; backward splits."""

from __future__ import annotations

import numpy as np

from .base import Layer


class Concatenate(Layer):
    r"""Concatenates a list of inputs along ``axis`` (default −1), as in wide & deep.

    Equations
    ---------
    .. math:: a = [\,x_1 \,\|\, x_2 \,\|\, \dots\,]

    Backward, the incoming gradient is split back into the pieces:

    .. math:: \frac{\partial L}{\partial x_k} = \delta[\,\dots, \text{columns of } x_k\,]
    """

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def build(self, input_shape) -> None:
        if not isinstance(input_shape, list) or len(input_shape) < 2:
            raise ValueError(f'Concatenate layer "{self.name}" needs a list of at least 2 '
                             f"inputs, got {input_shape}")
        ranks = {len(s) for s in input_shape}
        if len(ranks) != 1:
            raise ValueError(f'Concatenate layer "{self.name}": inputs must have the same '
                             f"rank, got shapes {input_shape}")

    def compute_output_shape(self, input_shape):
        shapes = [list(s) for s in input_shape]
        axis = self.axis % len(shapes[0])
        sizes = [s[axis] for s in shapes]
        out = shapes[0]
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def forward(self, inputs, training=False):
        self._cache = [x.shape[self.axis] for x in inputs]
        return np.concatenate(inputs, axis=self.axis)

    def backward(self, grad_output):
        cuts = np.cumsum(self._cache)[:-1]
        return np.split(grad_output, cuts, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis: int = -1, **kwargs):
    """Functional form: ``keras.layers.concatenate([input_, hidden2])``."""
    return Concatenate(axis=axis, **kwargs)(inputs)
