"""Reading the rows of one batch from an array-like without reading the rest.

An array-like is anything with ``shape``, ``len()`` and ``[]`` that takes a
slice or an array of row numbers: ``np.memmap``, an ``h5py`` data set, a
zarr array.  Fancy indexing reads only the rows asked for; h5py accepts
only increasing row numbers, so a shuffled batch is read in sorted order
and put back in the batch's order.

A memory map is read from its file instead (:func:`read_file_rows`,
``os.preadv`` into the batch's array): pages read through the map stay
mapped and count in the process's resident memory, and the kernel maps
the 16 pages around each page touched, so a few shuffled batches would
make the whole file resident.  Read from the file, only the page cache
holds it, which the kernel reclaims when memory is short.  A
copy-on-write map (``mode="c"``), whose changes live only in its pages, or
one whose rows are not contiguous is read through the map, and its pages
are handed back after each batch (``madvise(MADV_DONTNEED)``) unless it is
copy-on-write.
"""

from __future__ import annotations

import ctypes
import mmap
import os
from typing import NamedTuple

import numpy as np


def is_array_like(a) -> bool:
    """A memory map (or a view of one), or an object with ``shape``, ``len`` and ``[]``.

    (NumPy arrays other than memory maps, and pandas objects, are read
    whole instead: they are in memory already.)
    """
    if isinstance(a, np.ndarray):  # a map or a view of one; not a copy (in memory)
        return map_root(a) is not None
    if isinstance(a, (list, tuple, dict, str, bytes)) or hasattr(a, "to_numpy"):
        return False
    return all(hasattr(a, name) for name in ("shape", "__len__", "__getitem__"))


def read_rows(a, index: slice | np.ndarray) -> np.ndarray:
    """Rows ``index`` (a slice or an array of row numbers) of ``a``, as a new array."""
    if isinstance(a, np.ndarray) and map_root(a) is not None:
        where = file_location(a)
        if where is not None:
            return read_file_rows(where, index)
        rows = np.array(a[index])
        release_pages(a)
        return rows
    if isinstance(index, slice) or isinstance(a, np.ndarray):
        return np.array(a[index])  # a copy: the batch never points into the data
    return _in_order(index, lambda rows: np.asarray(a[rows]))


def _in_order(index: np.ndarray, read) -> np.ndarray:
    """``read(rows)`` for increasing row numbers, put back in the order of ``index``."""
    order = np.argsort(index, kind="stable")
    rows = read(index[order])
    batch = np.empty_like(rows)
    batch[order] = rows
    return batch


class FileLocation(NamedTuple):
    """Where a memory map's rows are in its file."""

    path: str
    offset: int  # of row 0
    stride: int  # bytes from one row to the next
    row_shape: tuple
    dtype: np.dtype
    rows: int


def map_root(a: np.ndarray) -> np.memmap | None:
    """The memory map that owns ``a``'s memory (``a`` itself or the map it views), or None."""
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    if isinstance(root, np.memmap) and isinstance(root.base, mmap.mmap):
        return root
    return None


def file_location(a: np.ndarray) -> FileLocation | None:
    """Where ``a``'s rows are in its file, or None if they must be read through the map."""
    root = map_root(a)
    if root is None or root.filename is None or root.mode == "c" or a.ndim == 0 or \
            len(a) == 0 or a.strides[0] <= 0 or not a[0].flags.c_contiguous:
        return None
    offset = root.offset + (a.ctypes.data - root.ctypes.data)
    return FileLocation(root.filename, offset, a.strides[0], a.shape[1:], a.dtype, len(a))


def read_file_rows(where: FileLocation, index: slice | np.ndarray) -> np.ndarray:
    """Rows ``index`` of a memory map, read from its file with one read per run of rows."""
    if isinstance(index, slice):
        start, stop, step = index.indices(where.rows)
        index = np.arange(start, stop, step)
    index = np.asarray(index, dtype=np.int64)
    if len(index) and (index.min() < 0 or index.max() >= where.rows):
        raise IndexError(f"row numbers must be in [0, {where.rows}), got {index.min()} to "
                         f"{index.max()}")
    return _in_order(index, lambda rows: _read_runs(where, rows))


def _read_runs(where: FileLocation, rows: np.ndarray) -> np.ndarray:
    out = np.empty((len(rows),) + where.row_shape, where.dtype)
    row_bytes = out[0].nbytes if len(out) else 0
    if where.stride == row_bytes:  # consecutive rows are one read
        firsts = np.flatnonzero(np.diff(rows, prepend=-2) != 1)
    else:
        firsts = np.arange(len(rows))
    ends = np.append(firsts[1:], len(rows))
    with open(where.path, "rb", buffering=0) as f:
        for first, end in zip(firsts.tolist(), ends.tolist()):
            target = memoryview(out[first:end]).cast("B")
            position = where.offset + int(rows[first]) * where.stride
            done = _pread_into(f, target, position)
            if done != target.nbytes:
                raise OSError(f"{where.path}: the file ends before row {rows[first]} of the "
                              "memory map (was it truncated?)")
    return out


def _pread_into(f, target: memoryview, position: int) -> int:
    if hasattr(os, "preadv"):
        return os.preadv(f.fileno(), [target], position)
    f.seek(position)
    return f.readinto(target)


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


def release_pages(a: np.ndarray) -> None:
    """Unmap the pages of ``a`` read so far (they stay in the page cache).

    Only for memory that really is a shared file map: a copy-on-write map
    keeps its changes in its pages, and dropping the pages of ordinary
    memory would erase it.
    """
    root = map_root(a)
    if root is None or root.mode == "c" or _MADVISE is None or a.nbytes == 0:
        return
    low, high = _byte_bounds(a)
    start = low - low % mmap.PAGESIZE
    _MADVISE(ctypes.c_void_p(start), ctypes.c_size_t(high - start), mmap.MADV_DONTNEED)


def _madvise():
    """libc's ``madvise``, or None where there is none (Windows) or no MADV_DONTNEED."""
    if not hasattr(mmap, "MADV_DONTNEED"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):
        return None


_MADVISE = _madvise()

try:
    from numpy.lib.array_utils import byte_bounds as _byte_bounds  # NumPy >= 2
except ImportError:  # NumPy 1.x
    _byte_bounds = np.byte_bounds
