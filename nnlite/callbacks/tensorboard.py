r"""``TensorBoard``: write TensorBoard event files during training.

>>> # tensorboard_cb = keras.callbacks.TensorBoard("./my_logs/run_1")
>>> # model.fit(..., callbacks=[tensorboard_cb])
>>> # then, in a terminal:  tensorboard --logdir=./my_logs

As tf.keras 2, it writes ``log_dir/train`` and ``log_dir/validation``: per
epoch the scalars ``epoch_loss``, ``epoch_accuracy``, … (validation values
under the same tags in ``validation``) and ``epoch_learning_rate``; with
``update_freq="batch"`` or an integer n also ``batch_loss``, … every n
batches; with ``histogram_freq=k`` a histogram of every weight
(``layer/kernel/histogram``) every k epochs.  The graph, images, profiling
and embeddings of TensorFlow's version are not written.

The event files are written by ``tensorboardX`` (a dependency of nnlite,
shared with :mod:`nnlite.summary`) and read by TensorBoard itself (the
optional extra: ``pip install nnlite[tensorboard]``).

Keras defaults: ``log_dir="logs"``, ``histogram_freq=0``,
``update_freq="epoch"``.
"""

from __future__ import annotations

import math
import os

import numpy as np

from ..summary.event_files import tensorboardx
from .callback import Callback


def _summary_writer_class():
    return tensorboardx("keras.callbacks.TensorBoard").SummaryWriter


class TensorBoard(Callback):
    """Logs epoch (and optionally batch) metrics and weight histograms for TensorBoard."""

    def __init__(self, log_dir="logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False,
                 update_freq="epoch", profile_batch=0, embeddings_freq: int = 0,
                 embeddings_metadata=None, **kwargs):
        super().__init__()
        self._writer_class = _summary_writer_class()
        if histogram_freq < 0:
            raise ValueError(f"TensorBoard: histogram_freq must be >= 0, got {histogram_freq}")
        if update_freq not in ("epoch", "batch") and not (
                isinstance(update_freq, int) and update_freq > 0):
            raise ValueError("TensorBoard: update_freq must be 'epoch', 'batch' or a positive "
                             f"integer, got {update_freq!r}")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = int(histogram_freq)
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self._writers: dict = {}
        self._global_batch = 0

    def writer(self, name: str):
        """The SummaryWriter of ``log_dir/name`` (``train`` or ``validation``)."""
        if name not in self._writers:
            self._writers[name] = self._writer_class(os.path.join(self.log_dir, name))
        return self._writers[name]

    def on_train_begin(self, logs=None):
        self._global_batch = 0

    def on_train_batch_end(self, batch, logs=None):
        self._global_batch += 1
        if self.update_freq == "epoch" or self._global_batch % self.update_freq:
            return
        for key, value in (logs or {}).items():
            self._scalar("train", f"batch_{key}", value, self._global_batch)

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            if key.startswith("val_"):
                self._scalar("validation", f"epoch_{key[4:]}", value, epoch)
            elif key == "lr":
                self._scalar("train", "epoch_learning_rate", value, epoch)
            else:
                self._scalar("train", f"epoch_{key}", value, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        for writer in self._writers.values():
            writer.flush()

    def _scalar(self, writer: str, tag: str, value, step: int) -> None:
        value = float(np.asarray(value))
        if math.isfinite(value) or writer == "train":
            self.writer(writer).add_scalar(tag, value, step)

    def _log_weights(self, epoch: int) -> None:
        writer = self.writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.name if "/" in weight.name else f"{layer.name}/{weight.name}"
                writer.add_histogram(f"{name}/histogram", weight.value, epoch)

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
