r"""``Adam``: momentum (first moment m) + RMSProp (second moment s), bias-corrected.

Its equations: :class:`Adam`.
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as kernels
from .optimizer import Optimizer


def check_betas(owner: str, beta_1: float, beta_2: float) -> None:
    """Raise a ValueError naming ``owner`` unless 0 ≤ β₁, β₂ < 1."""
    for name, value in (("beta_1", beta_1), ("beta_2", beta_2)):
        if not 0.0 <= value < 1.0:
            raise ValueError(f"{owner}: {name} must be in [0, 1), got {value}")


class Adam(Optimizer):
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

    _momentum_attr = "beta_1"

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, name: str = "Adam",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        check_betas(type(self).__name__, beta_1, beta_2)
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = float(epsilon)
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
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}
