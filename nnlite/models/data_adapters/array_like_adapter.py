"""Array-likes (memory maps, h5py data sets), read and converted one batch at a time."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from .. import data as data_utils
from .base import Batch, DataAdapter, Prepare, split_point
from .rows import is_array_like, read_rows, window


class ArrayLikeAdapter(DataAdapter):
    """``x``, ``y`` and ``sample_weight`` of which at least one is an array-like.

    Each batch reads only its rows (see :mod:`.rows`) and is then checked
    and converted to float like a small in-memory array, so the data set is
    never copied whole.  Batches are cut as for arrays, and ``shuffle``
    draws the same ``np.random.permutation`` per pass: a seeded run on a
    memory map trains exactly as on the same array in memory.  The first
    sample is read and prepared at once, so a wrong shape raises before
    training and the model is built (its weights drawn) before any shuffle.
    """

    def __init__(self, x, y, sample_weight, batch_size: int, shuffle: bool, min_batch: int,
                 prepare: Prepare, where: str):
        self.data = (_as_structure(x), _as_structure(y), _as_structure(sample_weight))
        self.batch_size, self.shuffle, self.min_batch = batch_size, shuffle, min_batch
        self.prepare, self.where = prepare, where
        self.samples = _sample_count(self.data, where)
        self.steps = len(data_utils.batch_starts(self.samples, batch_size, min_batch))
        self.prepare(*self._read_batch(slice(0, 1)), where)  # checks, and builds the model

    @property
    def kind(self) -> str:
        return "array-likes"

    def batches(self) -> Iterator[Batch]:
        for index in data_utils.batches(self.samples, self.batch_size, self.shuffle,
                                        self.min_batch):
            yield self.prepare(*self._read_batch(index), self.where)

    def _read_batch(self, index) -> list:
        """``x``, ``y`` and ``sample_weight``'s rows ``index``, in their structures."""
        return [_map(part, lambda a: read_rows(a, index)) for part in self.data]

    def split(self, fraction: float, batch_size: int) -> tuple[ArrayLikeAdapter,
                                                               ArrayLikeAdapter]:
        n = self.samples
        cut = split_point(n, fraction)
        head = [_map(part, lambda a: window(a, 0, cut)) for part in self.data]
        tail = [_map(part, lambda a: window(a, cut, n)) for part in self.data]
        train = ArrayLikeAdapter(*head, self.batch_size, self.shuffle, self.min_batch,
                                 self.prepare, self.where)
        return train, ArrayLikeAdapter(*tail, batch_size, False, 1, self.prepare,
                                       "fit(validation_split)")


def has_array_like(*parts) -> bool:
    """Whether any array of ``x``, ``y`` or ``sample_weight`` (or their lists/dicts) is one."""
    return any(is_array_like(a) for part in parts for a in _leaves(part))


def _is_structure(part) -> bool:
    """A dict, or a list/tuple of arrays (one per input or output), rather than one array."""
    if isinstance(part, Mapping):
        return True
    return isinstance(part, (list, tuple)) and len(part) > 0 and \
        all(len(getattr(a, "shape", ())) >= 1 for a in part)  # arrays, not NumPy scalars


def _leaves(part) -> list:
    if part is None:
        return []
    if isinstance(part, Mapping):
        return list(part.values())
    return list(part) if _is_structure(part) else [part]


def _as_structure(part):
    """``part`` with every leaf either an array-like or a NumPy array (lists converted)."""
    return _map(part, lambda a: a if is_array_like(a) or isinstance(a, np.ndarray)
                else np.asarray(a))


def _map(part, fn):
    if part is None:
        return None
    if isinstance(part, Mapping):
        return {k: fn(a) for k, a in part.items()}
    if _is_structure(part):
        return type(part)(fn(a) for a in part)
    return fn(part)


def _sample_count(data, where: str) -> int:
    named = [(f"{role}[{k}]", a) for role, part in zip(("x", "y", "sample_weight"), data)
             for k, a in enumerate(_leaves(part))]
    for name, a in named:
        if len(getattr(a, "shape", ())) == 0:
            raise ValueError(f"{where}: {name} must be an array of samples, got shape "
                             f"{getattr(a, 'shape', None)}")
    lengths = {len(a) for _, a in named}
    if len(lengths) > 1:
        listing = ", ".join(f"{name} has {len(a)}" for name, a in named)
        raise ValueError(f"{where}: every array must have the same number of samples (its "
                         f"first axis): {listing}")
    n = lengths.pop()
    if n == 0:
        raise ValueError(f"{where}: x is empty (no samples)")
    return n
