r"""``OneCycle``: Smith's 1cycle policy as a schedule (Géron ch. 11).

With T = ``total_steps``, L = ``last_steps`` and h = ⌊(T − L)/2⌋:

.. math::

    \eta(t) = \begin{cases}
      \eta_0 + (\eta_{max} - \eta_0)\, t / h & t < h \quad\text{(up)}\\
      \eta_{max} + (\eta_0 - \eta_{max})(t - h)/h & h \le t < 2h \quad\text{(down)}\\
      \eta_0 + (\eta_{last} - \eta_0)(t - 2h)/(T - 2h) & 2h \le t < T
        \quad\text{(annealing)}\\
      \eta_{last} & t \ge T
    \end{cases}

Defaults follow the book's ``OneCycleScheduler`` callback: η₀ =
``max_rate``/10, L = T//10 + 1, η_last = η₀/1000.  With
``cycle_momentum=True`` the optimizer's momentum (SGD/RMSprop ``momentum``,
Adam-family ``beta_1``) follows the inverse cycle 0.95 → 0.85 → 0.95 and
stays at 0.95 while annealing.  The same policy as a callback is
:class:`nnlite.callbacks.OneCycleScheduler`.  (An nnlite addition; Keras has
no 1cycle schedule.)
"""

from __future__ import annotations

from .learning_rate_schedule import LearningRateSchedule, check_positive


def interpolate(t: float, t1: float, t2: float, v1: float, v2: float) -> float:
    """The value at t on the line from (t1, v1) to (t2, v2)."""
    return (v2 - v1) * (t - t1) / (t2 - t1) + v1


class OneCycle(LearningRateSchedule):
    """1cycle: linear warm-up to ``max_rate``, back down, then annealing."""

    def __init__(self, max_rate: float, total_steps: int, start_rate: float | None = None,
                 last_steps: int | None = None, last_rate: float | None = None,
                 cycle_momentum: bool = False, max_momentum: float = 0.95,
                 min_momentum: float = 0.85, name: str | None = None):
        check_positive("OneCycle", "max_rate", max_rate)
        check_positive("OneCycle", "total_steps", total_steps)
        self.max_rate = float(max_rate)
        self.total_steps = int(total_steps)
        self.start_rate = float(start_rate or max_rate / 10)
        self.last_steps = int(last_steps or total_steps // 10 + 1)
        self.last_rate = float(last_rate or self.start_rate / 1000)
        self.half_step = (self.total_steps - self.last_steps) // 2
        if self.half_step < 1:
            raise ValueError(f"OneCycle: total_steps={total_steps} leaves no room for the "
                             f"cycle with last_steps={self.last_steps}")
        self.cycle_momentum = bool(cycle_momentum)
        self.max_momentum = float(max_momentum)
        self.min_momentum = float(min_momentum)
        self.name = name

    def __call__(self, step) -> float:
        t, h = float(step), self.half_step
        if t < h:
            return interpolate(t, 0, h, self.start_rate, self.max_rate)
        if t < 2 * h:
            return interpolate(t, h, 2 * h, self.max_rate, self.start_rate)
        if t < self.total_steps:
            return interpolate(t, 2 * h, self.total_steps, self.start_rate, self.last_rate)
        return self.last_rate

    def momentum(self, step) -> float | None:
        """The momentum at ``step`` (None when ``cycle_momentum`` is False)."""
        if not self.cycle_momentum:
            return None
        t, h = float(step), self.half_step
        if t < h:
            return interpolate(t, 0, h, self.max_momentum, self.min_momentum)
        if t < 2 * h:
            return interpolate(t, h, 2 * h, self.min_momentum, self.max_momentum)
        return self.max_momentum
