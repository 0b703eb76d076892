r"""CUDA dropout kernels: the same counter-based SplitMix64 as every backend.

Each thread hashes its own element indices (grid-stride), so the mask is
identical bit for bit to the CPU backends'.  uint64 arithmetic wraps mod 2⁶⁴.
"""

from __future__ import annotations

import numpy as np
from numba import cuda

from ._launch import launcher

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
S30, S27, S31, S40 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(40)


@cuda.jit(device=True)
def splitmix64(x):
    z = x + GOLDEN
    z = (z ^ (z >> S30)) * MIX1
    z = (z ^ (z >> S27)) * MIX2
    return z ^ (z >> S31)


@cuda.jit
def _uniform(key, out):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        out[i] = np.float64(splitmix64(key + np.uint64(i)) >> S40) * 5.9604644775390625e-08


@cuda.jit
def _mask(key, thresh, m):
    for i in range(cuda.grid(1), m.shape[0], cuda.gridsize(1)):
        m[i] = np.uint8((splitmix64(key + np.uint64(i)) >> S40) >= thresh)


@cuda.jit
def _forward(x, key, thresh, a, b, fill, y, m):
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        keep = (splitmix64(key + np.uint64(i)) >> S40) >= thresh
        m[i] = np.uint8(keep)
        y[i] = a * (x[i] if keep else fill) + b


@cuda.jit
def _backward(dy, m, a, dx):
    for i in range(cuda.grid(1), dy.shape[0], cuda.gridsize(1)):
        dx[i] = a * dy[i] if m[i] else 0.0 * dy[i]


uniform = launcher(_uniform, (1,), lambda key, out: out.size)
mask = launcher(_mask, (2,), lambda key, t, m: m.size)
dropout_fwd = launcher(_forward, (6, 7), lambda x, *_: x.size)
dropout_bwd = launcher(_backward, (3,), lambda dy, *_: dy.size)
