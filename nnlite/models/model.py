"""``Model``: the functional API (``Model(inputs, outputs)``) and the Keras training API.

``compile`` / ``fit`` / ``evaluate`` / ``predict`` follow tf.keras 2: same
arguments, defaults, History keys and return values.  The class is put
together from one module per concern:

=====================  ==========================================================
:mod:`.network`        the layer graph: execution plan, forward, backward
:mod:`.compile`        ``compile``: optimizer, losses, metrics, fused outputs
:mod:`.preparation`    ``x``, ``y`` and sample weights as checked arrays
:mod:`.gradients`      ``compute_gradients``: forward, loss, backward (no update)
:mod:`.training`       ``fit``, ``train_on_batch``: the loop and the optimizer step
:mod:`.evaluation`     ``evaluate``, ``test_on_batch`` and the loss/metric trackers
:mod:`.prediction`     ``predict``, ``predict_on_batch``, ``model(x)``
this module            structure (layers, weights, shapes), ``summary``, saving
=====================  ==========================================================
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..layers.input_layer import Input
from ..naming import snake_case
from ..variables import WeightOwner
from .compile import Compiling
from .evaluation import Evaluation
from .gradients import Gradients
from .network import Network
from .prediction import Prediction
from .preparation import DataPreparation
from .summary import summary_lines
from .training import Training


class Model(Compiling, DataPreparation, Gradients, Training, Evaluation, Prediction,
            Network, WeightOwner):
    """A DAG of layers with Keras' training API.

    >>> import nnlite as keras
    >>> inp = keras.layers.Input(shape=[8])
    >>> out = keras.layers.Dense(1)(keras.layers.Dense(30, activation="relu")(inp))
    >>> model = keras.models.Model(inputs=[inp], outputs=[out])
    >>> model.count_params()
    301
    """

    owner_kind = "Model"

    def __init__(self, inputs=None, outputs=None, name: str | None = None, **kwargs):
        self.name = name or backend.unique_name(self._default_name())
        self.stop_training = False
        self.stop_training_nan = False
        self.optimizer = None
        self.history = None
        self._compiled = False
        self._plan = None
        if inputs is not None or outputs is not None:
            if inputs is None or outputs is None:
                raise ValueError("Model needs both inputs= and outputs=")
            self._init_graph(inputs, outputs)

    def _default_name(self) -> str:
        return "model" if type(self) is Model else snake_case(type(self).__name__)

    # ----------------------------------------------------- subclassed models
    def call(self, inputs, training=None):
        raise NotImplementedError("Model.call: pass inputs= and outputs=, or subclass Model "
                                  "and implement call() with layer calls")

    def _ensure_built(self, xs: list[np.ndarray]) -> None:
        """Build a graph from the data's shape when none exists yet (subclassed models)."""
        if self._plan is not None:
            return
        tensors = [Input(shape=x.shape[1:]) for x in xs]
        outputs = self.call(tensors if len(tensors) > 1 else tensors[0])
        self._init_graph(tensors if len(tensors) > 1 else tensors[0], outputs)

    @property
    def built(self) -> bool:
        return self._plan is not None

    # ------------------------------------------------------------ structure
    @property
    def layers(self) -> list:
        if self._plan is None:
            return []
        return list(self._graph_layers)

    def get_layer(self, name: str | None = None, index: int | None = None):
        """A layer by name or by index in ``model.layers``."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name!r}. Existing layers are: "
                         f"{[layer.name for layer in self.layers]}")

    def _unique_weights(self, attr: str) -> list:
        seen, out = set(), []
        for layer in self.layers:
            for w in getattr(layer, attr):
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    @property
    def weights(self) -> list:
        return self._unique_weights("weights")

    variables = weights

    @property
    def trainable_weights(self) -> list:
        return self._unique_weights("trainable_weights")

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self) -> list:
        return self._unique_weights("non_trainable_weights")

    @property
    def trainable(self) -> bool:
        return all(layer.trainable for layer in self.layers)

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for layer in self.layers:
            layer.trainable = value

    @property
    def input(self):
        return self.inputs if self._multi_input else self.inputs[0]

    @property
    def output(self):
        return self.outputs if self._multi_output else self.outputs[0]

    @property
    def input_shape(self):
        shapes = [t.shape for t in self.inputs]
        return shapes if self._multi_input else shapes[0]

    @property
    def output_shape(self):
        shapes = [t.shape for t in self.outputs]
        return shapes if self._multi_output else shapes[0]

    @property
    def output_names(self) -> list[str]:
        return [t.node.layer.name for t in self.outputs]

    def layer_rows(self):
        """(layer, output shape, inbound layer names) for ``summary``, in graph order."""
        producer = self.tensor_producers()
        by_layer = {id(layer): (in_ids, out_id) for layer, in_ids, out_id, _ in self._plan}
        rows = []
        for layer in self.layers:
            if id(layer) in by_layer:
                in_ids, out_id = by_layer[id(layer)]
                rows.append((layer, self._tensors[out_id].shape, [producer[i] for i in in_ids]))
            else:  # an InputLayer
                rows.append((layer, layer.output.shape, []))
        return rows

    def summary(self, line_length=None, positions=None, print_fn=None,
                expand_nested: bool = False, show_trainable: bool = False,
                show_equations: bool = False) -> None:
        """Print the tf.keras 2 summary table (Total/Trainable/Non-trainable params).

        ``show_trainable=True`` adds Keras' Trainable column (Y/N); ``expand_nested``
        is accepted and changes nothing (an nnlite model holds no nested models).
        """
        if self._plan is None:
            raise ValueError("This model has not yet been built. Build the model first by "
                             "calling `build()` or by calling the model on a batch of data, "
                             "or give the first layer an input_shape.")
        print_fn = print_fn or print
        for line in summary_lines(self, show_trainable=show_trainable):
            print_fn(line)
        if show_equations:  # each layer's, then the compiled loss(es) and optimizer's
            named = [(layer.name, layer) for layer in self.layers]
            named += [("loss", loss) for loss in (getattr(self, "loss", None) or [])
                      if not isinstance(loss, str)]
            named += [("optimizer", getattr(self, "optimizer", None))]
            for name, obj in named:
                eq = getattr(obj, "equations", None)
                if eq:
                    print_fn(f"{name}:\n{eq}")

    # --------------------------------------------------------------- saving
    def save(self, filepath, overwrite: bool = True, include_optimizer: bool = True,
             **kwargs) -> None:
        """Save architecture, weights and optimizer state (see :mod:`nnlite.saving`)."""
        from ..saving import save_model
        save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer)

    def save_weights(self, filepath, overwrite: bool = True, **kwargs) -> None:
        """Save only the weights (see :mod:`nnlite.saving`)."""
        from ..saving import save_weights
        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, by_name: bool = False, skip_mismatch: bool = False,
                     **kwargs):
        """Load weights saved by ``save_weights`` or ``save`` (shapes checked per layer)."""
        from ..saving import load_weights
        load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch)
        return self

    def get_build_config(self) -> dict | None:
        """The input shape(s) ``build_from_config`` rebuilds from (Keras 3); None if unbuilt.

        Keras Tuner saves it beside each trial's weights, so that a model
        whose first layer has no ``input_shape`` can be built before
        ``load_weights``.
        """
        if not self.built:
            return None
        shapes = self.input_shape if self._multi_input else [self.input_shape]
        return {"input_shape": [list(shape) for shape in shapes]}

    def build_from_config(self, config: dict | None) -> None:
        """Build an unbuilt model for the input shape(s) of ``get_build_config`` (Keras 3)."""
        if self.built or not config:
            return
        shapes = config["input_shape"]
        if not shapes or not isinstance(shapes[0], (list, tuple)):
            shapes = [shapes]  # one input, as Keras writes it
        self._ensure_built([np.empty((0, *shape[1:]), dtype="float32") for shape in shapes])

    def get_config(self) -> dict:
        from ..saving import model_config
        return model_config(self)
