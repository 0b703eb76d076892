r"""``PiecewiseConstantDecay``: a constant rate per interval of steps.

.. math::

    \eta(t) = \begin{cases} v_0 & t \le b_0 \\ v_1 & b_0 < t \le b_1 \\
    \dots \\ v_n & t > b_{n-1} \end{cases}

``values`` has one more entry than ``boundaries`` (increasing step counts).
"""

from __future__ import annotations

from .learning_rate_schedule import LearningRateSchedule


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``."""

    def __init__(self, boundaries, values, name: str | None = None):
        boundaries, values = list(boundaries), list(values)
        if len(values) != len(boundaries) + 1:
            raise ValueError("PiecewiseConstantDecay: the length of boundaries should be 1 "
                             f"less than the length of values, got {len(boundaries)} "
                             f"boundaries and {len(values)} values")
        if any(b2 < b1 for b1, b2 in zip(boundaries, boundaries[1:])):
            raise ValueError(f"PiecewiseConstantDecay: boundaries must increase, got "
                             f"{boundaries}")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step) -> float:
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return float(value)
        return float(self.values[-1])
