r"""``Model.compute_gradients``: forward, loss and backward for one batch — no update.

A training step is two halves: *compute* the loss L of the batch and its
gradient ∂L/∂θ for every trainable weight θ, then *apply* the optimizer
step.  This module is the first half, the one ``fit`` and
``train_on_batch`` share with :func:`nnlite.inspect.inspect_batch`,
:func:`nnlite.utils.check_gradients` and the tests:

1. forward pass (``training=True``: dropout on, batch statistics);
2. the loss of each output, weighted by its ``loss_weights`` entry, and its
   gradient ∂L/∂output (∂L/∂z for an output fused with its loss, see
   :mod:`nnlite.models.compile`), plus weight and activity penalties;
3. backward pass, then each weight penalty's gradient added to its weight's.

With TensorFlow the same numbers come from::

    with tf.GradientTape() as tape:
        loss = model.compiled_loss(y, model(x, training=True)) + sum(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)

and ``optimizer.apply_gradients(zip(grads, model.trainable_variables))`` is
the second half.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..layers.base import deferred_updates
from .sample_weights import check_sample_weight


@dataclass
class BatchLoss:
    """The forward pass and loss of one batch, before the backward pass."""

    outputs: list[np.ndarray]
    #: Σ_k loss_weight_k · L_k + weight and activity penalties
    total: float
    #: L_k of each output (the History's ``<output>_loss``), unweighted
    per_output: list[float]
    #: ∂L/∂output_k for the backward pass (∂L/∂z_k for a fused output)
    output_grads: list[np.ndarray]


class Gradients:
    """The *compute* half of a training step (a mixin of :class:`~nnlite.models.Model`)."""

    def compute_gradients(self, x, y, sample_weight=None,
                          training: bool = True) -> tuple[float, list[np.ndarray]]:
        """The loss of one batch and its gradient for each trainable variable.

        Parameters
        ----------
        x, y : one batch of inputs and targets, as for ``train_on_batch``.
        sample_weight : optional weight of each sample.
        training : run the layers in training mode (dropout on, batch
            statistics), as a training step does (default ``True``).

        Returns
        -------
        (loss, grads)
            ``loss`` is what ``train_on_batch`` reports (compiled loss(es)
            plus penalties); ``grads[i]`` is ∂loss/∂``model.trainable_variables[i]``
            (as of the last ``compile``: a change of ``trainable`` counts from
            the next one, as in Keras), penalty gradients included — what
            ``tape.gradient(loss, model.trainable_variables)`` returns in
            TensorFlow.

        Nothing in the model changes: no weight, no optimizer slot, no
        batch-norm moving statistic, no dropout step counter (the state the
        pass stages is discarded).  ``fit`` is this followed by the optimizer
        step; so is ``model.optimizer.apply_gradients(zip(grads,
        model.trainable_variables))``.
        """
        xs = self._compiled_inputs(x, "compute_gradients", "computing gradients")
        self._check_trainable_changed()
        ys = self._prepare_y(y, xs, "compute_gradients")
        sw = check_sample_weight(sample_weight, len(xs[0]), "compute_gradients")
        with deferred_updates(self._stateful_layers()):  # staged, discarded at the end
            batch = self._forward_and_loss(xs, ys, sw, training=bool(training))
            self._backward_and_penalties(batch.output_grads)
        return batch.total, [var.grad.copy() for var in self._train_vars]

    # ------------------------------------------------------------ the steps
    def _forward_and_loss(self, xs, ys, sample_weight, training: bool) -> BatchLoss:
        """Steps 1 and 2: forward, then the loss, its gradient and the penalties."""
        outputs = self.forward(xs, training=training)
        total, per_output, output_grads = self._output_losses(ys, outputs, sample_weight)
        total += self._penalty()
        return BatchLoss(outputs, total, per_output, output_grads)

    def _output_losses(self, ys, outs, sample_weight=None):
        """Σ_k w_k·L_k, each L_k, and each ∂(w_k·L_k)/∂output_k (∂/∂z_k when fused)."""
        total, per_output, grads = 0.0, [], []
        for k, (loss, y, out) in enumerate(zip(self.loss, ys, outs)):
            w = self.loss_weights[k]
            scale = w / len(out)
            if self._fused_outputs[k]:
                values, grad = loss.fused_value_and_grad(y, out, scale)
            else:
                values, grad = loss.value_and_grad(y, out, scale)
            if sample_weight is not None:
                values = values * sample_weight
                grad = grad * sample_weight.reshape((-1,) + (1,) * (grad.ndim - 1))
            value = float(values.sum()) / len(out)
            per_output.append(value)
            total += w * value
            grads.append(grad.astype(out.dtype, copy=False))
        return total, per_output, grads

    def _penalty(self) -> float:
        """Activity penalties of the last forward pass plus the weight penalties Ω(θ)."""
        penalty = self.activity_penalty() if self._activity else 0.0
        for var in self._train_vars:
            if var.regularizer is not None:
                penalty += var.regularizer(var.value)
        return penalty

    def _backward_and_penalties(self, output_grads: list[np.ndarray]) -> None:
        """Step 3: fill each trainable ``var.grad`` with ∂L/∂θ, penalty gradient included."""
        self.backward(output_grads, self._fused_outputs)
        for var in self._train_vars:
            if var.regularizer is not None:
                var.grad += var.regularizer.gradient(var.value).astype(var.dtype, copy=False)

    def _stateful_layers(self) -> list:
        """The layers whose training pass changes their state (BN statistics, noise steps)."""
        cached = getattr(self, "_stateful_cache", None)
        if cached is None or cached[0] is not self._plan:
            cached = self._stateful_cache = (
                self._plan, [layer for layer in self.layers if layer.keeps_step_state])
        return cached[1]
