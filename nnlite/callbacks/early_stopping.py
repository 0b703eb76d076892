r"""``EarlyStopping``: stop training when a monitored quantity stops improving.

An epoch *improves* when  current < best − min_delta  (mode ``min``) or
current > best + min_delta  (mode ``max``; ``auto`` picks max for
accuracy-like names).  After ``patience`` epochs without improvement
training stops (``model.stop_training = True``).  Epochs before
``start_from_epoch`` are ignored; with ``baseline`` set, the wait counter
restarts only at epochs that also beat the baseline, and an epoch that
improves on the best value but not on the baseline still counts towards
``patience`` (Keras 3 returns early there, so a run that improves a little
every epoch without ever reaching the baseline is never stopped).

``restore_best_weights=True`` snapshots all weights (non-trainable ones
too) at each improvement and **restores the best ones at the end of
training, whether or not it stopped early**.  tf.keras 2 restored them only
when it stopped early, so a run that used up all its epochs kept the last
weights — a frequent surprise for learners; nnlite always restores.

Keras defaults: ``monitor="val_loss"``, ``min_delta=0``, ``patience=0``,
``mode="auto"``, ``baseline=None``, ``restore_best_weights=False``,
``start_from_epoch=0``.
"""

from __future__ import annotations

from ._monitor import resolve_mode, warn_missing, worst_value
from .callback import Callback


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs."""

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0):
        super().__init__()
        self.monitor = monitor
        self.patience = int(patience)
        self.verbose = verbose
        self.baseline = baseline
        self.min_delta = abs(float(min_delta))
        self.restore_best_weights = bool(restore_best_weights)
        self.start_from_epoch = int(start_from_epoch)
        self.mode = resolve_mode("EarlyStopping", monitor, mode)
        self._reset()

    def _reset(self) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = worst_value(self.mode)
        self.best_weights = None
        self.best_epoch = 0

    def _is_improvement(self, value: float, reference: float) -> bool:
        if self.mode == "min":
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        current = logs.get(self.monitor)
        if current is None:
            warn_missing("Early stopping", self.monitor, logs)
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
                return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
