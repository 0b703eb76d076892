r"""Numba dropout kernels: the counter-based SplitMix64 RNG of the reference.

The book's form draws u_i uniform in [0, 1) and keeps unit i when u_i ≥ rate.
Here u_i is a hash of (seed, step, i), so every backend draws the same mask:

  bits_i = splitmix64(key + i),  k_i = bits_i ≫ 40   (u_i = k_i·2⁻²⁴),
  keep_i = k_i ≥ ⌈rate·2²⁴⌉      (the same test as u_i ≥ rate, in integers;
                                  test_kernels_rearranged.py checks it).

Each element depends only on (key, i), so the mask is the same bit for bit
on any number of threads.  All integer arithmetic is uint64 (mod 2⁶⁴).  The
public kernels (``dropout_uniform`` … ``alpha_dropout_backward``, the
reference's names and signatures) check their arguments and run the ``@jit``
loops below; a mask that broadcasts (``mask_shape``) goes to the reference.
Masks are written through a uint8 view of the bool array.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ..host_side import dropout as host
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
    """The gradient of either dropout: δ where kept, 0 elsewhere, times its factor a."""
    for i in prange(dy.shape[0]):
        dx[i] = dy[i] * (a * dy.dtype.type(mask[i]))


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).
# ----------------------------------------------------------------------------

def dropout_uniform(size: int, seed: int, step: int) -> np.ndarray:
    """u_i = (splitmix64(key + i) ≫ 40)·2⁻²⁴ (float64)."""
    return host.dropout_uniform(size, seed, step, draw=_uniform)


def dropout_mask(shape: tuple[int, ...] | int, seed: int, step: int, rate: float) -> np.ndarray:
    """Boolean keep mask of ``shape``: keep = u ≥ rate."""
    return host.dropout_mask(shape, seed, step, rate, draw=_mask)


def dropout_forward(x: np.ndarray, seed: int, step: int, rate: float,
                    out: np.ndarray | None = None, *, mask_shape: tuple[int, ...] | None = None,
                    mask_out: np.ndarray | None = None) -> host.Pair:
    """Inverted dropout of x and its keep mask, (y, keep) (equations: nnlite.layers.Dropout)."""
    return host.dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                mask_out=mask_out, masked_affine=_forward)


def dropout_backward(dy: np.ndarray, mask: np.ndarray, rate: float,
                     out: np.ndarray | None = None) -> np.ndarray:
    """The gradient of inverted dropout (equations: nnlite.layers.Dropout)."""
    return host.dropout_backward(dy, mask, rate, out, masked_scale=_backward)


def alpha_dropout_forward(x: np.ndarray, seed: int, step: int, rate: float,
                          out: np.ndarray | None = None, *,
                          mask_shape: tuple[int, ...] | None = None,
                          mask_out: np.ndarray | None = None) -> host.Pair:
    """Alpha dropout of x and its keep mask, (y, keep) (equations: nnlite.layers.AlphaDropout)."""
    return host.alpha_dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                      mask_out=mask_out, masked_affine=_forward)


def alpha_dropout_backward(dy: np.ndarray, mask: np.ndarray, rate: float,
                           out: np.ndarray | None = None) -> np.ndarray:
    """The gradient of alpha dropout (equations: nnlite.layers.AlphaDropout)."""
    return host.alpha_dropout_backward(dy, mask, rate, out, masked_scale=_backward)
