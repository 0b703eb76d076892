r"""``ReduceLROnPlateau``: performance scheduling — η ← max(η·factor, min_lr) on a plateau.

An epoch improves when  current < best − min_delta  (mode ``min``; ``>
best + min_delta`` in mode ``max``).  After ``patience`` epochs without
improvement the rate is multiplied by ``factor``, then ``cooldown`` epochs
pass before counting again.  The rate is assigned to
``optimizer.learning_rate`` and appears in ``History.history["lr"]``.

Keras defaults: ``monitor="val_loss"``, ``factor=0.1``, ``patience=10``,
``mode="auto"``, ``min_delta=1e-4``, ``cooldown=0``, ``min_lr=0``.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ._monitor import resolve_mode, warn_missing, worst_value
from .callback import Callback


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` stops improving."""

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4,
                 cooldown: int = 0, min_lr: float = 0.0, **kwargs):
        super().__init__()
        if "epsilon" in kwargs:  # the tf.keras 1 name of min_delta
            min_delta = kwargs.pop("epsilon")
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau: unexpected argument(s) {sorted(kwargs)}")
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Got {factor}")
        self.monitor = monitor
        self.factor = float(factor)
        self.patience = int(patience)
        self.verbose = verbose
        self.min_delta = float(min_delta)
        self.cooldown = int(cooldown)
        self.min_lr = float(min_lr)
        self.mode = resolve_mode("ReduceLROnPlateau", monitor, mode)
        self._reset()

    def _reset(self) -> None:
        self.best = worst_value(self.mode)
        self.wait = 0
        self.cooldown_counter = 0

    def _improved(self, current: float) -> bool:
        if self.mode == "min":
            return current < self.best - self.min_delta
        return current > self.best + self.min_delta

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["lr"] = optimizer.current_learning_rate()  # as fit logs it (decay applied)
        current = logs.get(self.monitor)
        if current is None:
            warn_missing("Learning rate reduction", self.monitor, logs)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(current):
            self.best, self.wait = current, 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait >= self.patience:
            old_lr = float(optimizer.learning_rate)
            if old_lr > np.float32(self.min_lr):
                new_lr = max(old_lr * self.factor, self.min_lr)
                backend.set_value(optimizer.learning_rate, new_lr)
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to "
                          f"{new_lr}.")
                self.cooldown_counter = self.cooldown
                self.wait = 0
