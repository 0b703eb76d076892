r"""``Adamax``: Adam with the ℓ∞ norm in place of the ℓ2 norm of past gradients.

Its equations: :class:`Adamax`.
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as kernels
from .adaptive_moments import AdaptiveMoments


class Adamax(AdaptiveMoments):
    r"""Adamax: Adam with the ℓ∞ norm in place of the ℓ2 norm of past gradients.

    Equations
    ---------
    At step t = 1, 2, …, with g the gradient of the loss with respect to a
    weight θ and η the learning rate:

    .. math:: m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad
              u \leftarrow \max(\beta_2 u, |g|)

    .. math:: \theta \leftarrow \theta
              - \frac{\eta}{1 - \beta_1^{\,t}}\; m \oslash (u + \varepsilon)

    The step size is bounded by η/(1 − β₁ᵗ), which can make Adamax more stable
    than Adam on some data sets (Géron ch. 11).
    Keras defaults: η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7.

    Notes
    -----
    Slots: ``m``, ``u``.
    """

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, name: str = "Adamax", **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name, **kwargs)

    def _create_slots(self, var):
        return {"m": np.zeros_like(var.value), "u": np.zeros_like(var.value)}

    def update_step(self, var, grad, lr):
        slots = self.slots(var)
        kernels.adamax_update(var.value, grad, slots["m"], slots["u"], lr, self.beta_1,
                              self.beta_2, self.epsilon, self.iterations + 1)
