r"""``Nadam``: Adam with Nesterov momentum (Dozat 2016), as Keras computes it.

Its equations: :class:`Nadam`.
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as kernels
from .adaptive_moments import AdaptiveMoments


class Nadam(AdaptiveMoments):
    r"""Nadam: Adam with Nesterov momentum (Dozat 2016), as Keras computes it.

    Equations
    ---------
    At step t = 1, 2, …, with g the gradient of the loss with respect to a
    weight θ and η the learning rate, a momentum schedule μ_t warms β₁ up and
    Π_t = μ₁μ₂⋯μ_t is kept by the optimizer (``u_product``):

    .. math:: \mu_t = \beta_1\bigl(1 - \tfrac12\, 0.96^{\,t}\bigr), \qquad
              \Pi_t = \Pi_{t-1}\, \mu_t, \quad \Pi_0 = 1

    .. math:: m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad
              s \leftarrow \beta_2 s + (1 - \beta_2)\, g \otimes g

    .. math:: \hat m = \frac{\mu_{t+1}\, m}{1 - \Pi_t\,\mu_{t+1}}
              + \frac{(1 - \mu_t)\, g}{1 - \Pi_t}, \qquad
              \hat s = \frac{s}{1 - \beta_2^{\,t}}

    .. math:: \theta \leftarrow \theta - \eta\, \hat m \oslash (\sqrt{\hat s} + \varepsilon)

    (tf.keras ≥ 2.11 and Keras 3; the legacy tf.keras 2.3 optimizer used
    0.96^{0.004 t} in μ_t.)
    Keras defaults: η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7.

    Notes
    -----
    Slots: ``m``, ``v`` (= s); optimizer state ``u_product`` (Π_t).
    """

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, name: str = "Nadam", **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name, **kwargs)
        self.u_product = 1.0

    def mu(self, t: int) -> float:
        """The momentum schedule μ_t = β₁(1 − ½·0.96ᵗ)."""
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** t)

    def _before_step(self) -> None:
        self.u_product *= self.mu(self.iterations + 1)

    def _create_slots(self, var):
        return {"m": np.zeros_like(var.value), "v": np.zeros_like(var.value)}

    def update_step(self, var, grad, lr):
        t = self.iterations + 1
        u_t, u_t1 = self.mu(t), self.mu(t + 1)
        slots = self.slots(var)
        kernels.nadam_update(var.value, grad, slots["m"], slots["v"], lr, self.beta_1,
                             self.beta_2, self.epsilon, u_t, u_t1, self.u_product,
                             self.u_product * u_t1, t)

    def _extra_state(self):
        return {"u_product": self.u_product}

    def _set_extra_state(self, state):
        self.u_product = float(state.get("u_product", 1.0))
