r"""``LearningRateScheduler``: set the learning rate at the start of each epoch.

``schedule`` is ``f(epoch)`` or ``f(epoch, lr)`` (epoch counted from 0, lr
the current rate), e.g. the book's exponential scheduling
``lambda epoch: 0.01 * 0.1 ** (epoch / 20)`` or ``lambda epoch, lr: lr *
0.1 ** (1 / 20)``.  The rate is assigned to ``optimizer.learning_rate``
(replacing a schedule object, if the optimizer had one) and appears in
``History.history["lr"]``.  Callbacks act per *epoch*; schedule objects
(:mod:`nnlite.optimizers.schedules`) act per *step*.

Keras defaults: ``verbose=0``.
"""

from __future__ import annotations

import inspect
import numbers

from .. import backend
from .callback import Callback


def _takes_lr(schedule) -> bool:
    """Whether ``schedule`` accepts two positional arguments (epoch, lr)."""
    try:
        params = inspect.signature(schedule).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)


class LearningRateScheduler(Callback):
    """Sets ``optimizer.learning_rate = schedule(epoch[, lr])`` before each epoch."""

    def __init__(self, schedule, verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule must be a function f(epoch) or "
                            f"f(epoch, lr), got {schedule!r}")
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        lr = float(optimizer.learning_rate)
        new_lr = self.schedule(epoch, lr) if _takes_lr(self.schedule) else self.schedule(epoch)
        if hasattr(new_lr, "__float__") and not isinstance(new_lr, numbers.Number):
            new_lr = float(new_lr)
        if not isinstance(new_lr, numbers.Real):
            raise ValueError('The output of the "schedule" function should be float, got '
                             f"{new_lr!r} at epoch {epoch}")
        backend.set_value(optimizer.learning_rate, float(new_lr))
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{float(new_lr)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["lr"] = self.model.optimizer.current_learning_rate()  # as fit logs it
