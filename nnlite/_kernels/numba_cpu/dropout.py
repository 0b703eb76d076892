r"""Numba dropout kernels: the counter-based SplitMix64 RNG of the reference.

bits_i = splitmix64(key + i),  k_i = bits_i ≫ 40,  keep_i = k_i ≥ ⌈rate·2²⁴⌉.
Each element depends only on (key, i), so the mask is the same bit for bit
on any number of threads.  All integer arithmetic is uint64 (mod 2⁶⁴).
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import jit, jit_parallel

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)


@jit()
def _splitmix64(x):
    z = x + GOLDEN
    z = (z ^ (z >> np.uint64(30))) * MIX1
    z = (z ^ (z >> np.uint64(27))) * MIX2
    return z ^ (z >> np.uint64(31))


# The loops are flat ``prange`` loops over i: LLVM vectorizes the 64-bit hash
# (AVX-512DQ has a 64-bit multiply).  Masks are written through a uint8 view.

@jit_parallel(size_arg=1)
def _uniform(key, out):
    """out[i] = (splitmix64(key + i) ≫ 40)·2⁻²⁴."""
    for i in prange(out.shape[0]):
        k = _splitmix64(key + np.uint64(i)) >> np.uint64(40)
        out[i] = np.float64(k) * 5.9604644775390625e-08


@jit_parallel(size_arg=2)
def _mask(key, thresh, mask):
    """mask[i] = (splitmix64(key + i) ≫ 40) ≥ thresh   (mask: uint8 view)."""
    for i in prange(mask.shape[0]):
        mask[i] = np.uint8((_splitmix64(key + np.uint64(i)) >> np.uint64(40)) >= thresh)


@jit_parallel()
def _forward(x, key, thresh, a, b, fill, y, mask):
    """keep_i from the hash;  y_i = a·(x_i·keep_i + fill·(1 − keep_i)) + b.

    Dropout: a = 1/(1 − rate), fill = b = 0.  Alpha dropout: fill = α'.
    """
    for i in prange(x.shape[0]):
        keep = (_splitmix64(key + np.uint64(i)) >> np.uint64(40)) >= thresh
        mask[i] = np.uint8(keep)
        k = x.dtype.type(keep)
        y[i] = a * (x[i] * k + fill * (1 - k)) + b


@jit_parallel()
def _backward(dy, mask, a, dx):
    """dx_i = a·δ_i·keep_i."""
    for i in prange(dy.shape[0]):
        dx[i] = dy[i] * (a * dy.dtype.type(mask[i]))
