r"""``InverseTimeDecay``: power scheduling (Géron), η(t) = η₀ / (1 + r·t/s).

.. math::  \eta(t) = \frac{\eta_0}{1 + r\, t / s}

with ``staircase=True`` t/s is floored.  tf.keras 2's ``SGD(lr=η₀,
decay=d)`` is the same curve with s = 1 and r = d.

Keras defaults: ``staircase=False``.
"""

from __future__ import annotations

import math

from .learning_rate_schedule import LearningRateSchedule, check_positive


class InverseTimeDecay(LearningRateSchedule):
    """η₀ / (1 + decay_rate · step / decay_steps)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str | None = None):
        check_positive("InverseTimeDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = float(decay_rate)
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step) -> float:
        p = float(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate / (1.0 + self.decay_rate * p)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}
