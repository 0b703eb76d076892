r"""``ExponentialDecay``: η(t) = η₀ · r^{t/s}  (÷ every s steps by 1/r).

.. math::  \eta(t) = \eta_0 \, r^{\,t / s}

with ``staircase=True`` the exponent is ⌊t/s⌋ (a step function).  The book's
``exponential_decay_fn(epoch) = 0.01 · 0.1^{epoch/20}`` is
``ExponentialDecay(0.01, decay_steps=20 · steps_per_epoch, decay_rate=0.1)``.

Keras defaults: ``staircase=False``.
"""

from __future__ import annotations

import math

from .learning_rate_schedule import LearningRateSchedule, check_positive


class ExponentialDecay(LearningRateSchedule):
    """η₀ · decay_rate^(step / decay_steps)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str | None = None):
        check_positive("ExponentialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = float(decay_rate)
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step) -> float:
        p = float(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate ** p

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}
