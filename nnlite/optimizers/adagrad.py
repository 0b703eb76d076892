r"""``Adagrad``: per-parameter learning rates that shrink with the squared gradients seen.

Its equations: :class:`Adagrad`.
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as kernels
from .optimizer import Optimizer


class Adagrad(Optimizer):
    r"""AdaGrad: per-parameter learning rates that shrink with the squared gradients seen.

    Equations
    ---------
    With g the gradient of the loss with respect to a weight θ and η the
    learning rate:

    .. math:: s \leftarrow s + g \otimes g, \qquad
              \theta \leftarrow \theta - \eta\, g \oslash \sqrt{s + \varepsilon}

    Keras puts ε inside the square root, and the accumulator s starts at
    ``initial_accumulator_value`` = 0.1, not 0.  AdaGrad often stops too early
    on deep networks because η/√s decays to almost nothing (Géron ch. 11).
    Keras defaults: η = 0.001, s₀ = 0.1, ε = 1e-7.

    Notes
    -----
    Slot: ``accumulator`` (s).
    """

    _slot_names = ("accumulator",)

    def __init__(self, learning_rate=0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, name: str = "Adagrad", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if initial_accumulator_value < 0:
            raise ValueError("Adagrad: initial_accumulator_value must be >= 0, got "
                             f"{initial_accumulator_value}")
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    def _create_slots(self, var):
        return {"accumulator": np.full_like(var.value, self.initial_accumulator_value)}

    def update_step(self, var, grad, lr):
        kernels.adagrad_update(var.value, grad, self.slots(var)["accumulator"], lr,
                               self.epsilon)

    def get_config(self):
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
