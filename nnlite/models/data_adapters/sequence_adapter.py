"""``Sequence`` / ``PyDataset`` objects: whole batches by index."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

from .base import Batch, DataAdapter, Prepare, unpack_batch


class SequenceAdapter(DataAdapter):
    """An object with ``__len__`` (batches) and ``__getitem__(index)`` (one batch).

    ``nnlite.utils.Sequence`` / ``PyDataset``, a real ``keras.utils.Sequence``,
    or any object that behaves like one.  With ``shuffle`` each pass visits
    the batches in a new order drawn with Python's ``random`` (as Keras; it
    is seeded by :func:`nnlite.utils.set_random_seed`); the samples inside a
    batch are the object's business.  A ``num_batches`` of None (Keras 3) is
    an endless data set: pass ``steps_per_epoch``.
    """

    def __init__(self, sequence, shuffle: bool, prepare: Prepare, where: str):
        self.sequence, self.shuffle, self.prepare, self.where = sequence, shuffle, prepare, where
        count = sequence.num_batches if hasattr(type(sequence), "num_batches") \
            else len(sequence)
        self.steps = None if count is None else int(count)

    @property
    def kind(self) -> str:
        return f"a Sequence ({type(self.sequence).__name__})"

    def batches(self) -> Iterator[Batch]:
        if self.steps is None:
            order = itertools.count()
        else:
            order = list(range(self.steps))
            if self.shuffle:
                random.shuffle(order)
        for index in order:
            where = f"{self.where} (batch {index} of the Sequence)"
            yield self.prepare(*unpack_batch(self.sequence[index], where), where)

    def on_epoch_begin(self) -> None:
        _call(self.sequence, "on_epoch_begin")

    def on_epoch_end(self) -> None:
        _call(self.sequence, "on_epoch_end")


def _call(sequence, name: str) -> None:
    method = getattr(sequence, name, None)
    if callable(method):
        method()
