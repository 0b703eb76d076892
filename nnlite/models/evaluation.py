"""``Model.evaluate`` / ``test_on_batch``: the loss and metrics, without training.

The loss is computed as in training (weight and activity penalties
included, as Keras reports it), with the layers in inference mode.  The
running means of the loss and metrics (the "trackers") are shared with
``fit``, which reports the same names (``loss``, ``<output>_loss``, the
metrics) in its History.
"""

from __future__ import annotations

import math

from .. import metrics as metrics_module
from ..callbacks import CallbackList
from ..utils.progbar import Progbar
from . import data as data_utils
from . import fit_arguments
from .sample_weights import check_sample_weight


class Evaluation:
    """Evaluation and the loss/metric trackers of :class:`~nnlite.models.Model` (a mixin)."""

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict: bool = False, **kwargs):
        """Loss (and metrics) on (x, y): a scalar if there is only the loss, else a list.

        ``steps`` evaluates only the first ``steps`` batches (as Keras does).
        """
        fit_arguments.check("evaluate", {"batch_size": batch_size, "verbose": verbose,
                                         "steps": steps, "callbacks": callbacks,
                                         "return_dict": return_dict}, unexpected=kwargs)
        batch_size = fit_arguments.batch_size_or_default(batch_size)
        xs = self._compiled_inputs(x, "evaluate", "evaluating")
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
        return self._format_logs(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics: bool = True,
                      return_dict: bool = False):
        """Loss (and metrics) on one batch, without training."""
        xs = self._compiled_inputs(x, "test_on_batch", "evaluating")
        ys = self._prepare_y(y, xs, "test_on_batch")
        sw = check_sample_weight(sample_weight, len(xs[0]), "test_on_batch")
        return self._format_logs(self._evaluate_arrays(xs, ys, sw, len(xs[0])), return_dict)

    def _evaluate_arrays(self, xs, ys, sw, batch_size, cb=None, bar=None) -> dict:
        trackers = self._new_trackers()
        logs: dict = {}
        for step, index in enumerate(data_utils.batches(len(xs[0]), batch_size, False)):
            if cb is not None:
                cb.on_test_batch_begin(step, logs)
            xb, yb = data_utils.take(xs, index), data_utils.take(ys, index)
            outs = self.forward(xb, training=False)
            wb = sw[index] if sw is not None else None
            total, per_output, _ = self._output_losses(yb, outs, wb)
            if self.optimizer is not None:  # Keras: weight and activity penalties too
                total += self._penalty()
            logs = self._update_trackers(trackers, total, per_output, yb, outs, len(xb[0]))
            if cb is not None:
                cb.on_test_batch_end(step, logs)
            if bar is not None:
                bar.update(step + 1, logs, finalize=False)
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
