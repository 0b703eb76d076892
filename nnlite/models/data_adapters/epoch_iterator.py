"""Epochs of ``fit`` cut from a data adapter's passes (``steps_per_epoch``)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

from .base import Batch, DataAdapter

RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset "
           "or generator can generate at least `steps_per_epoch * epochs` batches.")


class EpochIterator:
    """The batches of each epoch of ``fit``, as Keras cuts them.

    Without ``steps_per_epoch`` an epoch is one pass over the data (for a
    generator: until it is used up).  With it, an epoch is the next
    ``steps_per_epoch`` batches: a pass that is not finished continues in
    the next epoch, and a finished one starts again (freshly shuffled) for
    arrays and Sequences, as tf.keras repeats them.  A generator that runs
    out sets :attr:`ran_out`; ``fit`` then stops with Keras' warning.
    """

    def __init__(self, adapter: DataAdapter, steps_per_epoch: int | None):
        self.adapter, self.steps_per_epoch = adapter, steps_per_epoch
        self.ran_out = False
        self._pass: Iterator[Batch] | None = None

    @property
    def steps(self) -> int | None:
        """Batches per epoch, or None while unknown (a generator without steps_per_epoch)."""
        return self.steps_per_epoch or self.adapter.steps

    def epoch(self) -> Iterator[Batch]:
        """The batches of the next epoch."""
        if self.steps_per_epoch is None:
            count = 0
            for count, batch in enumerate(self.adapter.batches(), start=1):  # noqa: B007
                yield batch
            self.ran_out = count == 0 and not self.adapter.reusable
        else:
            for _ in range(self.steps_per_epoch):
                batch = self._next_batch()
                if batch is None:
                    self.ran_out = True
                    break
                yield batch
        if self.ran_out:
            warnings.warn(RAN_OUT, UserWarning, stacklevel=2)

    def _next_batch(self) -> Batch | None:
        for _ in range(2):  # the current pass, else (if the data allow it) a new one
            if self._pass is None:
                self._pass = self.adapter.batches()
            batch = next(self._pass, None)
            if batch is not None:
                return batch
            self._pass = None
            if not self.adapter.reusable:
                return None
        return None
