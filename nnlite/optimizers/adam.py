r"""``Adam``: momentum (first moment m) + RMSProp (second moment s), bias-corrected.

Its equations: :class:`Adam`.
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as kernels
from .adaptive_moments import AdaptiveMoments


class Adam(AdaptiveMoments):
    r"""Adam: momentum (first moment m) plus RMSProp (second moment s), bias-corrected.

    Equations
    ---------
    At step t = 1, 2, …, with g the gradient of the loss with respect to a
    weight θ and η the learning rate, the book's form:

    .. math:: m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad
              s \leftarrow \beta_2 s + (1 - \beta_2)\, g \otimes g

    .. math:: \hat m = \frac{m}{1 - \beta_1^{\,t}}, \qquad
              \hat s = \frac{s}{1 - \beta_2^{\,t}}, \qquad
              \theta \leftarrow \theta - \eta\, \hat m \oslash (\sqrt{\hat s} + \varepsilon)

    The code computes it as Keras does, with the bias corrections folded into
    the step size α_t and ε outside the square root of the uncorrected s:

    .. math:: \alpha_t = \eta\, \frac{\sqrt{1 - \beta_2^{\,t}}}{1 - \beta_1^{\,t}}, \qquad
              \theta \leftarrow \theta - \alpha_t\, m \oslash (\sqrt{s} + \varepsilon)

    which is the book's step with its ε replaced by ε/√(1 − β₂ᵗ).
    ``amsgrad=True`` keeps s_max ← max(s_max, s) and uses it in place of s.
    Keras defaults: η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7, ``amsgrad=False``.

    Notes
    -----
    Slots: ``m``, ``v`` (= s), ``vhat`` (= s_max, AMSGrad only).
    """

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, name: str = "Adam",
                 **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name, **kwargs)
        self.amsgrad = bool(amsgrad)

    def _create_slots(self, var):
        slots = {"m": np.zeros_like(var.value), "v": np.zeros_like(var.value)}
        if self.amsgrad:
            slots["vhat"] = np.zeros_like(var.value)
        return slots

    def update_step(self, var, grad, lr):
        slots = self.slots(var)
        kernels.adam_update(var.value, grad, slots["m"], slots["v"], lr, self.beta_1,
                            self.beta_2, self.epsilon, self.iterations + 1, slots.get("vhat"))

    def get_config(self):
        return {**super().get_config(), "amsgrad": self.amsgrad}
