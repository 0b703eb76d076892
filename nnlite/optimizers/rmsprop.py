r"""``RMSprop``: AdaGrad with an exponentially decaying average of squared gradients.

.. math::

    s \leftarrow \rho\, s + (1 - \rho)\, g \odot g \qquad
    \Delta = \eta\, g \oslash \sqrt{s + \varepsilon}

* ``centered=True``: also  ḡ ← ρḡ + (1 − ρ)g  and  Δ = η g / √(s − ḡ² + ε);
* ``momentum`` μ > 0:  M ← μM + Δ,  θ ← θ − M;  otherwise  θ ← θ − Δ.

(ρ is the book's β; Keras puts ε inside the square root.)

Keras defaults: ``learning_rate=0.001``, ``rho=0.9``, ``momentum=0.0``,
``epsilon=1e-7``, ``centered=False``.  Slots: ``velocity`` (s), plus
``momentum`` (M) when momentum > 0 and ``average_gradient`` (ḡ) when centered.
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as kernels
from .optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSProp (see the module docstring for the equations)."""

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
