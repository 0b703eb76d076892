r"""``Layer``: the base of every layer.

A layer owns its weights (:class:`~nnlite.variables.Variable`), builds them
lazily from the first input shape, and implements

* ``forward(x, training)`` — compute the output and store in ``self._cache``
  only what ``backward`` needs;
* ``backward(grad_output)`` — write each weight's gradient into ``w.grad``
  and return ∂L/∂input (or ``None`` when ``self.need_input_grad`` is False,
  e.g. the first layer, whose input needs no gradient).

``layer.trainable = False`` freezes it: its weights move to
``non_trainable_weights`` and optimizers skip them (takes effect at the next
``compile``, as in Keras).

**Per-step state.**  Some layers change state in a training forward pass
besides their output: BatchNormalization's moving statistics, the step
counter of the noise layers.  A model's training step must not keep those
changes when the step goes non-finite, so inside :func:`deferred_updates`
(``defer_updates`` is True) such a layer only *stages* them; the model then
calls ``commit_updates()`` once the loss, the gradients and
``updates_are_finite()`` are all finite, and ``discard_updates()``
otherwise.  Outside a model's step (an eager ``layer(x, training=True)``,
MC-dropout predictions) a layer commits at once, as in Keras.  A custom layer
with such state overrides the three methods (see BatchNormalization).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence

import numpy as np

from .. import backend, constraints, initializers, regularizers
from ..equations import Equations
from ..graph import Node, SymbolicTensor, flatten
from ..naming import snake_case
from ..variables import Variable, WeightOwner

_BASE_KWARGS = {"name", "trainable", "input_shape", "batch_input_shape", "input_dim",
                "dtype", "batch_size", "dynamic", "activity_regularizer"}


def _marks_built(build):
    """``build`` followed by ``built = True`` (and the shape remembered, if it was not)."""
    @functools.wraps(build)
    def build_and_mark(self, input_shape, *args, **kwargs):
        result = build(self, input_shape, *args, **kwargs)
        if self._build_input_shape is None:
            self._build_input_shape = input_shape
        self.built = True
        return result

    return build_and_mark


class Layer(WeightOwner):
    """Base layer: weights, lazy build, forward/backward, Keras bookkeeping."""

    #: forward/backward equations (markdown + LaTeX), from :mod:`nnlite.equations`
    equations = Equations()

    #: The activation (kernel name, e.g. ``"softmax"``) this layer applies last when
    #: a cross-entropy loss may be *fused* with it: then ``backward(grad, fused=True)``
    #: takes ∂L/∂z = p − y directly (see :mod:`nnlite.models.compile`).  None: never.
    fused_activation: str | None = None

    def __init_subclass__(cls, **kwargs):
        """Every subclass's ``build`` marks the layer built, as Keras' ``build`` does.

        So ``layer.build((None, 4)); layer.set_weights(...)`` keeps those
        weights at the next call instead of building fresh ones.
        """
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:
            cls.build = _marks_built(cls.__dict__["build"])

    def __init__(self, name: str | None = None, trainable: bool = True, **kwargs):
        unknown = set(kwargs) - _BASE_KWARGS
        if unknown:
            raise TypeError(f"{type(self).__name__}: keyword argument not understood: "
                            f"{sorted(unknown)[0]!r}")
        self.name = name or backend.unique_name(snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self._weights: list[Variable] = []
        self.built = False
        self.need_input_grad = True
        self._cache = None
        self._inbound_nodes: list[Node] = []
        self._build_input_shape = None
        # Ω(a) added to the loss for this layer's output a (any layer, as in tf.keras)
        self.activity_regularizer = regularizers.get(kwargs.get("activity_regularizer"))
        self._batch_input_shape = self._parse_input_shape(kwargs)

    def _set_weight_options(self, weight: str, initializer, regularizer=None,
                            constraint=None) -> None:
        """``{weight}_initializer``, ``_regularizer``, ``_constraint`` from Keras' arguments."""
        setattr(self, f"{weight}_initializer", initializers.get(initializer))
        setattr(self, f"{weight}_regularizer", regularizers.get(regularizer))
        setattr(self, f"{weight}_constraint", constraints.get(constraint))

    # ------------------------------------------------------------------ config
    @staticmethod
    def _parse_input_shape(kwargs: dict):
        if kwargs.get("batch_input_shape") is not None:
            return tuple(kwargs["batch_input_shape"])
        if kwargs.get("input_shape") is not None:
            shape = kwargs["input_shape"]
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            return (kwargs.get("batch_size"),) + shape
        if kwargs.get("input_dim") is not None:
            return (kwargs.get("batch_size"), int(kwargs["input_dim"]))
        return None

    def get_config(self) -> dict:
        """The constructor arguments (JSON-serializable), as Keras' ``get_config``."""
        config = {"name": self.name, "trainable": self.trainable}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    # ----------------------------------------------------------------- weights
    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)

    def add_weight(self, name: str, shape, initializer="glorot_uniform", trainable: bool = True,
                   regularizer=None, constraint=None, dtype=None) -> Variable:
        """Create, initialize and track a weight of this layer."""
        init = initializers.get(initializer)
        var = Variable(init(tuple(shape), dtype or backend.floatx()), name=f"{self.name}/{name}",
                       trainable=trainable, regularizer=regularizer, constraint=constraint)
        var.layer = self
        self._weights.append(var)
        return var

    @property
    def weights(self) -> list[Variable]:
        """Trainable weights first, then non-trainable ones (Keras order)."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def variables(self) -> list[Variable]:
        return self.weights

    @property
    def trainable_weights(self) -> list[Variable]:
        return [w for w in self._weights if w.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return [w for w in self._weights if not w.trainable]

    # ------------------------------------------------------------------ shapes
    def build(self, input_shape) -> None:
        """Create the weights for ``input_shape`` (batch axis included, may be None)."""
        self.built = True

    def _maybe_build(self, input_shape) -> None:
        if not self.built:
            self._build_input_shape = input_shape
            self.build(input_shape)
            self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def check_input_shape(self, shape: tuple) -> None:
        """Raise a clear ValueError when ``shape`` differs from the built one."""
        expected = self._build_input_shape
        if expected is None or isinstance(expected, list):
            return
        if len(shape) != len(expected) or any(
                e is not None and e != s for e, s in zip(expected[1:], shape[1:])):
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected '
                f"shape {tuple(expected)}, but received input with shape {tuple(shape)}")

    # ---------------------------------------------------------- forward/back
    def forward(self, x, training: bool = False):
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, grad_output):
        raise NotImplementedError(f"{type(self).__name__}.backward")

    # ------------------------------------------------------- per-step state
    #: True inside a model's training step: state changes wait for ``commit_updates``
    defer_updates = False

    @property
    def keeps_step_state(self) -> bool:
        """Does a training pass change this layer's state (it overrides ``commit_updates``)?"""
        return type(self).commit_updates is not Layer.commit_updates

    def updates_are_finite(self) -> bool:
        """Are the state changes staged by the last training pass all finite?"""
        return True

    def commit_updates(self) -> None:
        """Apply the state changes staged by the last training pass (none here)."""

    def discard_updates(self) -> None:
        """Forget the staged state changes: the training step is not applied."""

    def __call__(self, inputs, training=None, **kwargs):
        """Symbolic call (functional API) or eager call on NumPy arrays."""
        items = flatten(inputs)
        if any(isinstance(t, SymbolicTensor) for t in items):
            return self._call_symbolic(inputs)
        arrays = [np.asarray(t, dtype=backend.floatx()) for t in items]
        x = arrays if isinstance(inputs, (list, tuple)) else arrays[0]
        shape = [a.shape for a in arrays] if isinstance(inputs, (list, tuple)) else x.shape
        self._maybe_build(shape)
        if not isinstance(shape, list):
            self.check_input_shape(shape)
        return self.forward(x, training=bool(training))

    def _call_symbolic(self, inputs):
        tensors = flatten(inputs)
        shapes = [t.shape for t in tensors]
        shape = shapes if isinstance(inputs, (list, tuple)) else shapes[0]
        self._maybe_build(shape)
        if not isinstance(shape, list):
            self.check_input_shape(shape)
        node = Node(self, tensors, self.compute_output_shape(shape))
        node.multi_input = isinstance(inputs, (list, tuple))
        self._inbound_nodes.append(node)
        return node.output

    # ------------------------------------------------------- graph properties
    def _first_node(self) -> Node:
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name!r} has never been called on a symbolic "
                                 "input, so it has no defined input/output")
        return self._inbound_nodes[0]

    @property
    def input(self):
        node = self._first_node()
        return node.inputs if getattr(node, "multi_input", False) else node.inputs[0]

    @property
    def output(self) -> SymbolicTensor:
        return self._first_node().output

    @property
    def input_shape(self):
        node = self._first_node()
        shapes = [t.shape for t in node.inputs]
        return shapes if getattr(node, "multi_input", False) else shapes[0]

    @property
    def output_shape(self):
        return self._first_node().output.shape

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"


@contextlib.contextmanager
def deferred_updates(layers: Sequence[Layer]) -> Iterator[None]:
    """Within the block ``layers`` stage their per-step state changes instead of applying them.

    The caller commits them (``layer.commit_updates()``) when the step is
    finite; whatever is still staged when the block ends is discarded, so a
    step that stops early (non-finite, or an exception) changes nothing.
    """
    for layer in layers:
        layer.defer_updates = True
    try:
        yield
    finally:
        for layer in layers:
            layer.defer_updates = False
            layer.discard_updates()
