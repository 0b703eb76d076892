"""``Model``: the functional API (``Model(inputs, outputs)``) and training.

``compile`` / ``fit`` / ``evaluate`` / ``predict`` follow tf.keras 2: same
arguments, defaults, History keys and return values.  One training step:

1. forward pass with ``training=True``; layers with per-step state
   (BatchNormalization's moving statistics, the noise layers' step counters)
   only *stage* their changes;
2. loss per output (fused with a softmax/sigmoid output layer, so the
   gradient w.r.t. the pre-activation is simply ``p − y``) plus weight and
   activity penalties;
3. backward pass and penalty gradients, then the global gradient norm;
4. only if the loss, the staged statistics and that norm are all finite:
   optimizer step (clipping, update, constraints) and the layers' staged
   changes are committed.  Otherwise nothing changes and ``fit`` stops with
   a message (``train_on_batch`` raises ``FloatingPointError``).
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

from .. import backend
from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers as optimizers_module
from ..callbacks import CallbackList, History, ProgbarLogger
from ..graph import SymbolicTensor, flatten
from ..layers.base import deferred_updates
from ..layers.input_layer import Input
from ..naming import snake_case
from ..utils.fit_threads import FixedThreads, fit_threads, predict_threads
from ..utils.progbar import Progbar
from . import compile_specs, fit_arguments
from . import data as data_utils
from .network import Network
from .sample_weights import check_sample_weight, class_sample_weights
from .summary import summary_lines


class Model(Network):
    """A DAG of layers with Keras' training API.

    >>> import nnlite as keras
    >>> inp = keras.layers.Input(shape=[8])
    >>> out = keras.layers.Dense(1)(keras.layers.Dense(30, activation="relu")(inp))
    >>> model = keras.models.Model(inputs=[inp], outputs=[out])
    >>> model.count_params()
    301
    """

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

    def get_weights(self) -> list[np.ndarray]:
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights) -> None:
        """Set all weights (checked first, so a mismatch changes nothing)."""
        own = self.weights
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(f"Model {self.name!r} has {len(own)} weight arrays, got "
                             f"{len(weights)}")
        for var, value in zip(own, weights):
            if np.shape(value) != var.shape:
                raise ValueError(f"Weight {var.name!r}: expected shape {var.shape}, got "
                                 f"{np.shape(value)}")
        for var, value in zip(own, weights):
            var.assign(value)

    def count_params(self) -> int:
        return int(sum(w.size for w in self.weights))

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

    # ---------------------------------------------------------------- compile
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

    def _output_names_before_build(self) -> list[str] | None:
        """The output names of a model that is not built yet, where known (else None)."""
        return None

    def _resolve_compile(self, specs: compile_specs.CompileSpecs) -> dict:
        """The losses, loss weights, metrics and loss fusion of each output of the graph.

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
                "fused": [self._can_fuse(k, loss) for k, loss in enumerate(losses)]}

    def _commit_compile(self, resolved: dict) -> None:
        """Set what :meth:`_resolve_compile` found; snapshot the trainable weights."""
        self.loss, self.loss_weights = resolved["loss"], resolved["loss_weights"]
        self._metrics, self._fused = resolved["metrics"], resolved["fused"]
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

    def _can_fuse(self, k: int, loss) -> bool:
        layer = self.outputs[k].node.layer
        act = getattr(layer, "activation", None)
        wanted = loss.fuse_activation
        return (wanted is not None and layer.supports_fused_loss and act is not None
                and getattr(act, "kernel", None) == wanted
                and layer.activity_regularizer is None
                and len(self._consumers.get(self.outputs[k].id, [])) == 0)

    @property
    def metrics_names(self) -> list[str]:
        names = ["loss"]
        if self._multi_output:
            names += [f"{n}_loss" for n in self.output_names]
        return names + [name for _, _, name in getattr(self, "_metrics", [])]

    def _require_compiled(self, what: str) -> None:
        if not self._compiled:
            raise RuntimeError(f"You must compile your model before {what}: call "
                               "model.compile(optimizer=..., loss=...)")
        if not getattr(self, "_built_for_compile", False) and self._plan is not None:
            self._finish_compile()

    def _check_trainable_changed(self) -> None:
        if self._warned_trainable:
            return
        if [layer.trainable for layer in self.layers] != self._trainable_snapshot:
            self._warned_trainable = True
            warnings.warn("`trainable` was changed after compile(); as in Keras the change "
                          "takes effect only at the next compile(). Call model.compile(...) "
                          "again to train with the new setting.", UserWarning, stacklevel=3)

    # ------------------------------------------------------------ data prep
    def _prepare_x(self, x, where: str) -> list[np.ndarray]:
        """``x`` as one float array per model input: counted, converted and shape-checked."""
        names = [t.name for t in self.inputs] if self._plan is not None else \
            self._input_names_before_build(x)
        arrays = data_utils.as_list(x, names, "x", where)
        data_utils.check_count(arrays, names, "x", where)
        xs = data_utils.to_float_inputs(arrays, names, where)
        self._ensure_built(xs)
        self.check_inputs(xs)
        return xs

    def _input_names_before_build(self, x) -> list[str]:
        """Names for the inputs of a subclassed model not built yet: one per array of ``x``."""
        count = len(x) if data_utils.is_array_list(x, several=False) else 1
        return [f"input_{k + 1}" for k in range(count)]

    def _prepare_y(self, y, xs, where: str) -> list[np.ndarray]:
        """``y`` as one target array per output, checked against its loss and against ``x``."""
        if y is None:
            raise ValueError(f"{where}: y (the targets) is required")
        names = self.output_names
        targets = data_utils.as_list(y, names, "y", where)
        data_utils.check_count(targets, names, "y", where)
        targets = [self._target_array(target, data_utils.label("y", k, names), where)
                   for k, target in enumerate(targets)]
        input_names = [t.name for t in self.inputs]
        data_utils.check_sample_counts(
            [(data_utils.label("x", k, input_names), a) for k, a in enumerate(xs)]
            + [(data_utils.label("y", k, names), a) for k, a in enumerate(targets)], where)
        return [self._checked_target(target, k, data_utils.label("y", k, names), where)
                for k, target in enumerate(targets)]

    @staticmethod
    def _target_array(target, name: str, where: str) -> np.ndarray:
        target = data_utils.to_array(target, name, where)
        if target.ndim == 0 or target.dtype == object:
            raise ValueError(f"{where}: {name} (the targets) must be an array of one value per "
                             f"sample, got {target!r:.60}")
        return target

    def _checked_target(self, target: np.ndarray, k: int, name: str, where: str) -> np.ndarray:
        """Output ``k``'s targets as its loss checks them (shape, labels), in floatx."""
        loss, tensor = self.loss[k], self.outputs[k]
        checked = loss.check_targets(target, (len(target),) + tuple(tensor.shape[1:]))
        if np.issubdtype(checked.dtype, np.floating) or checked.dtype == bool:
            checked = checked.astype(backend.floatx(), copy=False)
            if not np.isfinite(checked).all():
                raise ValueError(f"{where}: {name} (the targets) contains NaN or inf")
        elif not isinstance(loss, losses_module.SparseCategoricalCrossentropy):
            checked = checked.astype(backend.floatx())
        return checked

    # ------------------------------------------------------------ one step
    def _loss_and_grads(self, ys, outs, sample_weight=None):
        total, per_output, grads = 0.0, [], []
        for k, (loss, y, out) in enumerate(zip(self.loss, ys, outs)):
            w = self.loss_weights[k]
            scale = w / len(out)
            fused = self._fused[k]
            values, grad = (loss.fused_value_and_grad if fused else loss.value_and_grad)(
                y, out, scale)
            if sample_weight is not None:
                values = values * sample_weight
                grad = grad * sample_weight.reshape((-1,) + (1,) * (grad.ndim - 1))
            value = float(values.sum()) / len(out)
            per_output.append(value)
            total += w * value
            grads.append(grad.astype(out.dtype, copy=False))
        return total, per_output, grads

    def _penalty(self) -> float:
        penalty = self.activity_penalty() if self._activity else 0.0
        for var in self._train_vars:
            if var.regularizer is not None:
                penalty += var.regularizer(var.value)
        return penalty

    def _train_step(self, xs, ys, sample_weight=None):
        """One training step, committed only if it is finite.

        Returns ``(loss, per-output losses, outputs, problem)``: ``problem`` is
        None when the step was applied, else why it was not (the loss, a
        layer's new statistics or the gradients are NaN/inf) — then no weight,
        optimizer slot or counter, moving statistic or noise step has changed.
        """
        stateful = self._stateful_layers()
        with deferred_updates(stateful):  # layers stage their statistics and counters
            outs = self.forward(xs, training=True)
            total, per_output, grads = self._loss_and_grads(ys, outs, sample_weight)
            total += self._penalty()
            problem = self._forward_problem(total, stateful)
            if problem is None:
                problem = self._backward_and_update(total, grads, stateful)
        return total, per_output, outs, problem

    def _stateful_layers(self) -> list:
        """The layers whose training pass changes their state (BN statistics, noise steps)."""
        cached = getattr(self, "_stateful_cache", None)
        if cached is None or cached[0] is not self._plan:
            cached = self._stateful_cache = (
                self._plan, [layer for layer in self.layers if layer.keeps_step_state])
        return cached[1]

    @staticmethod
    def _forward_problem(total: float, stateful: list) -> str | None:
        """Why the forward pass cannot be committed (a NaN/inf loss or statistic), or None."""
        if not math.isfinite(total):
            return f"the loss is {total}"
        for layer in stateful:
            if not layer.updates_are_finite():
                return (f"the loss is {total} but the new moving statistics of layer "
                        f"{layer.name!r} are not finite")
        return None

    def _backward_and_update(self, total: float, grads: list, stateful: list) -> str | None:
        """Backprop; if the gradients are finite, update the weights and commit the layers."""
        self.backward(grads, self._fused)
        for var in self._train_vars:
            if var.regularizer is not None:
                var.grad += var.regularizer.gradient(var.value).astype(var.dtype, copy=False)
        norm = self.optimizer.gradient_norm(self._train_vars)  # NaN/inf if any gradient is
        if not math.isfinite(norm):
            return f"the loss is {total} but the gradients are not finite (global norm {norm})"
        self.optimizer.apply(self._train_vars, global_norm=norm)
        for layer in stateful:
            layer.commit_updates()
        return None

    def _new_trackers(self):
        trackers = {"loss": metrics_module.Mean("loss")}
        if self._multi_output:
            for name in self.output_names:
                trackers[f"{name}_loss"] = metrics_module.Mean(f"{name}_loss")
        for _, m, name in self._metrics:
            m.reset_state()
            trackers[name] = m
        return trackers

    def _update_trackers(self, trackers, total, per_output, ys, outs, n,
                         results: bool = True) -> dict:
        trackers["loss"].update_state(total, sample_weight=n)
        if self._multi_output:
            for name, value in zip(self.output_names, per_output):
                trackers[f"{name}_loss"].update_state(value, sample_weight=n)
        for k, m, _ in self._metrics:
            m.update_state(ys[k], outs[k])
        return {name: t.result() for name, t in trackers.items()} if results else {}

    # -------------------------------------------------------------------- fit
    def fit(self, x=None, y=None, batch_size=None, epochs: int = 1, verbose="auto",
            callbacks=None, validation_split: float = 0.0, validation_data=None,
            shuffle: bool = True, class_weight=None, sample_weight=None,
            initial_epoch: int = 0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq: int = 1, **kwargs) -> History:
        """Train for ``epochs`` epochs; returns a :class:`History`.

        Every argument is checked first (the table in
        :mod:`nnlite.models.fit_arguments`), then the data, so a bad call
        raises before any epoch runs or any weight changes.
        ``validation_steps`` validates on the first batches only, as in Keras;
        ``steps_per_epoch`` is checked but each epoch still runs over all of
        ``x`` (where nnlite differs from Keras).
        """
        if kwargs:
            raise TypeError(f"fit: unexpected argument(s) {sorted(kwargs)}")
        fit_arguments.check("fit", {
            "batch_size": batch_size, "epochs": epochs, "verbose": verbose,
            "callbacks": callbacks, "validation_split": validation_split,
            "validation_data": validation_data, "shuffle": shuffle,
            "class_weight": class_weight, "initial_epoch": initial_epoch,
            "steps_per_epoch": steps_per_epoch, "validation_steps": validation_steps,
            "validation_batch_size": validation_batch_size, "validation_freq": validation_freq})
        if not self._compiled:
            self._require_compiled("training")
        batch_size = fit_arguments.batch_size_or_default(batch_size)
        xs = self._prepare_x(x, "fit")
        self._require_compiled("training")
        self._check_trainable_changed()
        ys = self._prepare_y(y, xs, "fit")
        sw = self._sample_weights(sample_weight, class_weight, ys, len(xs[0]))
        xs, ys, sw, val = self._split_validation(xs, ys, sw, validation_split, validation_data)
        if val is not None and validation_steps is not None:  # only the first batches
            size = validation_batch_size or batch_size
            val = (data_utils.first_batches(val[0], validation_steps, size),
                   data_utils.first_batches(val[1], validation_steps, size),
                   None if val[2] is None else val[2][:validation_steps * size])
        n = len(xs[0])
        self._min_batch = max([getattr(layer, "min_train_batch", 1) for layer in self.layers]
                              + [1])
        steps = len(data_utils.batch_starts(n, batch_size, self._min_batch))
        verbose = fit_arguments.verbosity(verbose)
        self.history = History()
        cbs = [self.history] + list(callbacks or [])
        if verbose:
            cbs.append(ProgbarLogger(verbose))
        params = {"verbose": verbose, "epochs": epochs, "steps": steps, "samples": n,
                  "batch_size": batch_size}
        self.history.params = params
        cb = CallbackList(cbs, model=self, params=params)
        self.stop_training = False
        cb.on_train_begin({})
        logs: dict = {}
        with fit_threads() as self._fit_threads:  # 1 or N threads, by step time
            try:
                for epoch in range(initial_epoch, epochs):
                    cb.on_epoch_begin(epoch, {})
                    logs = self._fit_epoch(xs, ys, sw, batch_size, shuffle, cb, epoch)
                    if val is not None and not self.stop_training_nan and \
                            fit_arguments.validates_after(epoch, validation_freq):
                        val_logs = self._evaluate_arrays(val[0], val[1], val[2],
                                                         validation_batch_size or batch_size)
                        logs.update({f"val_{k}": v for k, v in val_logs.items()})
                    logs["lr"] = self.optimizer.current_learning_rate()
                    cb.on_epoch_end(epoch, logs)
                    if self.stop_training:
                        break
            finally:
                self._fit_threads = FixedThreads()
        cb.on_train_end(logs)
        return self.history

    def _fit_epoch(self, xs, ys, sw, batch_size, shuffle, cb, epoch) -> dict:
        self.stop_training_nan = False
        trackers = self._new_trackers()
        logs: dict = {}
        batch_hooks = cb._batch_hooks or any(isinstance(c, ProgbarLogger) for c in cb)
        threads = getattr(self, "_fit_threads", None) or FixedThreads()
        for step, index in enumerate(data_utils.batches(len(xs[0]), batch_size, shuffle,
                                                        self._min_batch)):
            if batch_hooks:
                cb.on_train_batch_begin(step, logs)
            started = time.perf_counter()
            xb, yb = data_utils.take(xs, index), data_utils.take(ys, index)
            wb = sw[index] if sw is not None else None
            total, per_output, outs, problem = self._train_step(xb, yb, wb)
            threads.step_done(time.perf_counter() - started, len(xb[0]))
            # per-batch logs only for batch hooks; otherwise once, after the epoch
            logs = self._update_trackers(trackers, total, per_output, yb, outs, len(xb[0]),
                                         results=batch_hooks)
            if batch_hooks:  # before the NaN check, so TerminateOnNaN sees the loss
                cb.on_train_batch_end(step, logs)
            if problem is not None:  # the step was not applied
                self._stop_on_nan(epoch, step, problem)
                break
            if self.stop_training:
                break
        return dict(logs) if batch_hooks else {name: t.result() for name, t in trackers.items()}

    def _stop_on_nan(self, epoch: int, step: int, problem: str) -> None:
        """Stop ``fit`` after a step that was not applied, saying why and what to try."""
        self.stop_training = self.stop_training_nan = True
        if all(np.isfinite(w.value).all() for w in self.weights):
            kept = ("training stopped before updating the weights (they are those of the last "
                    "finite step)")
        else:  # e.g. finite gradients times a learning rate too large for float32
            kept = ("training stopped, but some weights were already NaN or inf before this "
                    "step (an earlier update overflowed)")
        warnings.warn(
            f"Epoch {epoch + 1}, batch {step}: {problem}; {kept}. Try a smaller "
            "learning rate, gradient clipping (e.g. clipnorm=1.0), scaled inputs, or check the "
            "data for extreme values.", RuntimeWarning, stacklevel=4)

    def _sample_weights(self, sample_weight, class_weight, ys, n, where: str = "fit"):
        """Each sample's weight, ``sample_weight`` × its class's weight (both checked), or None."""
        w = check_sample_weight(sample_weight, n, where)
        if class_weight is None:
            return w
        if self._multi_output:
            raise ValueError(f"{where}: class_weight is only supported for models with a "
                             "single output (as in Keras); pass sample_weight instead")
        units = self.outputs[0].shape[-1] if len(self.outputs[0].shape) > 1 else 1
        n_classes = units if units is not None and units > 1 else 2  # one sigmoid unit: 0/1
        by_class = class_sample_weights(class_weight, ys[0], n_classes, where)
        return by_class if w is None else w * by_class

    def _split_validation(self, xs, ys, sw, split, validation_data):
        """The training arrays and the validation set ``(xs, ys, sample_weight)`` or None.

        ``validation_data`` (checked like ``x`` and ``y``) wins over
        ``validation_split``, as in Keras; a split takes the *last* samples.
        """
        if validation_data is not None:
            where = "fit(validation_data)"
            vx, vy = validation_data[0], validation_data[1]
            vw = validation_data[2] if len(validation_data) > 2 else None
            vxs = self._prepare_x(vx, where)
            vys = self._prepare_y(vy, vxs, where)
            return xs, ys, sw, (vxs, vys, check_sample_weight(vw, len(vxs[0]), where))
        if split:
            n = len(xs[0])
            cut = int(math.floor(n * (1.0 - split)))  # Keras: the last fraction validates
            if cut <= 0 or cut >= n:
                raise ValueError(f"fit: validation_split={split} leaves no training or no "
                                 f"validation samples out of {n}; choose a fraction that "
                                 "keeps at least one sample on each side, or pass "
                                 "validation_data=(x_val, y_val)")
            val = ([a[cut:] for a in xs], [a[cut:] for a in ys],
                   None if sw is None else sw[cut:])
            return ([a[:cut] for a in xs], [a[:cut] for a in ys],
                    None if sw is None else sw[:cut], val)
        return xs, ys, sw, None

    # -------------------------------------------------------------- evaluate
    def _evaluate_arrays(self, xs, ys, sw, batch_size, cb=None, bar=None) -> dict:
        trackers = self._new_trackers()
        logs: dict = {}
        for step, index in enumerate(data_utils.batches(len(xs[0]), batch_size, False)):
            if cb is not None:
                cb.on_test_batch_begin(step, logs)
            xb, yb = data_utils.take(xs, index), data_utils.take(ys, index)
            outs = self.forward(xb, training=False)
            wb = sw[index] if sw is not None else None
            total, per_output, _ = self._loss_and_grads(yb, outs, wb)
            if self.optimizer is not None:  # Keras: weight and activity penalties too
                total += self._penalty()
            logs = self._update_trackers(trackers, total, per_output, yb, outs, len(xb[0]))
            if cb is not None:
                cb.on_test_batch_end(step, logs)
            if bar is not None:
                bar.update(step + 1, logs, finalize=False)
        return dict(logs)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict: bool = False, **kwargs):
        """Loss (and metrics) on (x, y): a scalar if there is only the loss, else a list.

        ``steps`` evaluates only the first ``steps`` batches (as Keras does).
        """
        if kwargs:
            raise TypeError(f"evaluate: unexpected argument(s) {sorted(kwargs)}")
        fit_arguments.check("evaluate", {"batch_size": batch_size, "verbose": verbose,
                                         "steps": steps, "callbacks": callbacks,
                                         "return_dict": return_dict})
        self._require_compiled("evaluating")
        batch_size = fit_arguments.batch_size_or_default(batch_size)
        xs = self._prepare_x(x, "evaluate")
        self._require_compiled("evaluating")
        ys = self._prepare_y(y, xs, "evaluate")
        sw = check_sample_weight(sample_weight, len(xs[0]), "evaluate")
        if steps is not None:
            xs, ys = data_utils.first_batches(xs, steps, batch_size), \
                data_utils.first_batches(ys, steps, batch_size)
            sw = None if sw is None else data_utils.first_batches([sw], steps, batch_size)[0]
        verbose = fit_arguments.verbosity(verbose)
        steps = math.ceil(len(xs[0]) / batch_size)
        cb = CallbackList(callbacks, model=self, params={"steps": steps, "verbose": verbose})
        bar = Progbar(steps, verbose=verbose) if verbose else None
        cb.on_test_begin({})
        logs = self._evaluate_arrays(xs, ys, sw, batch_size, cb, bar)
        if bar is not None:
            bar.update(steps, logs, finalize=True)
        cb.on_test_end(logs)
        if return_dict:
            return logs
        values = [logs[name] for name in self.metrics_names]
        return values[0] if len(values) == 1 else values

    # --------------------------------------------------------------- predict
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None,
                training: bool = False, **kwargs):
        """Outputs for ``x`` in batches (``training=True`` keeps dropout on: MC dropout).

        ``steps`` predicts only the first ``steps`` batches (as Keras does).
        """
        if kwargs:
            raise TypeError(f"predict: unexpected argument(s) {sorted(kwargs)}")
        fit_arguments.check("predict", {"batch_size": batch_size, "verbose": verbose,
                                        "steps": steps, "callbacks": callbacks,
                                        "training": training})
        batch_size = fit_arguments.batch_size_or_default(batch_size)
        xs = self._prepare_x(x, "predict")
        if steps is not None:
            xs = data_utils.first_batches(xs, steps, batch_size)
        return self._predict_arrays(xs, batch_size, fit_arguments.verbosity(verbose),
                                    callbacks, bool(training))

    def _predict_arrays(self, xs, batch_size: int, verbose: int, callbacks, training: bool):
        n_steps = math.ceil(len(xs[0]) / batch_size)
        cb = CallbackList(callbacks, model=self, params={"steps": n_steps})
        bar = Progbar(n_steps, verbose=verbose) if verbose else None
        cb.on_predict_begin({})
        chunks: list[list[np.ndarray]] = [[] for _ in self.outputs]
        with predict_threads():  # one thread if the last fit found one faster
            for step, index in enumerate(data_utils.batches(len(xs[0]), batch_size, False)):
                cb.on_predict_batch_begin(step, {})
                outs = self.forward(data_utils.take(xs, index), training=training)
                for k, out in enumerate(outs):
                    chunks[k].append(out.copy() if len(chunks[k]) == 0 else out)
                cb.on_predict_batch_end(step, {})
                if bar is not None:
                    bar.update(step + 1, {}, finalize=False)
        if bar is not None:
            bar.update(n_steps, {}, finalize=True)
        cb.on_predict_end({})
        results = [np.concatenate(c, axis=0) for c in chunks]
        return results if self._multi_output else results[0]

    def __call__(self, x, training: bool = False, **kwargs):
        """Eager call on arrays: ``model(X, training=True)`` is one stochastic pass."""
        if any(isinstance(t, SymbolicTensor) for t in flatten(x)):
            raise NotImplementedError("Calling a model on symbolic tensors (a model as a "
                                      "layer) is not supported; reuse model.layers instead")
        xs = self._prepare_x(x, f"model {self.name!r}")
        outs = [o.copy() for o in self.forward(xs, training=bool(training))]
        return outs if self._multi_output else outs[0]

    # ------------------------------------------------------------- on_batch
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       reset_metrics: bool = True, return_dict: bool = False):
        """One optimizer step on one batch; returns the loss (and metrics)."""
        self._require_compiled("training")
        xs = self._prepare_x(x, "train_on_batch")
        self._require_compiled("training")
        self._check_trainable_changed()
        ys = self._prepare_y(y, xs, "train_on_batch")
        sw = self._sample_weights(sample_weight, class_weight, ys, len(xs[0]), "train_on_batch")
        total, per_output, outs, problem = self._train_step(xs, ys, sw)
        if problem is not None:
            raise FloatingPointError(f"train_on_batch: {problem}; the step was not applied: "
                                     "weights were not updated (nor the optimizer's state or "
                                     "the layers' moving statistics and counters)")
        if reset_metrics or not hasattr(self, "_batch_trackers"):
            self._batch_trackers = self._new_trackers()
        logs = self._update_trackers(self._batch_trackers, total, per_output, ys, outs,
                                     len(xs[0]))
        return self._format_logs(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics: bool = True,
                      return_dict: bool = False):
        """Loss (and metrics) on one batch, without training."""
        self._require_compiled("evaluating")
        xs = self._prepare_x(x, "test_on_batch")
        self._require_compiled("evaluating")
        ys = self._prepare_y(y, xs, "test_on_batch")
        sw = check_sample_weight(sample_weight, len(xs[0]), "test_on_batch")
        return self._format_logs(self._evaluate_arrays(xs, ys, sw, len(xs[0])), return_dict)

    def predict_on_batch(self, x):
        """Outputs for one batch."""
        xs = self._prepare_x(x, "predict_on_batch")
        return self._predict_arrays(xs, len(xs[0]), verbose=0, callbacks=None, training=False)

    def _format_logs(self, logs: dict, return_dict: bool):
        if return_dict:
            return logs
        values = [logs[name] for name in self.metrics_names]
        return values[0] if len(values) == 1 else values

    # ------------------------------------------------------------- saving
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
