"""``predict`` and ``evaluate`` on the ``cuda`` backend with the weights on the GPU.

When the active backend is ``cuda`` and the model's forward pass can run on
the device (:func:`~nnlite.models.device_training.forward_problem`: the
``fit`` check without what only training needs), ``predict``,
``evaluate`` and ``fit``'s validation run each batch's forward pass on
device arrays:

* the weights are copied to the device once per call (one flat copy per
  dtype) and released after it; inside a cuda ``fit`` (validation, or a
  callback that predicts) the fit's device weights are used as they are;
* per batch, ``predict`` copies the inputs in and the outputs back (one
  copy each way); ``evaluate`` copies the inputs and the targets in and
  the outputs with the per-sample losses back in one array, then applies
  sample weights, averages, and updates the metrics on the host as the
  host path does.

Otherwise (another backend, a layer with no device path, an evaluate loss
without a device kernel, ``predict(training=True)``) the host path runs,
decided once per call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

from .. import _kernels as kernels
from ..losses import SparseCategoricalCrossentropy
from .device_training import forward_problem


def inference_problem(model, losses: bool) -> str | None:
    """Why this predict (or evaluate, ``losses=True``) cannot run on the device, or None."""
    if model._plan is None or (losses and not getattr(model, "_built_for_compile", False)):
        return "the model is not built yet (it builds on its first batch)"
    if len({w._value.dtype for w in model.weights}) > 1:
        return "the weights have several dtypes"
    if any(w._placement is not None for w in model.weights):
        return "the weights are already placed (a predict inside a predict)"
    return forward_problem(model, losses)


@contextlib.contextmanager
def device_inference(model, losses: bool = False,
                     training: bool = False) -> Iterator[DeviceInference | None]:
    """The device forward pass for this call, or None (the host path; see the module docstring).

    ``losses``: for ``evaluate`` (the loss too); ``training``: ``predict(training=True)``.
    """
    if training or kernels.get_backend() != "cuda":
        yield None
        return
    step = getattr(model, "_device_step", None)
    if step is not None:  # inside a cuda fit: its device weights
        yield DeviceInference(model, step.weights)
        return
    if inference_problem(model, losses) is not None:
        yield None
        return
    from .._kernels.cuda.device_weights import DeviceValues

    placement = DeviceValues(model.weights)
    try:
        yield DeviceInference(model, placement)
    finally:
        placement.release()


class DeviceInference:
    """Batch by batch forward passes (and losses) with the weights of ``placement`` on the device.

    ``placement``: a ``DeviceValues`` or a fit's ``DeviceWeights`` (its
    ``computing()`` shows every weight's device array).
    """

    def __init__(self, model, placement):
        from .._kernels.cuda import transfers

        self.model, self.placement = model, placement
        self._to_device, self._to_host = transfers.to_device, transfers.to_host
        self.dtype = model.weights[0]._value.dtype if model.weights else None

    def _inputs(self, xs):
        """The batch's inputs on the device, in the weights' dtype: one copy."""
        x = xs[0] if self.dtype is None else xs[0].astype(self.dtype, copy=False)
        return self._to_device(np.ascontiguousarray(x))

    def predict(self, xs) -> list[np.ndarray]:
        """The outputs of one batch: one copy in, one back."""
        x = self._inputs(xs)
        with self.placement.computing():
            out = self.model.forward([x], training=False)[0]
        return [self._to_host(out)]

    def evaluate(self, xs, ys, sample_weight=None) -> tuple[list[np.ndarray], float, list[float]]:
        """Outputs, Σ w·L and [L] of one batch, as ``Model._output_losses`` gives them.

        Two copies in (inputs, targets), one back (outputs and per-sample losses).
        """
        model, loss, w = self.model, self.model.loss[0], self.model.loss_weights[0]
        sparse = isinstance(loss, SparseCategoricalCrossentropy)
        x = self._inputs(xs)
        y = self._to_device(ys[0].astype(np.int64 if sparse else x.dtype, copy=False))
        n = len(xs[0])
        with self.placement.computing():
            out = model.forward([x], training=False)[0]
            if model._fused_outputs[0]:
                values, _ = loss.fused_value_and_grad(y, out, w / n)
            else:
                values, _ = loss.value_and_grad(y, out, w / n)
            host = self._to_host(_packed(out, values))
        outs, values = host[:out.size].reshape(out.shape), host[out.size:]
        if sample_weight is not None:
            values = values * sample_weight
        value = float(values.sum()) / n
        return [outs], w * value, [value]


def _packed(out, values):
    """``out`` and ``values`` one after the other in one device array (device-side copies)."""
    from numba import cuda

    size = out.size
    packed = cuda.device_array(size + values.size, dtype=out.dtype)
    packed[:size].reshape(out.shape).copy_to_device(out)
    packed[size:].copy_to_device(values)
    return packed
