"""Reading the rows of one batch from an array-like without reading the rest.

An array-like is anything with ``shape``, ``len()`` and ``[]`` that takes a
slice or an array of row numbers: ``np.memmap``, an ``h5py`` data set, a
zarr array.  Fancy indexing reads only the rows asked for; h5py accepts
only increasing row numbers, so a shuffled batch is read in sorted order
and put back in the batch's order.

A memory map's pages stay mapped (and counted in the process's resident
memory) once read, so over an epoch the whole file would become resident.
:class:`PageRelease` tells the kernel, every 64 MB read, that the pages
are no longer needed (``madvise(MADV_DONTNEED)``; the file's pages stay in
the page cache, and reading them again is a page fault, not a disk read).
"""

from __future__ import annotations

import ctypes
import mmap

import numpy as np


def is_array_like(a) -> bool:
    """A memory map, or an object with ``shape``, ``len`` and ``[]`` that is not in memory.

    (NumPy arrays other than memory maps, and pandas objects, are read
    whole instead: they are in memory already.)
    """
    if isinstance(a, np.memmap):
        return True
    if isinstance(a, (np.ndarray, list, tuple, dict, str, bytes)) or hasattr(a, "to_numpy"):
        return False
    return all(hasattr(a, name) for name in ("shape", "__len__", "__getitem__"))


def read_rows(a, index: slice | np.ndarray) -> np.ndarray:
    """Rows ``index`` (a slice or an array of row numbers) of ``a``, as a new array."""
    if isinstance(index, slice) or isinstance(a, np.ndarray):
        return np.array(a[index])  # a copy: the batch never points into the map
    order = np.argsort(index, kind="stable")
    rows = np.asarray(a[index[order]])  # increasing row numbers (h5py needs them)
    batch = np.empty_like(rows)
    batch[order] = rows
    return batch


class RowWindow:
    """Rows ``start:stop`` of an array-like, read only when asked (``validation_split``)."""

    def __init__(self, data, start: int, stop: int):
        self.data, self.start, self.stop = data, start, stop
        self.shape = (stop - start,) + tuple(data.shape[1:])

    def __len__(self) -> int:
        return self.stop - self.start

    def __getitem__(self, index):
        if isinstance(index, slice):
            first, last, step = index.indices(len(self))
            return self.data[self.start + first:self.start + last:step]
        return self.data[np.asarray(index) + self.start]


def window(a, start: int, stop: int):
    """Rows ``start:stop`` of ``a`` without reading them (a view of a memory map)."""
    return a[start:stop] if isinstance(a, np.ndarray) else RowWindow(a, start, stop)


class PageRelease:
    """Unmaps the pages of the memory maps read so far, every ``every`` bytes read."""

    def __init__(self, every: int = 64 * 2**20):
        self.every = every
        self.read: dict[int, int] = {}  # bytes read from each map (by id) since its release
        self.madvise = _madvise()

    def note(self, a, rows: np.ndarray) -> None:
        """Count ``rows`` as read from ``a``; release ``a``'s pages once enough was read."""
        if self.madvise is None or not isinstance(a, np.memmap) or a.mode == "c":
            return  # copy-on-write maps keep private changes in their pages: never drop them
        read = self.read.get(id(a), 0) + rows.nbytes
        self.read[id(a)] = read
        if read >= self.every:
            self.read[id(a)] = 0
            self.release(a)

    def release(self, a: np.memmap) -> None:
        page = mmap.PAGESIZE
        start = a.ctypes.data - a.ctypes.data % page
        length = a.ctypes.data + a.nbytes - start
        self.madvise(ctypes.c_void_p(start), ctypes.c_size_t(length), mmap.MADV_DONTNEED)


def _madvise():
    """libc's ``madvise``, or None where there is none (Windows) or no MADV_DONTNEED."""
    if not hasattr(mmap, "MADV_DONTNEED"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.madvise
    except (OSError, AttributeError):
        return None
