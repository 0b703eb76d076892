r"""``ExponentialDecay``: η(t) = η₀ · r^{t/s}  (÷ every s steps by 1/r).

.. math::  \eta(t) = \eta_0 \, r^{\,t / s}

with ``staircase=True`` the exponent is ⌊t/s⌋ (a step function).  The book's
``exponential_decay_fn(epoch) = 0.01 · 0.1^{epoch/20}`` is
``ExponentialDecay(0.01, decay_steps=20 · steps_per_epoch, decay_rate=0.1)``.

Keras defaults: ``staircase=False``.
"""

from __future__ import annotations

from .learning_rate_schedule import DecaySchedule


class ExponentialDecay(DecaySchedule):
    """η₀ · decay_rate^(step / decay_steps)."""

    def __call__(self, step) -> float:
        return self.initial_learning_rate * self.decay_rate ** self.progress(step)
