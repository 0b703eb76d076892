"""Device helpers for the CUDA kernels: min, max and clamp as plain comparisons.

numba 0.68's CUDA target does not compile Python's two-argument ``min(a, b)``
/ ``max(a, b)`` ("Signature mismatch: 2 argument types given"), and the
simulator, which runs kernels as Python, never notices.  Kernels use these
instead (``scripts/cuda_ptx_check.py`` compiles every kernel for sm_90 to
catch such problems without a GPU).
"""

from __future__ import annotations

from numba import cuda


@cuda.jit(device=True, inline=True)
def dmin(a, b):
    """The smaller of a and b."""
    return a if a < b else b


@cuda.jit(device=True, inline=True)
def dmax(a, b):
    """The larger of a and b."""
    return a if a > b else b


@cuda.jit(device=True, inline=True)
def clamp(x, lo, hi):
    """x limited to [lo, hi]."""
    return lo if x < lo else (hi if x > hi else x)
