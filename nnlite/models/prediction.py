"""``Model.predict``, ``predict_on_batch`` and ``model(x)``: outputs, batch by batch.

Layers run in inference mode unless ``training=True`` is passed (dropout
kept on: Monte-Carlo dropout, see :func:`nnlite.utils.mc_predict`).
``predict`` follows the thread decision of the last ``fit``
(:mod:`nnlite.utils.fit_threads`); on the ``cuda`` backend it runs on the
device where it can (:mod:`nnlite.models.device_inference`).
"""

from __future__ import annotations

import itertools

import numpy as np

from ..callbacks import CallbackList
from ..graph import SymbolicTensor, flatten
from ..utils.fit_threads import predict_threads
from ..utils.progbar import Progbar
from . import data_adapters, fit_arguments
from .device_inference import device_inference


class Prediction:
    """Prediction on arrays for :class:`~nnlite.models.Model` (a mixin)."""

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None,
                max_queue_size: int = 10, workers: int = 1, use_multiprocessing: bool = False,
                training: bool = False, **kwargs):
        """Outputs for ``x`` in batches (``training=True`` keeps dropout on: MC dropout).

        ``x`` may be anything :meth:`fit` takes; a generator or a Sequence
        yields ``x`` or ``(x, ...)`` batches (their targets are ignored).
        ``steps`` predicts only the first ``steps`` batches (as Keras does).
        ``max_queue_size``, ``workers`` and ``use_multiprocessing`` are
        checked and ignored.
        """
        fit_arguments.check("predict", {"batch_size": batch_size, "verbose": verbose,
                                        "steps": steps, "callbacks": callbacks,
                                        "max_queue_size": max_queue_size, "workers": workers,
                                        "use_multiprocessing": use_multiprocessing,
                                        "training": training}, unexpected=kwargs)
        batch_size = fit_arguments.batch_size_or_default(batch_size)
        adapter = data_adapters.make_adapter(x, batch_size=batch_size, shuffle=False,
                                             prepare=self._prepare_prediction, where="predict")
        return self._predict_batches(adapter, steps, fit_arguments.verbosity(verbose),
                                     callbacks, bool(training))

    def predict_on_batch(self, x):
        """Outputs for one batch."""
        xs = self._prepare_x(x, "predict_on_batch")
        adapter = data_adapters.ArrayAdapter(xs, None, None, len(xs[0]))
        return self._predict_batches(adapter, None, verbose=0, callbacks=None, training=False)

    def __call__(self, x, training: bool = False, **kwargs):
        """Eager call on arrays: ``model(X, training=True)`` is one stochastic pass."""
        if any(isinstance(t, SymbolicTensor) for t in flatten(x)):
            raise NotImplementedError("Calling a model on symbolic tensors (a model as a "
                                      "layer) is not supported; reuse model.layers instead")
        xs = self._prepare_x(x, f"model {self.name!r}")
        outs = [o.copy() for o in self.forward(xs, training=bool(training))]
        return outs if self._multi_output else outs[0]

    def _predict_batches(self, adapter, steps: int | None, verbose: int, callbacks,
                         training: bool):
        n_steps = data_adapters.steps_to_run(adapter.steps, steps)
        cb = CallbackList(callbacks, model=self, params={"steps": n_steps})
        bar = Progbar(n_steps, verbose=verbose) if verbose else None
        cb.on_predict_begin({})
        chunks: list[list[np.ndarray]] = [[] for _ in self.outputs]
        step = -1
        with predict_threads(), \
                device_inference(self, training=training) as device:  # cuda: weights on the GPU
            for step, (xb, _, _) in enumerate(itertools.islice(adapter.batches(), steps)):
                cb.on_predict_batch_begin(step, {})
                outs = self.forward(xb, training=training) if device is None else \
                    device.predict(xb)
                for k, out in enumerate(outs):
                    chunks[k].append(out.copy() if len(chunks[k]) == 0 else out)
                cb.on_predict_batch_end(step, {})
                if bar is not None:
                    bar.update(step + 1, {}, finalize=False)
        if step < 0:
            raise ValueError("predict: the data gave no batch (a generator is used up after "
                             "one pass)")
        if bar is not None:
            bar.update(step + 1, {}, finalize=True)
        cb.on_predict_end({})
        results = [np.concatenate(c, axis=0) for c in chunks]
        return results if self._multi_output else results[0]
