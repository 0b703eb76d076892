"""``History``: what ``fit`` returns — ``history.history["loss"]`` etc.

The learning rate is logged as ``"lr"`` (its name up to tf.keras 2.10, which
the second edition plots) and recorded under ``"learning_rate"`` too (its
name since tf.keras 2.11 and in Keras 3, which current code reads).
"""

from __future__ import annotations

from .callback import Callback


class History(Callback):
    """Records the logs of every epoch: ``.history`` (dict of lists) and ``.epoch``."""

    def __init__(self):
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        logs = dict(logs or {})
        if "lr" in logs:
            logs.setdefault("learning_rate", logs["lr"])
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
