"""``History``: what ``fit`` returns — ``history.history["loss"]`` etc."""

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
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
