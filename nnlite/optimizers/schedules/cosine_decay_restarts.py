r"""``CosineDecayRestarts``: SGDR — cosine decay that restarts, each period longer.

Period i lasts s·t_mulⁱ steps and starts from η₀·m_mulⁱ.  With f the
fraction of the current period already done:

.. math::

    \eta(t) = \eta_0 \left[(1 - \alpha)\, m_{mul}^{\,i}\,\tfrac12(1 + \cos \pi f)
              + \alpha\right]

where, with c = t/s, the period is i = ⌊log(1 − c(1 − t_mul)) / log t_mul⌋
and f = (c − (1 − t_mulⁱ)/(1 − t_mul)) / t_mulⁱ  (i = ⌊c⌋, f = c − i when
t_mul = 1).  tf.keras 2 also had it as
``tf.keras.experimental.CosineDecayRestarts`` (see :mod:`nnlite.experimental`).

Keras defaults: ``t_mul=2.0``, ``m_mul=1.0``, ``alpha=0.0``.
"""

from __future__ import annotations

import math

from .learning_rate_schedule import LearningRateSchedule, check_positive


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (Loshchilov & Hutter, SGDR)."""

    def __init__(self, initial_learning_rate: float, first_decay_steps: int,
                 t_mul: float = 2.0, m_mul: float = 1.0, alpha: float = 0.0,
                 name: str | None = None):
        check_positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        check_positive("CosineDecayRestarts", "t_mul", t_mul)
        self.initial_learning_rate = float(initial_learning_rate)
        self.first_decay_steps = first_decay_steps
        self.t_mul = float(t_mul)
        self.m_mul = float(m_mul)
        self.alpha = float(alpha)
        self.name = name

    def period_and_fraction(self, step) -> tuple[int, float]:
        """(i, f): the restart index and the fraction of period i already done."""
        c = float(step) / self.first_decay_steps
        if self.t_mul == 1.0:
            i = math.floor(c)
            return i, c - i
        i = math.floor(math.log(1.0 - c * (1.0 - self.t_mul)) / math.log(self.t_mul))
        done = (1.0 - self.t_mul ** i) / (1.0 - self.t_mul)
        return i, (c - done) / self.t_mul ** i

    def __call__(self, step) -> float:
        i, f = self.period_and_fraction(step)
        cosine = 0.5 * self.m_mul ** i * (1.0 + math.cos(math.pi * f))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)
