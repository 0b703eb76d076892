r"""``ModelCheckpoint``: save the model (or its weights) during training.

``filepath`` may hold ``str.format`` fields filled from the epoch number
(counted from 1) and the logs: ``"ckpt-{epoch:02d}-{val_loss:.2f}.h5"``.
Any extension is accepted (``.h5``, ``.keras``, ``.hdf5``, ``.ckpt``, …);
the file is written by ``model.save`` / ``model.save_weights``
(:mod:`nnlite.saving`), atomically — a crash mid-save never leaves a
half-written checkpoint — and missing directories are created.

``save_best_only=True`` saves only when ``monitor`` improves on the best
value seen (``mode`` ``min``/``max``; ``auto``: max for accuracy-like
names); with a fixed filepath the file always holds the best model.
``save_freq="epoch"`` saves at each epoch end; an integer n saves every n
batches.

A run killed mid-save (``kill -9``) leaves a temporary file
``.<name>.<host>-<pid>-<random>.tmp``; each save removes those of dead
writers for every file name ``filepath`` can produce (``ckpt-07.h5`` as
well as the one being written), never those of a writer still running.

Keras defaults: ``monitor="val_loss"``, ``verbose=0``,
``save_best_only=False``, ``save_weights_only=False``, ``mode="auto"``,
``save_freq="epoch"``.
"""

from __future__ import annotations

import os
import re
import string
import warnings

from ..saving.temp_files import remove_stale_temp_files
from ._monitor import resolve_mode, worst_value
from .callback import Callback


class ModelCheckpoint(Callback):
    """Saves the model or its weights at each epoch (or every ``save_freq`` batches)."""

    def __init__(self, filepath, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False,
                 mode: str = "auto", save_freq="epoch", options=None,
                 initial_value_threshold: float | None = None, **kwargs):
        super().__init__()
        if "period" in kwargs:  # tf.keras 1 name: save every `period` epochs
            self.period = int(kwargs.pop("period"))
        else:
            self.period = 1
        if kwargs:
            raise TypeError(f"ModelCheckpoint: unexpected argument(s) {sorted(kwargs)}")
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"ModelCheckpoint: unrecognized save_freq {save_freq!r}; expected "
                             "'epoch' or a positive integer (a number of batches)")
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        self.save_freq = save_freq
        self.mode = resolve_mode("ModelCheckpoint", monitor, mode)
        self.best = worst_value(self.mode) if initial_value_threshold is None \
            else float(initial_value_threshold)
        self._batches_seen = 0
        self._current_epoch = 0

    # ------------------------------------------------------------------ hooks
    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_seen += 1
        if self._batches_seen % self.save_freq == 0:
            self._save(self._current_epoch, batch, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch" and (epoch + 1) % self.period == 0:
            self._save(epoch, None, logs or {})

    # ------------------------------------------------------------------ saving
    def format_path(self, epoch: int, batch: int | None, logs: dict) -> str:
        """``filepath`` with ``{epoch}`` (from 1), ``{batch}`` and the logs filled in."""
        fields = {k: v for k, v in logs.items() if k not in ("epoch", "batch")}
        try:
            if batch is None:
                return self.filepath.format(epoch=epoch + 1, **fields)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **fields)
        except KeyError as exc:
            raise KeyError(f"ModelCheckpoint: failed to format filepath {self.filepath!r}: "
                           f"{exc} is not among the logs {sorted(logs)}") from exc

    def _improved(self, current: float) -> bool:
        return current < self.best if self.mode == "min" else current > self.best

    def _save(self, epoch: int, batch: int | None, logs: dict) -> None:
        path = self.format_path(epoch, batch, logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(f"Can save best model only with {self.monitor} available, "
                              "skipping.", RuntimeWarning, stacklevel=3)
                return
            if not self._improved(current):
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1:05d}: {self.monitor} did not improve from "
                          f"{self.best:.5f}")
                return
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1:05d}: {self.monitor} improved from {self.best:.5f} "
                      f"to {current:.5f}, saving model to {path}")
            self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1:05d}: saving model to {path}")
        self._write(path)

    def names_regex(self) -> str | None:
        """A regex for the file names ``filepath`` can produce (None if its folder varies)."""
        folder, name = os.path.split(self.filepath)
        if "{" in folder:
            return None
        parts = []
        try:
            for literal, field, _, _ in string.Formatter().parse(name):
                parts.append(re.escape(literal))
                if field is not None:
                    parts.append(".+?")
        except ValueError:  # not a valid format string: format_path says why
            return None
        return "".join(parts)

    def _write(self, path: str) -> None:
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        names = self.names_regex()
        if names is not None:  # leftovers of killed runs for other epochs' names too
            remove_stale_temp_files(directory or ".", names)
        if self.save_weights_only:
            self.model.save_weights(path, overwrite=True)
        else:
            self.model.save(path, overwrite=True)
