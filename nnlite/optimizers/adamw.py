r"""``AdamW``: Adam with *decoupled* weight decay (Loshchilov & Hutter).

Its equations: :class:`AdamW`.
"""

from __future__ import annotations

from .. import _kernels as kernels
from .adam import Adam


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter 2019).

    Equations
    ---------
    Each step first shrinks the weights by the weight decay λ (η the current
    learning rate), then takes Adam's step (see :class:`Adam`, α_t its folded
    step size) on the decayed weights, as Keras applies them:

    .. math:: \theta \leftarrow \theta - \eta\, \lambda\, \theta
              \qquad \text{then} \qquad
              \theta \leftarrow \theta - \alpha_t\, m \oslash (\sqrt{s} + \varepsilon)

    Unlike ``l2`` regularization, the decay does not pass through the adaptive
    scaling 1/(√s + ε), so every weight decays at the same relative rate.
    Keras defaults: η = 0.001, λ = ``weight_decay`` = 0.004, β₁ = 0.9,
    β₂ = 0.999, ε = 1e-7, ``amsgrad=False``.

    Notes
    -----
    Slots: ``m``, ``v``, ``vhat`` (AMSGrad only).
    """

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
