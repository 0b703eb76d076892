"""``fit`` on the ``cuda`` backend with the weights and activations on the GPU.

When the active backend is ``cuda`` and every part of the model can run on
the device, ``fit`` trains with :class:`DeviceStep` in place of the host
training step:

* the weights, their gradients and the optimizer's slots are copied to the
  device once (``nnlite._kernels.cuda.device_weights``) and stay there for
  the whole ``fit``; the layers' forward and backward passes run unchanged,
  on device arrays, so the activations they keep for backward are device
  arrays too;
* each batch is copied to the device **per step** (inputs and targets: two
  copies).  Copying the whole training set once would save nothing per step
  (a shuffled batch is a gather either way) and would have to fit in device
  memory beside the model; per batch works for any data size;
* a batch that comes with sample weights (from a generator) is trained on
  the host path, between a copy of the weights back and one to the device;
* per step, one copy comes back: the batch's predictions, per-sample losses
  and a count of non-finite gradient entries, packed in one device array, so
  the loss, the metrics and the "is this step finite?" check (the host
  path's rules: a step with a NaN/inf loss or gradient is not applied) are
  computed on the host exactly as the host path computes them.

What runs on the device: ``Dense`` (any activation the kernels know),
``Flatten``, the cross-entropy losses fused with their softmax/sigmoid
output (and softmax cross-entropy ``from_logits``), and every built-in
optimizer over its flat buffer.  Anything else (another layer, a
regularizer, a constraint, gradient clipping, sample or class weights,
several inputs or outputs, a callback that wraps a layer's forward pass such
as ``GradientMonitor``) makes this ``fit`` use the host path, with a warning
naming it: each kernel call then copies its arrays to the GPU and
back, which is correct but slow.  Validation (and ``predict`` or
``evaluate`` from a callback) runs on the fit's device weights, as
``predict`` and ``evaluate`` do outside ``fit``
(:mod:`nnlite.models.device_inference`).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import numpy as np

from .. import _kernels as kernels
from ..layers.dense import Dense
from ..layers.flatten import Flatten
from ..losses import BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy
from .gradients import BatchLoss

#: Layer types whose forward and backward run on device arrays as they are.
DEVICE_LAYERS = (Dense, Flatten)


def _loss_problem(model) -> str | None:
    loss = model.loss[0]
    if model._fused_outputs[0]:
        if isinstance(loss, (BinaryCrossentropy, CategoricalCrossentropy,
                             SparseCategoricalCrossentropy)):
            return None
    elif isinstance(loss, (CategoricalCrossentropy, SparseCategoricalCrossentropy)) \
            and loss.from_logits:
        return None
    return (f"loss {getattr(loss, 'name', type(loss).__name__)!r} (only cross-entropies with "
            "a softmax/sigmoid output, or from_logits=True, have device kernels)")


def _layer_problem(layer, training: bool = True) -> str | None:
    """Why ``layer`` cannot run on the device (``training``: its backward too), or None."""
    where = f"layer {layer.name!r} ({type(layer).__name__})"
    if not isinstance(layer, DEVICE_LAYERS):
        return f"{where} has no device path"
    if "forward" in vars(layer) or "backward" in vars(layer):
        return (f"{where} has its forward or backward wrapped (e.g. by GradientMonitor), "
                "which reads the layer's arrays on the host")
    if isinstance(layer, Dense) and not layer.activation.uses_kernel:
        return f"{where} has an activation without a kernel"
    if layer.activity_regularizer is not None:
        return f"{where} has an activity regularizer"
    if not training:  # a weight penalty is read on the host; constraints act on updates
        return None
    for var in layer.weights:
        if var.regularizer is not None or var.constraint is not None:
            return f"{where} has a regularizer or constraint on {var.name!r}"
    return None


def forward_problem(model, losses: bool, training: bool = False) -> str | None:
    """Why the forward pass (and the loss if ``losses``) cannot run on the device, or None.

    ``training``: the backward pass too (no weight regularizer or constraint).
    """
    if model._multi_input or model._multi_output:
        return "the model has several inputs or outputs"
    if losses and len(model.outputs[0].shape) != 2:
        return f"the output has shape {model.outputs[0].shape} (the device losses take 2-D ones)"
    for layer, *_ in model._plan:
        problem = _layer_problem(layer, training)
        if problem:
            return problem
    return _loss_problem(model) if losses else None


def device_problem(model, weighted: bool = False) -> str | None:
    """Why this fit cannot run on the device (naming the layer or option), or None.

    ``weighted``: ``fit`` was given sample or class weights.
    """
    if model._multi_input or model._multi_output:
        return "the model has several inputs or outputs"
    if weighted:
        return "sample or class weights are given"
    problem = forward_problem(model, losses=True, training=True)
    if problem:
        return problem
    opt = model.optimizer
    if any(getattr(opt, c) is not None for c in ("clipvalue", "clipnorm", "global_clipnorm")):
        return f"optimizer {opt.name!r} clips gradients"
    if opt._flat_weights(model._train_vars) is None:
        return f"optimizer {opt.name!r} updates weight by weight (not nnlite's flat update)"
    return None


@contextlib.contextmanager
def device_fit(model, weighted: bool = False) -> Iterator[DeviceStep | None]:
    """The device training step for this ``fit``, or None (not cuda, or a host fallback).

    ``weighted``: ``fit`` was given sample or class weights.
    """
    if kernels.get_backend() != "cuda" or not model._train_vars:
        yield None
        return
    problem = device_problem(model, weighted)
    if problem is not None:
        warnings.warn(f"cuda backend: {problem}, so this fit runs on the host path (every "
                      "kernel copies its arrays to the GPU and back: correct but slow)",
                      RuntimeWarning, stacklevel=4)
        yield None
        return
    step = DeviceStep(model)
    try:
        yield step
    finally:
        step.release()


class DeviceStep:
    """One training step on the device (the host path's rules; see the module docstring)."""

    def __init__(self, model):
        from .._kernels.cuda import transfers
        from .._kernels.cuda.device_weights import DeviceWeights
        from .._kernels.cuda.finite import count_nonfinite

        self.model, self._to_device, self._to_host = model, transfers.to_device, transfers.to_host
        self._count_nonfinite = count_nonfinite
        opt = model.optimizer
        flat = opt._flat_weights(model._train_vars)
        slots = opt.slots(flat)
        in_flat = {id(v) for v in flat.variables}
        others = [w for w in model.weights if id(w) not in in_flat]
        self.weights = DeviceWeights(flat, slots, others)
        self.dtype = flat.value.dtype
        self.sparse_labels = isinstance(model.loss[0], SparseCategoricalCrossentropy)

    def release(self) -> None:
        """Weights back on the host (the optimizer forgets the device slots)."""
        self.model.optimizer._slots.pop(id(self.weights.device), None)
        self.weights.release()

    def _batch_to_device(self, xs, ys):
        """The batch's inputs (in the weights' dtype) and targets on the device: two copies."""
        x = self._to_device(np.ascontiguousarray(xs[0], dtype=self.dtype))
        y = ys[0].astype(np.int64 if self.sparse_labels else self.dtype, copy=False)
        return x, self._to_device(y)

    def __call__(self, xs, ys, sample_weight=None) -> tuple[BatchLoss, str | None]:
        model, weights = self.model, self.weights
        if sample_weight is not None:  # weights in the data (a generator): this step on the host
            with weights.host_step():
                return model._host_train_step(xs, ys, sample_weight)
        if weights.replaced:
            raise RuntimeError("a weight array was replaced during a cuda fit; nnlite cannot "
                               "keep the device copy in step with it")
        x, y = self._batch_to_device(xs, ys)
        n = len(xs[0])
        with weights.computing() as device:
            out = model.forward([x], training=True)[0]
            loss, w = model.loss[0], model.loss_weights[0]
            scale = w / n
            if model._fused_outputs[0]:
                values, grad = loss.fused_value_and_grad(y, out, scale)
            else:
                values, grad = loss.value_and_grad(y, out, scale)
            model.backward([grad], model._fused_outputs)
            report = self._report(out, values, device.grad)
        host = self._to_host(report)
        outs = host[:out.size].reshape(out.shape)
        value = float(host[out.size:out.size + n].sum()) / n
        total = w * value
        problem = None
        if not np.isfinite(total):
            problem = f"the loss is {total}"
        elif host[-1] != 0:
            problem = f"the loss is {total} but the gradients are not finite"
        else:
            with weights.computing() as device:
                model.optimizer.apply_on_device(device, weights.slots)
            weights.step_done()
        return BatchLoss([outs], total, [value], [None]), problem

    def _report(self, out, values, grads):
        """One device array: the predictions, the per-sample losses, the non-finite count."""
        from numba import cuda

        size, n = out.size, values.size
        report = cuda.device_array(size + n + 1, dtype=out.dtype)
        report[:size].reshape(out.shape).copy_to_device(out)
        report[size:size + n].copy_to_device(values)
        self._count_nonfinite(grads, report[size + n:])
        return report
