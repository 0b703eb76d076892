r"""``CosineDecay``: half a cosine from η₀ down to α·η₀ over s steps.

.. math::

    \eta(t) = \eta_0 \left[(1 - \alpha)\,\tfrac12\left(1 + \cos\frac{\pi \min(t, s)}{s}
              \right) + \alpha\right]

Optional linear warm-up (Keras ≥ 2.13): with ``warmup_target`` set, the rate
goes linearly from η₀ to ``warmup_target`` over ``warmup_steps`` steps, then
decays from ``warmup_target`` as above (t counted from the end of warm-up).
Without ``warmup_target``, ``warmup_steps`` is ignored (as in Keras).

Keras defaults: ``alpha=0.0``, ``warmup_target=None``, ``warmup_steps=0``.
"""

from __future__ import annotations

import math

from .learning_rate_schedule import LearningRateSchedule, check_positive


def cosine_factor(fraction: float, alpha: float) -> float:
    """(1 − α)·½(1 + cos πf) + α: 1 at f = 0, α at f = 1."""
    return (1.0 - alpha) * 0.5 * (1.0 + math.cos(math.pi * fraction)) + alpha


class CosineDecay(LearningRateSchedule):
    """Cosine decay (SGDR without restarts), optionally after a linear warm-up."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: str | None = None, warmup_target: float | None = None,
                 warmup_steps: int = 0):
        check_positive("CosineDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.alpha = float(alpha)
        self.name = name
        self.warmup_target = None if warmup_target is None else float(warmup_target)
        self.warmup_steps = warmup_steps

    def __call__(self, step) -> float:
        if self.warmup_target is None:  # no warm-up (Keras ignores warmup_steps then)
            fraction = min(float(step), self.decay_steps) / self.decay_steps
            return self.initial_learning_rate * cosine_factor(fraction, self.alpha)
        step = min(float(step), self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            delta = self.warmup_target - self.initial_learning_rate
            return self.initial_learning_rate + delta * step / self.warmup_steps
        fraction = (step - self.warmup_steps) / self.decay_steps
        return self.warmup_target * cosine_factor(fraction, self.alpha)
