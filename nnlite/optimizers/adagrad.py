r"""``Adagrad``: per-parameter learning rates that shrink with the squared gradients seen.

.. math::

    s \leftarrow s + g \odot g \qquad
    \theta \leftarrow \theta - \eta\, g \oslash \sqrt{s + \varepsilon}

(Keras puts ε inside the square root.)  The accumulator s starts at
``initial_accumulator_value`` (0.1), not 0.  AdaGrad often stops too early on
deep networks because η/√s decays to almost nothing (Géron ch. 11).

Keras defaults: ``learning_rate=0.001``, ``initial_accumulator_value=0.1``,
``epsilon=1e-7``.  Slot: ``accumulator`` (s).
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as kernels
from .optimizer import Optimizer


class Adagrad(Optimizer):
    """AdaGrad (see the module docstring for the equations)."""

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
