r"""``InverseTimeDecay``: power scheduling (Géron), η(t) = η₀ / (1 + r·t/s).

.. math::  \eta(t) = \frac{\eta_0}{1 + r\, t / s}

with ``staircase=True`` t/s is floored.  tf.keras 2's ``SGD(lr=η₀,
decay=d)`` is the same curve with s = 1 and r = d.

Keras defaults: ``staircase=False``.
"""

from __future__ import annotations

from .learning_rate_schedule import DecaySchedule


class InverseTimeDecay(DecaySchedule):
    """η₀ / (1 + decay_rate · step / decay_steps)."""

    def __call__(self, step) -> float:
        return self.initial_learning_rate / (1.0 + self.decay_rate * self.progress(step))
