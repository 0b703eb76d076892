"""Data adapters: every kind of data ``fit``, ``evaluate`` and ``predict`` accept, as batches.

================================  =======================================  ===================
what ``x`` is                     adapter                                  read
================================  =======================================  ===================
NumPy arrays, lists, pandas       :class:`ArrayAdapter`                    converted once
``np.memmap``, h5py, array-likes  :class:`ArrayLikeAdapter`                one batch at a time
a generator or iterator           :class:`GeneratorAdapter`                one batch at a time
``Sequence`` / ``PyDataset``      :class:`SequenceAdapter`                 one batch at a time
================================  =======================================  ===================

:func:`make_adapter` chooses; :class:`EpochIterator` cuts ``fit``'s epochs
(``steps_per_epoch``) from the adapter's passes.  The model supplies the
``prepare`` function that checks and converts data (whole arrays, or one
batch), so all four give the training loop the same ``(xs, ys, weights)``.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Iterator, Mapping

import numpy as np

from .array_adapter import ArrayAdapter
from .array_like_adapter import ArrayLikeAdapter, has_array_like
from .base import Batch, DataAdapter, Prepare, steps_to_run, unpack_batch
from .epoch_iterator import EpochIterator
from .generator_adapter import GeneratorAdapter
from .rows import is_array_like
from .sequence_adapter import SequenceAdapter

__all__ = ["make_adapter", "DataAdapter", "ArrayAdapter", "ArrayLikeAdapter",
           "GeneratorAdapter", "SequenceAdapter", "EpochIterator", "Batch", "Prepare",
           "is_batch_source", "steps_to_run", "unpack_batch"]

ACCEPTED = ("a NumPy array (or a list, tuple or dict of them, one per input), an array-like "
            "read batch by batch (np.memmap, an h5py data set), a generator or iterator "
            "yielding (x, y) batches, or a Sequence / PyDataset (an object with __len__ and "
            "__getitem__ returning batches)")


def is_iterator(x) -> bool:
    """A generator or any other iterator (it has ``__next__``)."""
    return inspect.isgenerator(x) or isinstance(x, Iterator)


def is_sequence(x) -> bool:
    """A ``Sequence``/``PyDataset``-like object: ``len`` and ``[]`` but no array ``shape``."""
    if isinstance(x, (list, tuple, Mapping, str, bytes, range)) or hasattr(x, "shape"):
        return False
    return hasattr(x, "__len__") and hasattr(x, "__getitem__")


def is_batch_source(x) -> bool:
    """Whether ``x`` gives whole batches itself (a generator, iterator or Sequence)."""
    return is_iterator(x) or is_sequence(x)


def make_adapter(x, y=None, sample_weight=None, *, batch_size: int, shuffle: bool,
                 prepare: Prepare, where: str,
                 min_batch: int | Callable[[], int] = 1) -> DataAdapter:
    """The adapter for ``x`` (and ``y``, ``sample_weight``), or a clear error.

    ``prepare(x, y, sample_weight, where)`` is the model's check and
    conversion; ``min_batch`` the fewest samples a cut batch may have
    (BatchNormalization needs 2), or a function that says it once
    ``prepare`` has built the model.
    """
    if x is None:
        raise ValueError(f"{where}: x is None; pass the inputs ({ACCEPTED})")
    if is_batch_source(x):
        _no_separate_targets(x, y, sample_weight, where)
        if is_iterator(x):
            return GeneratorAdapter(x, prepare, where)
        return SequenceAdapter(x, shuffle, prepare, where)
    _check_known(x, where)
    if has_array_like(x, y, sample_weight):
        return ArrayLikeAdapter(x, y, sample_weight, batch_size, shuffle, _resolved(min_batch),
                                prepare, where)
    xs, ys, w = prepare(x, y, sample_weight, where)
    return ArrayAdapter(xs, ys, w, batch_size, shuffle, _resolved(min_batch))


def _resolved(min_batch: int | Callable[[], int]) -> int:
    return min_batch() if callable(min_batch) else min_batch


def _no_separate_targets(x, y, sample_weight, where: str) -> None:
    kind = "a generator" if is_iterator(x) else "a Sequence"
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise ValueError(f"{where}: the {name} argument is not supported when x is {kind} "
                             f"({type(x).__name__}); its batches must carry them: yield (x, y) "
                             "or (x, y, sample_weight)")


def _check_known(x, where: str) -> None:
    """A TypeError for data of no accepted kind (a set, a string, a function, an object)."""
    leaves = list(x.values()) if isinstance(x, Mapping) else \
        list(x) if isinstance(x, (list, tuple)) else [x]
    for a in leaves:
        if _is_array_data(a):
            continue
        hint = ""
        if inspect.isgeneratorfunction(a):
            hint = f"; call the generator function: fit({a.__name__}(...)), not fit({a.__name__})"
        raise TypeError(f"{where}: x must be {ACCEPTED}; got {type(a).__name__} "
                        f"({a!r:.60}){hint}")


def _is_array_data(a) -> bool:
    if isinstance(a, (str, bytes, set, frozenset, range)):
        return False
    return isinstance(a, (list, tuple, numbers.Number, np.ndarray, np.generic)) or \
        hasattr(a, "__array__") or hasattr(a, "__array_interface__") or is_array_like(a)
