r"""``PolynomialDecay``: from η₀ down to η_end over s steps along (1 − t/s)^p.

.. math::

    \eta(t) = (\eta_0 - \eta_{end}) \left(1 - \frac{\min(t, s)}{s}\right)^{p}
              + \eta_{end}

With ``cycle=True`` s is replaced by s·⌈t/s⌉ (the decay restarts, from a
lower rate each time) instead of staying at η_end after step s.

Keras defaults: ``end_learning_rate=0.0001``, ``power=1.0``, ``cycle=False``.
"""

from __future__ import annotations

import math

from .learning_rate_schedule import LearningRateSchedule, check_positive


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from η₀ to ``end_learning_rate`` over ``decay_steps``."""

    def __init__(self, initial_learning_rate: float, decay_steps: int,
                 end_learning_rate: float = 0.0001, power: float = 1.0, cycle: bool = False,
                 name: str | None = None):
        check_positive("PolynomialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.end_learning_rate, self.power = float(end_learning_rate), float(power)
        self.cycle = bool(cycle)
        self.name = name

    def __call__(self, step) -> float:
        step = float(step)
        decay_steps = float(self.decay_steps)
        if self.cycle:
            decay_steps *= 1.0 if step == 0 else math.ceil(step / decay_steps)
        else:
            step = min(step, decay_steps)
        fraction = 1.0 - step / decay_steps
        return ((self.initial_learning_rate - self.end_learning_rate) * fraction ** self.power
                + self.end_learning_rate)
