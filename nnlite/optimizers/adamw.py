r"""``AdamW``: Adam with *decoupled* weight decay (Loshchilov & Hutter).

Each step first shrinks the weights, then takes an Adam step:

.. math::

    \theta \leftarrow \theta - \eta\, \lambda\, \theta \qquad
    \text{then Adam (see :mod:`nnlite.optimizers.adam`)}

Unlike ``l2`` regularization, the decay does not pass through the adaptive
scaling 1/(√s + ε), so every weight decays at the same relative rate.

Keras defaults: ``learning_rate=0.001``, ``weight_decay=0.004``,
``beta_1=0.9``, ``beta_2=0.999``, ``epsilon=1e-7``, ``amsgrad=False``.
Slots: ``m``, ``v``, ``vhat`` (AMSGrad only).
"""

from __future__ import annotations

from .. import _kernels as kernels
from .adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay (see the module docstring)."""

    def __init__(self, learning_rate=0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False,
                 name: str = "AdamW", **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name, **kwargs)
        if weight_decay < 0:
            raise ValueError(f"AdamW: weight_decay must be >= 0, got {weight_decay}")
        self.weight_decay = float(weight_decay)

    def update_step(self, var, grad, lr):
        slots = self.slots(var)
        if self.amsgrad:  # the fused AdamW kernel has no ŝ_max: decay, then AMSGrad Adam
            kernels.scale_(var.value, 1.0 - lr * self.weight_decay)
            super().update_step(var, grad, lr)
            return
        kernels.adamw_update(var.value, grad, slots["m"], slots["v"], lr, self.beta_1,
                             self.beta_2, self.epsilon, self.iterations + 1, self.weight_decay)

    def get_config(self):
        return {**super().get_config(), "weight_decay": self.weight_decay}
