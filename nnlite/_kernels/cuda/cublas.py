"""The matrix products of a ``cuda`` fit through cuBLAS (CuPy), when CuPy is installed.

``dense.gemm``'s tiled shared-memory kernel is the lesson (tutorial 09 reads
it); cuBLAS is what a GPU library uses for speed.  :func:`use_cublas` says
which one a product runs on: cuBLAS when all three arrays are device arrays
and CuPy is usable (installed, with a GPU it can use, and not the CUDA
simulator, whose arrays CuPy cannot read); the tiled kernel otherwise.
CuPy reads numba's device arrays without a copy (``__cuda_array_interface__``)
and runs on the same (default) stream as the numba kernels.

CuPy comes with the ``cuda`` extra (``pip install "nnlite[cuda]"``, which
installs ``cupy-cuda12x``); it is imported on the first product only.
"""

from __future__ import annotations

from . import transfers
from ._gpu_available import SIMULATED

_cupy = None  # the module, False when unusable, None before the first probe


def probe_cupy():
    """CuPy, or None when it is not installed, finds no GPU, or this is the simulator."""
    global _cupy
    if _cupy is None:
        _cupy = False
        if not SIMULATED:
            try:
                import cupy

                cupy.cuda.runtime.getDeviceCount()
                _cupy = cupy
            except Exception:  # not installed, or no usable GPU for it
                _cupy = False
    return _cupy or None


def use_cublas(A, B, C) -> bool:
    """Run C ← op(A)·op(B) + βC on cuBLAS?  (Device arrays only, and CuPy usable.)"""
    on_device = transfers.is_device_array
    return on_device(A) and on_device(B) and on_device(C) and probe_cupy() is not None


def gemm(A, B, C, ta: bool, tb: bool, beta: float) -> None:
    """C ← op(A)·op(B) + β C on the device with cuBLAS (one launch counted)."""
    cp = probe_cupy()
    a, b, c = cp.asarray(A), cp.asarray(B), cp.asarray(C)
    op_a, op_b = (a.T if ta else a), (b.T if tb else b)
    if beta:  # no caller in a fit passes β ≠ 0
        c[...] = cp.matmul(op_a, op_b) + beta * c
    else:
        cp.matmul(op_a, op_b, out=c)
    transfers.launched()
