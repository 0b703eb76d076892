"""``Model.evaluate`` / ``test_on_batch``: the loss and metrics, without training.

The loss is computed as in training (weight and activity penalties
included, as Keras reports it), with the layers in inference mode.  The
running means of the loss and metrics (the "trackers") are shared with
``fit``, which reports the same names (``loss``, ``<output>_loss``, the
metrics) in its History.  On the ``cuda`` backend the forward pass and the
loss run on the device where they can (:mod:`nnlite.models.device_inference`).
"""

from __future__ import annotations

import itertools

from .. import metrics as metrics_module
from ..callbacks import CallbackList
from ..utils.progbar import Progbar
from . import data_adapters, fit_arguments
from .device_inference import device_inference


class Evaluation:
    """Evaluation and the loss/metric trackers of :class:`~nnlite.models.Model` (a mixin)."""

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, max_queue_size: int = 10, workers: int = 1,
                 use_multiprocessing: bool = False, return_dict: bool = False, **kwargs):
        """Loss (and metrics) on (x, y): a scalar if there is only the loss, else a list.

        ``x`` may be anything :meth:`fit` takes (a generator or a Sequence
        yields ``(x, y)`` batches).  ``steps`` evaluates only the first
        ``steps`` batches (as Keras does); a generator without ``steps`` is
        read until it ends.  ``max_queue_size``, ``workers`` and
        ``use_multiprocessing`` are checked and ignored.
        """
        fit_arguments.check("evaluate", {"batch_size": batch_size, "verbose": verbose,
                                         "steps": steps, "callbacks": callbacks,
                                         "max_queue_size": max_queue_size, "workers": workers,
                                         "use_multiprocessing": use_multiprocessing,
                                         "return_dict": return_dict}, unexpected=kwargs)
        self._require_compiled("evaluating")
        adapter = data_adapters.make_adapter(
            x, y, sample_weight, batch_size=fit_arguments.batch_size_or_default(batch_size),
            shuffle=False, prepare=self._prepare_evaluation, where="evaluate")
        verbose = fit_arguments.verbosity(verbose)
        n_steps = data_adapters.steps_to_run(adapter.steps, steps)
        cb = CallbackList(callbacks, model=self, params={"steps": n_steps, "verbose": verbose})
        bar = Progbar(n_steps, verbose=verbose) if verbose else None
        cb.on_test_begin({})
        logs = self._evaluate_batches(adapter.batches(), steps, "evaluate", cb, bar)
        cb.on_test_end(logs)
        return self._format_logs(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics: bool = True,
                      return_dict: bool = False):
        """Loss (and metrics) on one batch, without training."""
        xs, ys, sw = self._prepare_evaluation(x, y, sample_weight, "test_on_batch")
        batches = data_adapters.ArrayAdapter(xs, ys, sw, len(xs[0])).batches()
        return self._format_logs(self._evaluate_batches(batches, None, "test_on_batch"),
                                 return_dict)

    def _evaluate_batches(self, batches, steps: int | None, where: str, cb=None,
                          bar=None) -> dict:
        """The loss and metrics over ``batches`` (only the first ``steps`` if given).

        ``cb`` gets the test-batch hooks and ``bar`` (a Progbar) is drawn
        after each batch and finished at the end.
        """
        trackers = self._new_trackers()
        logs: dict = {}
        step = -1
        with device_inference(self, losses=True) as device:  # cuda: weights on the GPU
            for step, (xb, yb, wb) in enumerate(itertools.islice(batches, steps)):
                if cb is not None:
                    cb.on_test_batch_begin(step, logs)
                if device is None:
                    outs = self.forward(xb, training=False)
                    total, per_output, _ = self._output_losses(yb, outs, wb)
                else:
                    outs, total, per_output = device.evaluate(xb, yb, wb)
                if self.optimizer is not None:  # Keras: weight and activity penalties too
                    total += self._penalty()
                logs = self._update_trackers(trackers, total, per_output, yb, outs, len(xb[0]))
                if cb is not None:
                    cb.on_test_batch_end(step, logs)
                if bar is not None:
                    bar.update(step + 1, logs, finalize=False)
        if step < 0:
            raise ValueError(f"{where}: the data gave no batch (a generator is used up after "
                             "one pass); pass a generator that loops forever with steps=..., "
                             "or a Sequence")
        if bar is not None:
            bar.update(step + 1, logs, finalize=True)
        return dict(logs)

    def _format_logs(self, logs: dict, return_dict: bool):
        """Keras' return value: the logs dict, or the values (a scalar for the loss alone)."""
        if return_dict:
            return logs
        values = [logs[name] for name in self.metrics_names]
        return values[0] if len(values) == 1 else values

    # ------------------------------------------------------------- trackers
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
