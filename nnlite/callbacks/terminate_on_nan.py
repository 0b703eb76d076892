"""``TerminateOnNaN``: stop training as soon as a batch loss is NaN or infinite.

``fit`` itself already stops before applying a non-finite step (with a
warning saying what to try); the callback sees the batch's logs first and
prints Keras' message, and it also works in custom loops that call the
batch hooks.
"""

from __future__ import annotations

import math

from .callback import Callback


class TerminateOnNaN(Callback):
    """Sets ``model.stop_training`` when ``logs["loss"]`` is NaN or ±inf."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
