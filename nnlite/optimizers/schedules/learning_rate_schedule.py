"""``LearningRateSchedule``: a learning rate as a function of the optimizer step.

Pass one as ``learning_rate=`` to any optimizer; it is evaluated at
``optimizer.iterations`` (0, 1, 2, … — one per *batch*, not per epoch)
before each update.  Subclasses implement ``__call__(step) -> float`` and
``get_config()``.
"""

from __future__ import annotations


class LearningRateSchedule:
    """Base class of the schedules in :mod:`nnlite.optimizers.schedules`."""

    def __call__(self, step) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step)")

    def get_config(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__} must implement get_config()")

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
