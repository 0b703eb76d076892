"""``InputLayer`` and ``Input``: where a functional graph starts."""

from __future__ import annotations

from .. import backend
from ..graph import Node, SymbolicTensor
from .base import Layer


def _default_name() -> str:
    """``input_1``, ``input_2``, … (tf.keras 2 numbers inputs from 1)."""
    backend._name_counts["input"] += 1
    return f"input_{backend._name_counts['input']}"


class InputLayer(Layer):
    r"""Declares the shape of the model input (batch axis excluded).

    ``keras.layers.InputLayer(input_shape=[8])`` in a Sequential model, or
    implicitly through ``Input(shape=...)``.

    Equations
    ---------
    Nothing is computed; the layer only fixes the input shape:

    .. math:: a = x
    """

    def __init__(self, input_shape=None, batch_size=None, name=None, dtype=None,
                 batch_input_shape=None, shape=None, **kwargs):
        shape = shape if shape is not None else input_shape
        if batch_input_shape is None:
            if shape is None:
                raise ValueError("InputLayer needs input_shape (or shape, or batch_input_shape)")
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_input_shape = (batch_size,) + shape
        super().__init__(name=name or _default_name(), batch_input_shape=batch_input_shape,
                         **kwargs)
        self.built = True
        self._build_input_shape = tuple(batch_input_shape)
        node = Node(self, [], tuple(batch_input_shape))
        self._inbound_nodes.append(node)

    def get_config(self):
        return {"name": self.name, "batch_input_shape": list(self._batch_input_shape)}

    def forward(self, x, training=False):
        return x

    def backward(self, grad_output):
        return grad_output


def Input(shape=None, batch_size=None, name=None, dtype=None, batch_shape=None,
          **kwargs) -> SymbolicTensor:  # noqa: N802 - Keras name
    """A symbolic input tensor: ``input_ = keras.layers.Input(shape=[8])``."""
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       batch_input_shape=batch_shape, **kwargs)
    return layer.output
