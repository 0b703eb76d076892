"""``Model.compile``: the optimizer, the loss of each output, its weight and metrics.

``compile`` follows tf.keras 2: ``loss``, ``loss_weights`` and ``metrics``
each take one entry for every output, a list with one entry per output, or a
dict keyed by output name (the forms are resolved in
:mod:`nnlite.models.compile_specs`).  A model built later (a ``Sequential``
without ``input_shape``, a subclassed model) keeps the arguments and
resolves them against its graph at the first ``fit``/``evaluate``.

Compile also decides which outputs are **fused** with their loss: a softmax
(or sigmoid) output layer followed by a cross-entropy.  Their gradient with
respect to the output layer's pre-activation z is simply ``p − y``, so the
loss hands that to the layer directly (``loss.fused_value_and_grad``,
``layer.backward(grad, fused=True)``) instead of ∂L/∂p, which the layer would
then multiply by the softmax Jacobian — fewer operations and no division by
a probability that may be close to 0.
"""

from __future__ import annotations

import warnings

from .. import optimizers as optimizers_module
from . import compile_specs


class Compiling:
    """The compile step of :class:`~nnlite.models.Model` (a mixin: it needs the graph)."""

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=None, steps_per_execution=None,
                jit_compile=None, **kwargs) -> None:
        """Configure training: optimizer, loss(es), loss_weights and metrics.

        ``loss``, ``loss_weights`` and ``metrics`` each take one entry for every
        output, a list or tuple with one entry per output, or a dict keyed by
        output name (see :mod:`nnlite.models.compile_specs`).  All of it is
        checked and resolved before anything is set: a compile that raises
        leaves the model, and its previous compile if any, as it was.
        """
        if kwargs:
            raise TypeError(f"compile: unexpected argument(s) {sorted(kwargs)}")
        if loss is None:
            raise ValueError("compile: a loss is required, e.g. loss='mse' or "
                             "loss='sparse_categorical_crossentropy'")
        new_optimizer = optimizers_module.get(optimizer)
        specs = compile_specs.normalize(loss, metrics, loss_weights)
        resolved = None
        if self._plan is not None:
            resolved = self._resolve_compile(specs)
        else:  # resolved at the first fit, once the model is built
            compile_specs.check_without_graph(specs, self._output_names_before_build())
        # everything is checked: only now does the model change
        self.optimizer = new_optimizer
        self._loss_spec, self._metric_spec, self._loss_weight_spec = specs
        self._compiled = True
        self._built_for_compile = False
        if resolved is not None:
            self._commit_compile(resolved)

    @property
    def metrics_names(self) -> list[str]:
        names = ["loss"]
        if self._multi_output:
            names += [f"{n}_loss" for n in self.output_names]
        return names + [name for _, _, name in getattr(self, "_metrics", [])]

    # ------------------------------------------------- before fit / evaluate
    def _require_compiled(self, what: str) -> None:
        """Raise the Keras error when ``compile`` was never called."""
        if not self._compiled:
            raise RuntimeError(f"You must compile your model before {what}: call "
                               "model.compile(optimizer=..., loss=...)")

    def _compiled_inputs(self, x, where: str, what: str) -> list:
        """``x`` prepared for a compiled model, its compile resolved for the built graph.

        The order matters: the compile check comes first (before any data is
        read); preparing ``x`` may build the graph (an unbuilt ``Sequential``
        or subclassed model); only then can a compile made before the build
        be resolved against the graph's outputs.
        """
        self._require_compiled(what)
        xs = self._prepare_x(x, where)
        if not getattr(self, "_built_for_compile", False):
            self._finish_compile()
        return xs

    def _check_trainable_changed(self, stacklevel: int = 3) -> None:
        """Warn once when ``trainable`` flags differ from those at compile (Keras ignores them)."""
        if self._warned_trainable:
            return
        if [layer.trainable for layer in self.layers] != self._trainable_snapshot:
            self._warned_trainable = True
            warnings.warn("`trainable` was changed after compile(); as in Keras the change "
                          "takes effect only at the next compile(). Call model.compile(...) "
                          "again to train with the new setting.", UserWarning,
                          stacklevel=stacklevel)

    # ------------------------------------------------------------ resolving
    def _output_names_before_build(self) -> list[str] | None:
        """The output names of a model that is not built yet, where known (else None)."""
        return None

    def _resolve_compile(self, specs: compile_specs.CompileSpecs) -> dict:
        """The losses, loss weights, metrics and fused outputs of the graph.

        It only reads the model, so a bad argument raises before anything is set.
        """
        names = self.output_names
        losses = compile_specs.resolve_losses(specs.loss, names)
        weights = compile_specs.resolve_loss_weights(specs.loss_weights, names)
        metrics = []
        per_output = compile_specs.metric_lists(specs.metrics, names)
        for k, (entries, loss, tensor) in enumerate(zip(per_output, losses, self.outputs)):
            prefix = f"{names[k]}_" if self._multi_output else ""
            for entry in entries:
                metric = compile_specs.resolve_metric(entry, loss, tensor.shape, names[k])
                metrics.append((k, metric, prefix + metric.name))
        return {"loss": losses, "loss_weights": weights, "metrics": metrics,
                "fused_outputs": [self._is_fused(k, loss) for k, loss in enumerate(losses)]}

    def _commit_compile(self, resolved: dict) -> None:
        """Set what :meth:`_resolve_compile` found; snapshot the trainable weights."""
        self.loss, self.loss_weights = resolved["loss"], resolved["loss_weights"]
        self._metrics, self._fused_outputs = resolved["metrics"], resolved["fused_outputs"]
        self._train_vars = self.trainable_weights
        self._trainable_snapshot = [layer.trainable for layer in self.layers]
        self._warned_trainable = False
        self.mark_input_grads()
        self._built_for_compile = True

    def _finish_compile(self) -> None:
        """Resolve the stored compile arguments for a graph built after ``compile``."""
        specs = compile_specs.CompileSpecs(self._loss_spec, self._metric_spec,
                                           self._loss_weight_spec)
        self._commit_compile(self._resolve_compile(specs))

    def _is_fused(self, k: int, loss) -> bool:
        """Is output ``k`` fused with its loss (softmax/sigmoid + cross-entropy)?

        Yes when the output layer applies the very activation the loss fuses
        with (``layer.fused_activation == loss.fused_activation``) and nothing
        else reads its output: no activity regularizer, no other layer.
        """
        layer = self.outputs[k].node.layer
        return (loss.fused_activation is not None
                and layer.fused_activation == loss.fused_activation
                and layer.activity_regularizer is None
                and len(self._consumers.get(self.outputs[k].id, [])) == 0)
