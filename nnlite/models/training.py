"""``Model.fit`` and ``train_on_batch``: the training loop and the optimizer step.

One training step (:meth:`Training._train_step`):

1. forward pass, loss and penalties, as :meth:`Model.compute_gradients`
   computes them; layers with per-step state (BatchNormalization's moving
   statistics, the noise layers' step counters) only *stage* their changes;
2. if the loss and the staged statistics are finite: backward pass and
   penalty gradients, then the global gradient norm;
3. only if that norm is finite too: optimizer step (clipping, update,
   constraints) and the layers' staged changes are committed.  Otherwise
   nothing changes and ``fit`` stops with a message (``train_on_batch``
   raises ``FloatingPointError``).
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

from ..callbacks import CallbackList, History, ProgbarLogger
from ..layers.base import deferred_updates
from ..utils.fit_threads import FixedThreads, fit_threads
from . import data_adapters, fit_arguments
from .device_training import device_fit
from .gradients import BatchLoss


class Training:
    """The training loop of :class:`~nnlite.models.Model` (a mixin)."""

    def fit(self, x=None, y=None, batch_size=None, epochs: int = 1, verbose="auto",
            callbacks=None, validation_split: float = 0.0, validation_data=None,
            shuffle: bool = True, class_weight=None, sample_weight=None,
            initial_epoch: int = 0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq: int = 1, max_queue_size: int = 10,
            workers: int = 1, use_multiprocessing: bool = False, **kwargs) -> History:
        """Train for ``epochs`` epochs; returns a :class:`History`.

        ``x`` may be arrays, an array-like read batch by batch (``np.memmap``,
        an h5py data set), a generator of ``(x, y[, sample_weight])`` batches
        or a :class:`~nnlite.utils.Sequence` (see :mod:`nnlite.models.data_adapters`).
        Every argument is checked first (the table in
        :mod:`nnlite.models.fit_arguments`), then the data, so a bad call
        raises before any epoch runs or any weight changes.
        ``steps_per_epoch`` cuts epochs of that many batches (a pass over
        arrays or a Sequence continues into the next epoch and then starts
        again, as tf.keras repeats them); ``validation_steps`` validates on
        the first batches only.  ``max_queue_size``, ``workers`` and
        ``use_multiprocessing`` (tf.keras 2) are checked and ignored: batches
        are read in the training thread, one after the other.
        """
        fit_arguments.check("fit", {
            "batch_size": batch_size, "epochs": epochs, "verbose": verbose,
            "callbacks": callbacks, "validation_split": validation_split,
            "validation_data": validation_data, "shuffle": shuffle,
            "class_weight": class_weight, "initial_epoch": initial_epoch,
            "steps_per_epoch": steps_per_epoch, "validation_steps": validation_steps,
            "validation_batch_size": validation_batch_size, "validation_freq": validation_freq,
            "max_queue_size": max_queue_size, "workers": workers,
            "use_multiprocessing": use_multiprocessing}, unexpected=kwargs)
        batch_size = fit_arguments.batch_size_or_default(batch_size)
        val_batch_size = validation_batch_size or batch_size
        self._require_compiled("training")
        train, val = self._fit_adapters(x, y, sample_weight, class_weight, batch_size, shuffle,
                                        validation_split, validation_data, val_batch_size)
        epoch_iterator = data_adapters.EpochIterator(train, steps_per_epoch)
        cb = self._fit_callbacks(callbacks, fit_arguments.verbosity(verbose), epochs,
                                 epoch_iterator.steps, train.samples, batch_size)
        self.stop_training = False
        cb.on_train_begin({})
        logs: dict = {}
        with fit_threads() as self._fit_threads, \
                device_fit(self, weighted=sample_weight is not None or class_weight is not None
                           ) as self._device_step:  # cuda: weights on the GPU
            try:
                for epoch in range(initial_epoch, epochs):
                    epoch_logs = self._run_epoch(epoch_iterator, cb, epoch, val, validation_steps,
                                                 validation_freq)
                    logs = epoch_logs if epoch_logs is not None else logs
                    if self.stop_training or epoch_iterator.ran_out:
                        break
            finally:
                self._fit_threads, self._device_step = FixedThreads(), None
        cb.on_train_end(logs)
        return self.history

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       reset_metrics: bool = True, return_dict: bool = False):
        """One optimizer step on one batch; returns the loss (and metrics)."""
        xs = self._compiled_inputs(x, "train_on_batch", "training")
        self._check_trainable_changed()
        ys = self._prepare_y(y, xs, "train_on_batch")
        sw = self._sample_weights(sample_weight, class_weight, ys, len(xs[0]), "train_on_batch")
        batch, problem = self._train_step(xs, ys, sw)
        if problem is not None:
            raise FloatingPointError(f"train_on_batch: {problem}; the step was not applied: "
                                     "weights were not updated (nor the optimizer's state or "
                                     "the layers' moving statistics and counters)")
        if reset_metrics or not hasattr(self, "_batch_trackers"):
            self._batch_trackers = self._new_trackers()
        logs = self._update_trackers(self._batch_trackers, batch.total, batch.per_output, ys,
                                     batch.outputs, len(xs[0]))
        return self._format_logs(logs, return_dict)

    # --------------------------------------------------------- fit's helpers
    def _run_epoch(self, epoch_iterator, cb, epoch: int, val, validation_steps,
                   validation_freq) -> dict | None:
        """One epoch, its validation and its callbacks; None if the data had run out."""
        cb.on_epoch_begin(epoch, {})
        epoch_iterator.adapter.on_epoch_begin()
        logs = self._fit_epoch(epoch_iterator.epoch(), cb, epoch)
        epoch_iterator.adapter.on_epoch_end()
        if logs is None:  # not one batch: a used-up generator
            return None
        if val is not None and not self.stop_training_nan and \
                fit_arguments.validates_after(epoch, validation_freq):
            logs.update(self._validation_logs(val, validation_steps))
        logs["lr"] = self.optimizer.current_learning_rate()
        cb.on_epoch_end(epoch, logs)
        return logs

    def _fit_callbacks(self, callbacks, verbose: int, epochs: int, steps: int | None,
                       samples: int | None, batch_size: int) -> CallbackList:
        """A fresh ``self.history``, the user's callbacks and the progress bar, as Keras."""
        self.history = History()
        cbs = [self.history] + list(callbacks or [])
        if verbose:
            cbs.append(ProgbarLogger(verbose))
        params = {"verbose": verbose, "epochs": epochs, "steps": steps, "samples": samples,
                  "batch_size": batch_size}
        self.history.params = params
        return CallbackList(cbs, model=self, params=params)

    def _smallest_training_batch(self) -> int:
        """The fewest samples a training batch may have (BatchNormalization needs 2)."""
        return max([getattr(layer, "min_train_batch", 1) for layer in self.layers] + [1])

    def _validation_logs(self, val, steps: int | None) -> dict:
        """The validation loss and metrics, named ``val_<name>``."""
        logs = self._evaluate_batches(val.batches(), steps, "fit(validation_data)")
        return {f"val_{k}": v for k, v in logs.items()}

    def _fit_epoch(self, batches, cb, epoch) -> dict | None:
        """Train on each batch of ``batches``; the epoch's logs, or None if there was none."""
        self.stop_training_nan = False
        trackers = self._new_trackers()
        logs: dict = {}
        batch_hooks = cb._batch_hooks or any(isinstance(c, ProgbarLogger) for c in cb)
        threads = getattr(self, "_fit_threads", None) or FixedThreads()
        step = -1
        for step, (xb, yb, wb) in enumerate(batches):
            if batch_hooks:
                cb.on_train_batch_begin(step, logs)
            started = time.perf_counter()
            batch, problem = self._train_step(xb, yb, wb)
            threads.step_done(time.perf_counter() - started, len(xb[0]))
            # per-batch logs only for batch hooks; otherwise once, after the epoch
            logs = self._update_trackers(trackers, batch.total, batch.per_output, yb,
                                         batch.outputs, len(xb[0]), results=batch_hooks)
            if batch_hooks:  # before the NaN check, so TerminateOnNaN sees the loss
                cb.on_train_batch_end(step, logs)
            if problem is not None:  # the step was not applied
                self._stop_on_nan(epoch, step, problem)
                break
            if self.stop_training:
                break
        if step < 0:
            return None
        return dict(logs) if batch_hooks else {name: t.result() for name, t in trackers.items()}

    # ------------------------------------------------------------ one step
    def _train_step(self, xs, ys, sample_weight=None) -> tuple[BatchLoss, str | None]:
        """One training step, committed only if it is finite.

        Returns ``(batch loss, problem)``: ``problem`` is None when the step
        was applied, else why it was not (the loss, a layer's new statistics
        or the gradients are NaN/inf) — then no weight, optimizer slot or
        counter, moving statistic or noise step has changed.
        """
        if getattr(self, "_device_step", None) is not None:  # a cuda fit
            return self._device_step(xs, ys, sample_weight)
        return self._host_train_step(xs, ys, sample_weight)

    def _host_train_step(self, xs, ys, sample_weight=None) -> tuple[BatchLoss, str | None]:
        """:meth:`_train_step` with the weights in host memory."""
        stateful = self._stateful_layers()
        with deferred_updates(stateful):  # layers stage their statistics and counters
            batch = self._forward_and_loss(xs, ys, sample_weight, training=True)
            problem = self._forward_problem(batch.total, stateful)
            if problem is None:
                self._backward_and_penalties(batch.output_grads)
                problem = self._apply_gradients(batch.total, stateful)
        return batch, problem

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

    def _apply_gradients(self, total: float, stateful: list) -> str | None:
        """If the gradients are finite, update the weights and commit the layers' state."""
        norm = self.optimizer.gradient_norm(self._train_vars)  # NaN/inf if any gradient is
        if not math.isfinite(norm):
            return f"the loss is {total} but the gradients are not finite (global norm {norm})"
        self.optimizer.apply(self._train_vars, global_norm=norm)
        for layer in stateful:
            layer.commit_updates()
        return None

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
