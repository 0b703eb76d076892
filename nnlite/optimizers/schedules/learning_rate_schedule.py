"""``LearningRateSchedule``: a learning rate as a function of the optimizer step.

Pass one as ``learning_rate=`` to any optimizer; it is evaluated at
``optimizer.iterations`` (0, 1, 2, … — one per *batch*, not per epoch)
before each update.  Subclasses implement ``__call__(step) -> float`` and
``get_config()`` (by default the constructor's arguments, read back from
the attributes of the same names).
"""

from __future__ import annotations

import inspect
import math


class LearningRateSchedule:
    """Base class of the schedules in :mod:`nnlite.optimizers.schedules`."""

    def __call__(self, step) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step)")

    def get_config(self) -> dict:
        """The constructor's arguments, so ``from_config(get_config())`` rebuilds it."""
        names = list(inspect.signature(type(self).__init__).parameters)[1:]
        return {name: getattr(self, name) for name in names}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


def check_positive(owner: str, name: str, value) -> None:
    """Raise a ValueError naming ``owner`` and ``name`` unless ``value`` > 0."""
    if not float(value) > 0:
        raise ValueError(f"{owner}: {name} must be > 0, got {value!r}")


class DecaySchedule(LearningRateSchedule):
    """A rate decayed by ``decay_rate`` per ``decay_steps`` steps (Exponential, InverseTime).

    Subclasses turn :meth:`progress` p = t/s (⌊t/s⌋ with ``staircase``) into η.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str | None = None):
        check_positive(type(self).__name__, "decay_steps", decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = float(decay_rate)
        self.staircase = bool(staircase)
        self.name = name

    def progress(self, step) -> float:
        """p = step / decay_steps, floored when ``staircase``."""
        p = float(step) / self.decay_steps
        return math.floor(p) if self.staircase else p
