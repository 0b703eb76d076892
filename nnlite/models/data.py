"""Turning user data into validated arrays, and batching them."""

from __future__ import annotations

import numpy as np

from .. import backend


def as_list(data, names: list[str], what: str) -> list:
    """``x`` may be an array, a list/tuple of arrays, or a dict keyed by name."""
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(f"{what}: missing entries {missing} (expected keys {names})")
        return [data[n] for n in names]
    if isinstance(data, (list, tuple)) and len(names) > 1:
        return list(data)
    if isinstance(data, (list, tuple)) and len(data) == 1 and hasattr(data[0], "shape"):
        return [data[0]]  # model.fit([X], [y]) for a one-input, one-output model (Keras)
    return [data]


def to_float_inputs(arrays: list, where: str) -> list[np.ndarray]:
    """Convert to ``floatx`` once; reject empty, 0-d, non-numeric and non-finite data."""
    out = []
    for k, a in enumerate(arrays):
        if a is None:
            raise ValueError(f"{where}: x is None")
        arr = np.asarray(a)
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                       or arr.dtype == bool):
            raise ValueError(f"{where}: input {k} must be numeric, got dtype {arr.dtype}")
        if arr.ndim == 0:
            raise ValueError(f"{where}: input {k} must be an array of samples, got a scalar")
        if arr.shape[0] == 0:
            raise ValueError(f"{where}: input {k} is empty (shape {arr.shape})")
        arr = np.ascontiguousarray(arr, dtype=backend.floatx())
        if not np.isfinite(arr).all():
            bad = np.argwhere(~np.isfinite(arr))[0]
            raise ValueError(f"{where}: input {k} contains NaN or inf (first at index "
                             f"{tuple(int(i) for i in bad)}); clean or impute the data first")
        out.append(arr)
    lengths = {len(a) for a in out}
    if len(lengths) > 1:
        raise ValueError(f"{where}: all inputs must have the same number of samples, got "
                         f"{[len(a) for a in out]}")
    return out


def check_same_length(xs: list[np.ndarray], ys: list[np.ndarray], where: str) -> None:
    for y in ys:
        if len(y) != len(xs[0]):
            raise ValueError(f"{where}: x has {len(xs[0])} samples but y has {len(y)}; "
                             "they must match")


def batch_starts(n: int, batch_size: int, min_batch: int = 1) -> list[int]:
    """Start index of each batch; a last batch smaller than ``min_batch`` joins the one before.

    (Batch normalization needs 2 samples to train: with ``min_batch=2`` a
    data set of 33 samples and batch_size 32 gives one batch of 33, not 32 + 1.)
    """
    starts = list(range(0, n, batch_size))
    if len(starts) > 1 and n - starts[-1] < min_batch:
        starts.pop()
    return starts


def batches(n: int, batch_size: int, shuffle: bool, min_batch: int = 1):
    """Index arrays (or slices) of successive batches; shuffled with ``np.random``."""
    starts = batch_starts(n, batch_size, min_batch)
    ends = starts[1:] + [n]
    if shuffle:
        order = np.random.permutation(n)
        for start, end in zip(starts, ends):
            yield order[start:end]
    else:
        for start, end in zip(starts, ends):
            yield slice(start, end)


def take(arrays: list[np.ndarray], index) -> list[np.ndarray]:
    return [a[index] for a in arrays]
