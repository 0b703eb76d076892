"""``clone_model``: the same architecture with fresh weights (Keras semantics).

>>> import nnlite as keras
>>> model_A = keras.models.Sequential([keras.layers.Dense(3, input_shape=[2])])
>>> model_A_clone = keras.models.clone_model(model_A)           # new layers, new weights
>>> model_A_clone.set_weights(model_A.get_weights())            # the book's copy idiom
>>> model_A_clone.layers[0] is model_A.layers[0]
False

Every layer is rebuilt from its config (same class, same name, same
activation, initializers, regularizers, constraints and ``trainable`` flag);
its weights are drawn again from its initializers when the clone is built.
Nothing is shared with the original — unlike ``Sequential(model_A.layers[:-1])``,
which reuses model A's layer objects, so that training the new model also
changes model A.  The compile state is not cloned: compile the clone.
"""

from __future__ import annotations

from collections.abc import Callable

from ..graph import flatten
from ..layers.base import Layer
from ..layers.input_layer import Input, InputLayer
from ..saving.objects import live_config
from .model import Model
from .sequential import Sequential


def _clone_layer(layer: Layer) -> Layer:
    """Keras' default: ``layer.__class__.from_config(layer.get_config())``."""
    return layer.__class__.from_config(live_config(layer))


def clone_model(model: Model, input_tensors=None,
                clone_function: Callable[[Layer], Layer] | None = None) -> Model:
    """A new model with the architecture of ``model`` and freshly initialized weights.

    ``input_tensors``: symbolic tensors (from ``keras.layers.Input``) to build
    the clone on, instead of new inputs of the same shape.
    ``clone_function(layer) -> layer`` replaces the default layer copy (it
    may return the layer itself to share it).
    """
    clone_function = clone_function or _clone_layer
    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_function)
    if not isinstance(model, Model):
        raise TypeError(f"clone_model expects a Sequential or functional Model, got "
                        f"{type(model).__name__}")
    if not model.built:
        raise ValueError(f"Model {model.name!r} is not built (a subclassed model never "
                         "called?); clone_model works on Sequential and functional models")
    return _clone_functional(model, input_tensors, clone_function)


def _clone_sequential(model: Sequential, input_tensors, clone_function) -> Sequential:
    layers = [clone_function(layer) for layer in model.layers]
    clone = Sequential(name=model.name)
    if input_tensors is not None:
        tensors = flatten(input_tensors)
        if len(tensors) != 1:
            raise ValueError(f"A Sequential model has one input; got {len(tensors)} "
                             "input_tensors")
        clone.add(tensors[0].node.layer)
    elif model._input_tensor is not None and (not layers or
                                              layers[0]._batch_input_shape is None):
        first = layers[0].name if layers else "sequential"
        clone.add(InputLayer(batch_input_shape=model._input_tensor.shape,
                             name=f"{first}_input"))
    for layer in layers:
        clone.add(layer)
    return clone


def _clone_functional(model: Model, input_tensors, clone_function) -> Model:
    if input_tensors is None:
        new_inputs = [Input(batch_shape=t.shape, name=t.node.layer.name)
                      for t in model.inputs]
    else:
        new_inputs = flatten(input_tensors)
        if len(new_inputs) != len(model.inputs):
            raise ValueError(f"Model {model.name!r} has {len(model.inputs)} input(s); got "
                             f"{len(new_inputs)} input_tensors")
    tensors = {old.id: new for old, new in zip(model.inputs, new_inputs)}
    for layer, in_ids, out_id, multi in model._plan:
        new_layer = clone_function(layer)
        inputs = [tensors[i] for i in in_ids]
        tensors[out_id] = new_layer(inputs if multi else inputs[0])
    outputs = [tensors[t.id] for t in model.outputs]
    return Model(inputs=new_inputs if model._multi_input else new_inputs[0],
                 outputs=outputs if model._multi_output else outputs[0], name=model.name)
