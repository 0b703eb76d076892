r"""``RMSprop``: AdaGrad with an exponentially decaying average of squared gradients.

Its equations: :class:`RMSprop`.
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as kernels
from .optimizer import Optimizer


class RMSprop(Optimizer):
    r"""RMSProp: AdaGrad with an exponentially decaying average of the squared gradients.

    Equations
    ---------
    With g the gradient of the loss with respect to a weight θ, η the learning
    rate and ρ = ``rho`` (the book's β):

    .. math:: s \leftarrow \rho\, s + (1 - \rho)\, g \otimes g, \qquad
              \theta \leftarrow \theta - \eta\, g \oslash \sqrt{s + \varepsilon}

    Keras puts ε inside the square root.  With ``centered=True`` the average
    gradient ḡ is tracked too and the step divides by the estimated standard
    deviation instead:

    .. math:: \bar g \leftarrow \rho\, \bar g + (1 - \rho)\, g, \qquad
              \Delta = \eta\, g \oslash \sqrt{s - \bar g \otimes \bar g + \varepsilon}

    With ``momentum`` μ > 0 the step Δ (above, or η g ⊘ √(s + ε)) goes through a
    velocity M:

    .. math:: M \leftarrow \mu M + \Delta, \qquad \theta \leftarrow \theta - M

    Keras defaults: η = 0.001, ρ = 0.9, μ = 0, ε = 1e-7, ``centered=False``.

    Notes
    -----
    Slots: ``velocity`` (s), plus ``momentum`` (M) when momentum > 0 and
    ``average_gradient`` (ḡ) when centered.
    """

    _momentum_attr = "momentum"

    def __init__(self, learning_rate=0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False, name: str = "RMSprop",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"RMSprop: rho must be in [0, 1], got {rho}")
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"RMSprop: momentum must be in [0, 1], got {momentum}")
        self.rho = float(rho)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.centered = bool(centered)

    def _create_slots(self, var):
        slots = {"velocity": np.zeros_like(var.value)}
        if self.momentum > 0 or self._momentum_cycled():
            slots["momentum"] = np.zeros_like(var.value)
        if self.centered:
            slots["average_gradient"] = np.zeros_like(var.value)
        return slots

    def _momentum_cycled(self) -> bool:
        return bool(getattr(self._schedule, "cycle_momentum", False))

    def update_step(self, var, grad, lr):
        slots = self.slots(var)
        kernels.rmsprop_update(var.value, grad, slots["velocity"], lr, self.rho, self.epsilon,
                               slots.get("momentum") if self.momentum > 0 else None,
                               self.momentum, slots.get("average_gradient"))

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
