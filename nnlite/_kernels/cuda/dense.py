r"""CUDA GEMM: the classic tiled shared-memory kernel (TILE × TILE blocks).

C = op(A)·op(B) + β C for row-major matrices; each block loads one tile of
op(A) and one of op(B) into shared memory per step along k, every thread
accumulates one C element.  One compiled kernel per dtype (shared arrays need
a compile-time type).
"""

from __future__ import annotations

import numpy as np
from numba import cuda, float32, float64

from ._launch import SIMULATED, launcher

TILE = 2 if SIMULATED else 16


def _make_gemm(nbtype):
    @cuda.jit
    def gemm(A, B, C, ta, tb, beta):
        sA = cuda.shared.array((TILE, TILE), nbtype)
        sB = cuda.shared.array((TILE, TILE), nbtype)
        tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
        row = cuda.blockIdx.y * TILE + ty
        col = cuda.blockIdx.x * TILE + tx
        n, m = C.shape
        k = A.shape[0] if ta else A.shape[1]
        acc = 0.0
        for t0 in range(0, k, TILE):
            ka, kb = t0 + tx, t0 + ty
            if row < n and ka < k:
                sA[ty, tx] = A[ka, row] if ta else A[row, ka]
            else:
                sA[ty, tx] = 0
            if col < m and kb < k:
                sB[ty, tx] = B[col, kb] if tb else B[kb, col]
            else:
                sB[ty, tx] = 0
            cuda.syncthreads()
            for q in range(TILE):
                acc += sA[ty, q] * sB[q, tx]
            cuda.syncthreads()
        if row < n and col < m:
            C[row, col] = acc + (beta * C[row, col] if beta != 0 else 0.0)

    return gemm


_GEMM = {np.dtype(np.float32): _make_gemm(float32), np.dtype(np.float64): _make_gemm(float64)}


def _grid(A, B, C, *_):
    n, m = C.shape
    return ((m + TILE - 1) // TILE, (n + TILE - 1) // TILE), (TILE, TILE)


_RUN = {dt: launcher(k, (2,), None, _grid) for dt, k in _GEMM.items()}


def gemm(A, B, C, ta, tb, beta):
    """C ← op(A)·op(B) + β C  (host or device arrays)."""
    if C.shape[0] and C.shape[1]:
        _RUN[np.dtype(C.dtype)](A, B, C, bool(ta), bool(tb), float(beta))
