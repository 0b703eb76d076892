"""Python generators and iterators that yield whole batches."""

from __future__ import annotations

from collections.abc import Iterator

from .base import Batch, DataAdapter, Prepare, unpack_batch


class GeneratorAdapter(DataAdapter):
    """A generator (or any iterator) yielding ``x``, ``(x, y)`` or ``(x, y, sample_weight)``.

    It is used up as it is read: each call of :meth:`batches` continues
    where the last stopped, and the number of batches is unknown until it
    ends (``steps`` is None).
    """

    reusable = False

    def __init__(self, iterator: Iterator, prepare: Prepare, where: str):
        self.iterator, self.prepare, self.where = iterator, prepare, where
        self.read = 0  # batches taken so far, to name one in an error

    @property
    def kind(self) -> str:
        return "a generator"

    def batches(self) -> Iterator[Batch]:
        for item in self.iterator:
            where = f"{self.where} (batch {self.read} of the generator)"
            self.read += 1
            yield self.prepare(*unpack_batch(item, where), where)
