"""In-memory arrays, converted to float once and then indexed batch by batch."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .. import data as data_utils
from .base import Batch, DataAdapter, split_point


class ArrayAdapter(DataAdapter):
    """NumPy arrays (and lists, pandas objects) that are already in memory.

    The model converts them whole before training (one float copy, checked
    once); each batch is then a slice, or with ``shuffle`` a fancy index
    into one ``np.random.permutation`` per pass.
    """

    def __init__(self, xs: list[np.ndarray], ys: list[np.ndarray] | None,
                 sample_weight: np.ndarray | None, batch_size: int, shuffle: bool = False,
                 min_batch: int = 1):
        self.xs, self.ys, self.sample_weight = xs, ys, sample_weight
        self.batch_size, self.shuffle, self.min_batch = batch_size, shuffle, min_batch
        self.samples = len(xs[0])
        self.steps = len(data_utils.batch_starts(self.samples, batch_size, min_batch))

    @property
    def kind(self) -> str:
        return "arrays"

    def batches(self) -> Iterator[Batch]:
        ys, sw = self.ys, self.sample_weight
        for index in data_utils.batches(self.samples, self.batch_size, self.shuffle,
                                        self.min_batch):
            yield (data_utils.take(self.xs, index),
                   None if ys is None else data_utils.take(ys, index),
                   None if sw is None else sw[index])

    def split(self, fraction: float, batch_size: int) -> tuple[ArrayAdapter, ArrayAdapter]:
        cut = split_point(self.samples, fraction)
        head, tail = slice(None, cut), slice(cut, None)
        train = ArrayAdapter(*self._rows(head), self.batch_size, self.shuffle, self.min_batch)
        return train, ArrayAdapter(*self._rows(tail), batch_size)

    def _rows(self, rows: slice):
        ys, sw = self.ys, self.sample_weight
        return ([a[rows] for a in self.xs], None if ys is None else [a[rows] for a in ys],
                None if sw is None else sw[rows])
