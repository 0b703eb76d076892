"""``CSVLogger``: one CSV row per epoch — ``epoch`` then the logs, keys sorted.

>>> # csv_logger = keras.callbacks.CSVLogger("training.log")
>>> # model.fit(X, y, epochs=10, callbacks=[csv_logger])

The header is written once (not when appending to a non-empty file); a
value missing at some epoch (e.g. ``val_loss`` with ``validation_freq``)
is written as ``NA``.  Keras defaults: ``separator=","``, ``append=False``.
"""

from __future__ import annotations

import csv
import os

import numpy as np

from .callback import Callback


def _format(value):
    if isinstance(value, str):
        return value
    arr = np.asarray(value)
    if arr.ndim == 0:
        return arr.item()
    return f'"[{", ".join(str(v) for v in arr.ravel())}]"'


class CSVLogger(Callback):
    """Streams the epoch results to ``filename``."""

    def __init__(self, filename, separator: str = ",", append: bool = False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = bool(append)
        self.keys: list[str] | None = None
        self.writer = None
        self.csv_file = None

    def on_train_begin(self, logs=None):
        write_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8") as f:
                write_header = not f.readline()
        self._write_header = write_header
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="",
                             encoding="utf-8")
        self.keys, self.writer = None, None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         delimiter=self.sep, lineterminator="\n",
                                         extrasaction="ignore")
            if self._write_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _format(logs[key]) if key in logs else "NA") for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
        self.csv_file, self.writer = None, None
