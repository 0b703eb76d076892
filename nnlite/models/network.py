"""The layer graph of a model: build the execution plan, run it forward and back.

The plan is the list of nodes in topological order.  Forward runs it in
order; backward runs it in reverse, summing the gradients of a tensor that
feeds several layers.  A layer whose input needs no gradient (every layer
below it is frozen or has no weights, e.g. the first Dense after Input) is
told so through ``layer.need_input_grad`` and skips computing ∂L/∂x.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

from ..graph import SymbolicTensor, flatten, topological_nodes
from ..layers.input_layer import InputLayer
from ..tensorflow_only import TensorFlowOnly
from .data import check_count


class Network:
    """Graph bookkeeping shared by functional and Sequential models."""

    #: ``model.export(...)`` writes a TensorFlow SavedModel: its error names ``model.save``
    export = TensorFlowOnly("model")

    def _init_graph(self, inputs, outputs) -> None:
        self._multi_input = isinstance(inputs, (list, tuple)) and len(inputs) > 1
        self._multi_output = isinstance(outputs, (list, tuple)) and len(outputs) > 1
        self.inputs: list[SymbolicTensor] = flatten(inputs)
        self.outputs: list[SymbolicTensor] = flatten(outputs)
        for t in self.inputs + self.outputs:
            if not isinstance(t, SymbolicTensor):
                raise TypeError(f"Model inputs and outputs must be symbolic tensors from "
                                f"Input() and layer calls, got {type(t).__name__}")
        nodes = topological_nodes(self.outputs)
        input_ids = {t.id for t in self.inputs}
        plan, layers, seen = [], [], set()
        for node in nodes:
            if isinstance(node.layer, InputLayer):
                if node.output.id not in input_ids:
                    raise ValueError(f"Graph disconnected: cannot obtain a value for "
                                     f"{node.output!r}; pass it in inputs=[...]")
            else:
                if id(node.layer) in seen:
                    raise NotImplementedError(
                        f"Layer {node.layer.name!r} is called more than once in this model. "
                        "nnlite layers keep their forward pass for backprop, so a layer cannot "
                        "be shared inside one model; create a second layer instead")
                plan.append((node.layer, tuple(t.id for t in node.inputs), node.output.id,
                             getattr(node, "multi_input", False)))
            if id(node.layer) not in seen:
                seen.add(id(node.layer))
                layers.append(node.layer)
        self._plan = plan
        self._tensors = {n.output.id: n.output for n in nodes}
        self._graph_layers = layers
        self._consumers = {}
        for layer, in_ids, _, _ in plan:
            for i in in_ids:
                self._consumers.setdefault(i, []).append(layer)
        self.mark_input_grads()

    # ----------------------------------------------------------- gradients
    def mark_input_grads(self) -> None:
        """Set ``need_input_grad`` on every layer from the current ``trainable`` flags."""
        needs = {t.id: False for t in self.inputs}
        for layer, in_ids, out_id, _ in self._plan:
            layer.need_input_grad = any(needs[i] for i in in_ids)
            needs[out_id] = layer.need_input_grad or bool(layer.trainable_weights)
        self._skip_backward = {id(layer) for layer, *_ in self._plan
                               if not layer.need_input_grad and not layer.trainable_weights}

    @contextlib.contextmanager
    def all_input_gradients(self) -> Iterator[None]:
        """Within the block every layer computes ∂L/∂input, even where nothing below needs it.

        ``nnlite.inspect`` shows the gradient reaching each layer this way;
        the usual skipping (:meth:`mark_input_grads`) is back after the block.
        """
        saved = [(layer, layer.need_input_grad) for layer, *_ in self._plan]
        skipped = self._skip_backward
        for layer, _ in saved:
            layer.need_input_grad = True
        self._skip_backward = set()
        try:
            yield
        finally:
            for layer, flag in saved:
                layer.need_input_grad = flag
            self._skip_backward = skipped

    def tensor_producers(self) -> dict[int, str]:
        """The name of the layer (or Input) that produces each tensor of the graph, by id."""
        producer = {t.id: t.node.layer.name for t in self.inputs}
        for layer, _, out_id, _ in self._plan:
            producer[out_id] = layer.name
        return producer

    # ------------------------------------------------------------ running
    def check_inputs(self, arrays: list[np.ndarray]) -> None:
        """Clear errors for a wrong number of inputs or a wrong shape."""
        names = [t.name for t in self.inputs]
        check_count(arrays, names, "x", f"model {self.name!r}")
        for k, (x, t) in enumerate(zip(arrays, self.inputs)):
            expected = t.shape
            ok = x.ndim == len(expected) and all(
                e is None or e == s for e, s in zip(expected[1:], x.shape[1:]))
            if not ok:
                consumer = self._consumers.get(t.id, [None])[0]
                where = f'layer "{consumer.name}"' if consumer else f'model "{self.name}"'
                raise ValueError(
                    f"Input {k} of {where} is incompatible with the layer: expected shape="
                    f"{tuple(expected)}, found shape={tuple(x.shape)}")

    def forward(self, xs: list[np.ndarray], training: bool = False) -> list[np.ndarray]:
        """Run the plan; returns the output arrays."""
        values = {t.id: x for t, x in zip(self.inputs, xs)}
        self._activity = []
        for layer, in_ids, out_id, multi in self._plan:
            x = [values[i] for i in in_ids] if multi else values[in_ids[0]]
            y = layer.forward(x, training)
            if layer.activity_regularizer is not None:  # its penalty counts in evaluate too
                self._activity.append((layer, y))
            values[out_id] = y
        return [values[t.id] for t in self.outputs]

    def activity_penalty(self) -> float:
        """Σ Ω(a)/n over layers with an activity regularizer (Keras divides by n)."""
        return sum(layer.activity_regularizer(y) / len(y) for layer, y in self._activity)

    def backward(self, out_grads: list[np.ndarray], fused_outputs: list[bool]) -> None:
        """Back-propagate ∂L/∂outputs; fills every trainable weight's ``grad``.

        For a fused output (see :mod:`nnlite.models.compile`) the gradient is
        already ∂L/∂z, which its layer takes as ``backward(grad, fused=True)``.
        """
        grads: dict[int, np.ndarray] = {}
        fused: set[int] = set()
        for t, g, is_fused in zip(self.outputs, out_grads, fused_outputs):
            grads[t.id] = g
            if is_fused:
                fused.add(t.id)
        activity = {id(layer): y for layer, y in self._activity} if self._activity else {}
        for layer, in_ids, out_id, multi in reversed(self._plan):
            g = grads.pop(out_id, None)
            if g is None or id(layer) in self._skip_backward:
                continue
            if id(layer) in activity:
                y = activity[id(layer)]
                g = g + layer.activity_regularizer.gradient(y) / len(y)
            dx = layer.backward(g, fused=True) if out_id in fused else layer.backward(g)
            if dx is None:
                continue
            for i, d in zip(in_ids, dx if multi else [dx]):
                if d is not None:
                    grads[i] = d if i not in grads else grads[i] + d
