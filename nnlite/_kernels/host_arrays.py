"""Host-side array plumbing shared by the compiled backends (numba, cython, cuda).

Output buffers (use ``out=`` when it fits, else allocate; copy back when it
did not fit), reusable per-thread work arrays, and the contiguity and dtype
tests that decide whether an array can go to a compiled loop as it is.
No part of any equation lives here: each backend's family module (e.g.
``numba_cpu/batchnorm.py``) holds its public kernels, its loops and its
math; the numba loops pick their parallel or serial twin themselves
(``numba_cpu/_jit.py``), the CUDA launchers copy to and from the device
(``cuda/_launch.py``).
"""

from __future__ import annotations

import math
import threading

import numpy as np


def output_for(x: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """``out`` when a loop can write it directly (C-contiguous, x's dtype), else a new array."""
    return buffer_for(x.shape, x.dtype, out)


def buffer_for(shape: tuple, dtype: np.dtype, out: np.ndarray | None) -> np.ndarray:
    """``out`` when a loop can write it directly (C-contiguous, ``dtype``), else a new array."""
    if out is not None and out.flags.c_contiguous and out.dtype == dtype:
        return out
    return np.empty(shape, dtype=dtype)


def elementwise(loop, out: np.ndarray | None, inputs: tuple, *scalars,
                row_length: int | None = None) -> np.ndarray:
    """``loop(*inputs, *scalars, result)`` on C-contiguous views, flat or of rows of
    ``row_length``; the result is shaped like ``inputs[0]`` (``out`` itself when the
    loop can write it); no call when it is empty."""
    result = output_for(inputs[0], out)
    if result.size:
        view = (-1,) if row_length is None else (-1, row_length)
        loop(*[np.ascontiguousarray(a).reshape(view) for a in inputs], *scalars,
             result.reshape(view))
    return deliver(result, out)


def deliver(work: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """The result: ``work`` itself, or copied into the caller's ``out`` it stood in for."""
    if out is None or work is out:
        return work
    out[...] = work
    return out


_work = threading.local()


def block_buffers(nblocks: int, c: int) -> tuple[np.ndarray, np.ndarray]:
    """Two float64 (nblocks, c) work arrays of this thread, reused from call to call.

    Contents are undefined.  A fresh 512 KiB array costs a page fault per
    4 KiB page on first touch (~0.4 ms at 4096 × 1024); up to 16 shapes are kept.
    """
    cache = _work.__dict__.setdefault("blocks", {})
    if (nblocks, c) not in cache:
        if len(cache) >= 16:  # many shapes: keep the memory bounded
            cache.clear()
        cache[nblocks, c] = (np.empty((nblocks, c)), np.empty((nblocks, c)))
    return cache[nblocks, c]


def as2d(a: np.ndarray) -> np.ndarray:
    """C-contiguous 2-D view (rows, last axis) of ``a`` (copies if needed)."""
    a = np.ascontiguousarray(a)
    k = a.shape[-1] if a.ndim else 1
    return a.reshape(-1, k) if a.ndim != 2 else a


def flat(a: np.ndarray) -> np.ndarray:
    """A C-contiguous 1-D view of ``a`` (copies if ``a`` is not contiguous)."""
    return np.ascontiguousarray(a).reshape(-1)


def flat_in(a: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """A C-contiguous 1-D view of ``a`` in ``dtype`` (copies if needed; read-only use)."""
    return flat(np.asarray(a, dtype=dtype))


def loss_rows(loop, scores: np.ndarray, targets: np.ndarray | None, *args
              ) -> tuple[np.ndarray, np.ndarray]:
    """(loss per row, gradient shaped like ``scores``) of ``loop(rows, t, *args, loss, grad)``.

    ``rows`` is the C-contiguous (n, k) view of ``scores`` (any shape (..., k));
    ``t`` the targets as rows of the scores' dtype, an empty (0, 0) array for None.
    """
    rows = as2d(scores)
    t = rows[:0, :0] if targets is None else as2d(np.asarray(targets, dtype=rows.dtype))
    loss, grad = np.empty(rows.shape[0], rows.dtype), np.empty_like(rows)
    loop(rows, t, *args, loss, grad)
    return loss.reshape(scores.shape[:-1]), grad.reshape(scores.shape)


def flat_or_empty(a: np.ndarray | None, like: np.ndarray) -> np.ndarray:
    """A flat view of an optional array; an empty one of ``like``'s dtype when None."""
    return like.reshape(-1)[:0] if a is None else a.reshape(-1)


def inplace_ok(*arrays: np.ndarray) -> bool:
    """True when every array is writeable, C-contiguous and of the first one's float dtype."""
    dtype = arrays[0].dtype
    return all(a.flags.c_contiguous and a.dtype == dtype and a.flags.writeable
               for a in arrays) and dtype.kind == "f"


def flat_in_place(loop, reference, arr: np.ndarray, value: float) -> None:
    """``loop(flat view of arr, value)`` if ``arr`` can be written in place, else the reference."""
    if not inplace_ok(arr):
        return reference(arr, value)
    loop(arr.reshape(-1), float(value))


def same_float_dtype(*arrays: np.ndarray) -> bool:
    """True when every array has the first one's float32/float64 dtype."""
    dtype = arrays[0].dtype
    return dtype in (np.float32, np.float64) and all(a.dtype == dtype for a in arrays)


def trailing_row_length(x_shape: tuple[int, ...], row_shape: tuple[int, ...]) -> int | None:
    """k when ``row_shape`` (leading axes of size 1 dropped) is the trailing shape of x.

    x is then a (rows, k) matrix and the row broadcasts over its rows (e.g.
    PReLU's slopes); None for any other layout.
    """
    trailing = tuple(row_shape)
    while trailing and trailing[0] == 1:
        trailing = trailing[1:]
    if len(trailing) >= len(x_shape) or tuple(x_shape[len(x_shape) - len(trailing):]) != trailing:
        return None
    return math.prod(trailing)


def tiny(dtype: np.dtype) -> float:
    """Smallest normal float of ``dtype``: state values below it are flushed to 0."""
    return float(np.finfo(dtype).tiny)


def contiguous(a: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``a`` itself when C-contiguous of ``dtype`` (skips NumPy's slower check), else a copy."""
    return a if a.dtype == dtype and a.flags.c_contiguous else np.ascontiguousarray(a, dtype)


def deliver_rows(work: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out`` of :func:`output_2d`, the rows ``work`` copied in unless they are its memory."""
    if not np.shares_memory(work, out):
        out[...] = work.reshape(out.shape)
    return out


def output_2d(shape: tuple, dtype: np.dtype, out: np.ndarray | None
              ) -> tuple[np.ndarray, np.ndarray]:
    """(result, C-contiguous (rows, last axis) array a loop writes; the same memory if possible)."""
    if out is None:
        out = np.empty(shape, dtype=dtype)
    k = shape[-1] if len(shape) else 1
    if out.flags.c_contiguous and out.dtype == dtype:
        return out, out.reshape(-1, k)
    return out, np.empty((out.size // max(k, 1), k), dtype=dtype)


def matmul_with(gemm, A: np.ndarray, B: np.ndarray, out: np.ndarray | None,
                ta: bool = False, tb: bool = False) -> np.ndarray:
    """op(A)·op(B) into ``out`` (allocated when None) with a backend's ``gemm(A, B, C, ta, tb, β)``.

    NumPy's matmul when A and B are not C-contiguous arrays of one float dtype;
    a work array, copied into ``out``, when ``out`` cannot be written directly.
    """
    a, b = (A.T if ta else A), (B.T if tb else B)
    if not (A.dtype == B.dtype and A.dtype.kind == "f"
            and A.flags.c_contiguous and B.flags.c_contiguous):
        return np.matmul(a, b, out=out)
    if out is None or not (out.flags.c_contiguous and out.dtype == A.dtype):
        res = np.empty((a.shape[0], b.shape[1]), dtype=A.dtype)
        gemm(A, B, res, ta, tb, 0.0)
        if out is None:
            return res
        out[...] = res
        return out
    gemm(A, B, out, ta, tb, 0.0)
    return out
