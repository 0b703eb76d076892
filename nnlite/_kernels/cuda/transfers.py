"""Counting host ↔ device traffic and kernel launches of the ``cuda`` backend.

Every ``cuda.to_device`` and ``copy_to_host`` that nnlite makes goes through
:func:`to_device` / :func:`to_host` here, and every kernel launch through
:func:`launched`, so a training step's traffic can be read off::

    from nnlite._kernels.cuda import transfers
    with transfers.counting() as c:
        model.fit(x, y, epochs=1)
    c["to_device"], c["to_host"], c["launches"]   # calls; *_bytes: bytes

Device-to-device copies are not counted (they never leave the GPU).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
from numba import cuda

KEYS = ("to_device", "to_device_bytes", "to_host", "to_host_bytes", "launches")
_counts = dict.fromkeys(KEYS, 0)


def counts() -> dict[str, int]:
    """A copy of the counters since the last :func:`reset` (calls and bytes each way, launches)."""
    return dict(_counts)


def reset() -> None:
    """Set every counter to 0."""
    for key in KEYS:
        _counts[key] = 0


@contextlib.contextmanager
def counting() -> Iterator[dict[str, int]]:
    """Yield a dict that holds, after the block, what the block transferred and launched."""
    before = counts()
    result = dict.fromkeys(KEYS, 0)
    try:
        yield result
    finally:
        for key in KEYS:
            result[key] = _counts[key] - before[key]


def to_device(a: np.ndarray, into=None):
    """``cuda.to_device`` of ``a`` (C-contiguous), or a copy into device array ``into``; counted."""
    a = np.ascontiguousarray(a)
    _counts["to_device"] += 1
    _counts["to_device_bytes"] += a.nbytes
    if into is None:
        return cuda.to_device(a)
    into.copy_to_device(a)
    return into


def to_host(d, out: np.ndarray | None = None) -> np.ndarray:
    """``d.copy_to_host(out)``, counted."""
    _counts["to_host"] += 1
    _counts["to_host_bytes"] += d.size * d.dtype.itemsize
    return d.copy_to_host() if out is None else d.copy_to_host(out)


def launched() -> None:
    """Count one kernel launch."""
    _counts["launches"] += 1


def is_device_array(a) -> bool:
    """Is ``a`` a numba device array (not a NumPy array)?"""
    return a is not None and not isinstance(a, np.ndarray) and hasattr(a, "copy_to_host")
