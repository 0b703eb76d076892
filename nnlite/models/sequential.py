"""``Sequential``: a plain stack of layers, each feeding the next.

``Sequential([...])`` or ``model.add(layer)``.  Give the first layer an
``input_shape``, or start with ``keras.Input(shape=[28, 28])`` (Keras 3 and
the third edition) or an ``InputLayer``, to build it at once; otherwise it is
built from the first batch of data, as in Keras.

Reusing layers: ``Sequential(model_A.layers[:-1])`` *shares* those layer
objects (and their weights) with ``model_A`` — training the new model
changes ``model_A`` too.  Use ``clone_model(model_A)`` and
``set_weights(model_A.get_weights())`` first if ``model_A`` must stay as it is.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..graph import SymbolicTensor
from ..layers.base import Layer
from ..layers.input_layer import Input, InputLayer
from .model import Model


def _input_layer_of(item):
    """The InputLayer behind ``keras.Input(...)``; anything else unchanged."""
    if isinstance(item, SymbolicTensor):
        producer = item.node.layer if item.node is not None else None
        if not isinstance(producer, InputLayer):
            raise TypeError(f"Sequential.add expects a Layer or keras.Input(shape=...), got "
                            f"the output of layer {getattr(producer, 'name', '?')!r} "
                            f"({item!r}); build that model with keras.Model(inputs, outputs)")
        return producer
    return item


class Sequential(Model):
    """A linear stack of layers.

    ``Sequential(model_A.layers[:-1])`` shares those layers (and weights) with
    ``model_A``: training the new model changes ``model_A`` too, unless
    ``model_A`` was cloned first (``clone_model`` + ``set_weights``).
    """

    def __init__(self, layers=None, name: str | None = None):
        super().__init__(name=name)
        self._stack: list[Layer] = []
        self._input_tensor = None
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self) -> list[Layer]:
        return list(self._stack)

    def add(self, layer: Layer | SymbolicTensor) -> None:
        """Append a layer on top of the stack (a layer that cannot be added changes nothing).

        ``keras.Input(shape=...)`` stands for the InputLayer that made it, as in Keras.
        """
        layer = _input_layer_of(layer)
        if isinstance(layer, Model):
            raise NotImplementedError("Adding a model inside a Sequential model is not "
                                      "supported; add its layers: for l in m.layers: "
                                      "model.add(l)")
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a Layer or keras.Input(shape=...), got "
                            f"{type(layer).__name__}: {layer!r}")
        if isinstance(layer, InputLayer):
            if self._stack or self._input_tensor is not None:
                raise ValueError("An InputLayer can only be the first layer of a Sequential "
                                 "model")
            self._input_tensor = layer.output
            return
        previous_input = self._input_tensor
        if self._input_tensor is None and not self._stack and \
                layer._batch_input_shape is not None:
            self._input_tensor = Input(batch_shape=layer._batch_input_shape,
                                       name=f"{layer.name}_input")
        self._stack.append(layer)
        try:
            self._rebuild()
        except Exception:  # e.g. the layer cannot take the stack's output shape
            self._stack.pop()
            self._input_tensor = previous_input
            self._rebuild()
            raise

    def pop(self) -> Layer:
        """Remove and return the top layer."""
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        self._rebuild()
        return layer

    def _rebuild(self) -> None:
        self._built_for_compile = False
        if self._input_tensor is None or not self._stack:
            self._plan = None
            return
        out = self._input_tensor
        for layer in self._stack:
            out = layer(out)
        self._init_graph(self._input_tensor, out)

    def build(self, input_shape=None) -> None:
        """Build for ``input_shape`` (batch axis included, may be None)."""
        if input_shape is not None and self._input_tensor is None:
            self._input_tensor = Input(batch_shape=tuple(input_shape),
                                       name=f"{self._stack[0].name}_input" if self._stack
                                       else None)
            self._rebuild()
        if self._plan is None:
            raise ValueError("Sequential.build needs an input_shape")

    def _input_names_before_build(self, x) -> list[str]:
        """A Sequential model has one input, built or not (named as it will be)."""
        return [f"{self._stack[0].name}_input" if self._stack else "input"]

    def _output_names_before_build(self) -> list[str] | None:
        """Its one output is its last layer's, so compile can check counts before the build."""
        return [self._stack[-1].name] if self._stack else None

    def _ensure_built(self, xs: list[np.ndarray]) -> None:
        if self._plan is None:
            if not self._stack:
                raise ValueError("This Sequential model has no layers; add some first")
            self._input_tensor = Input(shape=xs[0].shape[1:], name=f"{self._stack[0].name}_input")
            self._rebuild()

    # ------------------------------------------- tf.keras <= 2.5 conveniences
    def predict_classes(self, x, batch_size: int = 32, verbose: int = 0) -> np.ndarray:
        """Class indices (removed in tf.keras 2.6; the book's 2nd edition uses it).

        ``argmax(predict(x), axis=-1)`` for several outputs per sample, and
        ``(predict(x) > 0.5).astype("int32")`` for a single sigmoid output —
        exactly what tf.keras 2.5 computed.
        """
        warnings.warn("`model.predict_classes()` was removed from tf.keras in 2.6; use "
                      "`np.argmax(model.predict(x), axis=-1)` (or `(model.predict(x) > 0.5)"
                      ".astype('int32')` for a sigmoid output)", DeprecationWarning, stacklevel=2)
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def predict_proba(self, x, batch_size: int = 32, verbose: int = 0) -> np.ndarray:
        """Same as ``predict`` (tf.keras <= 2.5 API; warns like it)."""
        warnings.warn("`model.predict_proba()` was removed from tf.keras in 2.6; use "
                      "`model.predict()`", DeprecationWarning, stacklevel=2)
        return self.predict(x, batch_size=batch_size, verbose=verbose)
