r"""CUDA dropout kernels: the same counter-based SplitMix64 as every backend.

Each thread hashes its own element indices (grid-stride), so the mask is
identical bit for bit to the CPU backends'.  uint64 arithmetic wraps mod 2⁶⁴.
The book's form keeps unit i when u_i ≥ rate; with u_i = (bits_i ≫ 40)·2⁻²⁴
the kernels test the same in integers, (bits_i ≫ 40) ≥ ⌈rate·2²⁴⌉
(test_kernels_rearranged.py).  The launchers (``uniform``, ``mask``,
``dropout_fwd``, ``dropout_bwd``) take NumPy or device arrays; the public
kernels (the reference's names and signatures) hand them to
``host_side/dropout.py``, which checks the arguments and calls them.
"""

from __future__ import annotations

import numpy as np
from numba import cuda

from ..host_side import dropout as host
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


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).
# ----------------------------------------------------------------------------

def dropout_uniform(size: int, seed: int, step: int) -> np.ndarray:
    """The counter-based uniforms of (seed, step), one per index (float64; see
    ``reference/dropout.py``)."""
    return host.dropout_uniform(size, seed, step, draw=uniform)


def dropout_mask(shape: tuple[int, ...] | int, seed: int, step: int, rate: float) -> np.ndarray:
    """Boolean keep mask of ``shape`` drawn from (seed, step) (as ``reference/dropout.py``)."""
    return host.dropout_mask(shape, seed, step, rate, draw=mask)


def dropout_forward(x: np.ndarray, seed: int, step: int, rate: float,
                    out: np.ndarray | None = None, *, mask_shape: tuple[int, ...] | None = None,
                    mask_out: np.ndarray | None = None) -> host.Pair:
    """Inverted dropout (:class:`nnlite.layers.Dropout`); returns (y, keep)."""
    return host.dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                mask_out=mask_out, masked_affine=dropout_fwd)


def dropout_backward(dy: np.ndarray, mask: np.ndarray, rate: float,
                     out: np.ndarray | None = None) -> np.ndarray:
    """The gradient of inverted dropout from its keep mask (:class:`nnlite.layers.Dropout`)."""
    return host.dropout_backward(dy, mask, rate, out, masked_scale=dropout_bwd)


def alpha_dropout_forward(x: np.ndarray, seed: int, step: int, rate: float,
                          out: np.ndarray | None = None, *,
                          mask_shape: tuple[int, ...] | None = None,
                          mask_out: np.ndarray | None = None) -> host.Pair:
    """Alpha dropout (:class:`nnlite.layers.AlphaDropout`); returns (y, keep)."""
    return host.alpha_dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                      mask_out=mask_out, masked_affine=dropout_fwd)


def alpha_dropout_backward(dy: np.ndarray, mask: np.ndarray, rate: float,
                           out: np.ndarray | None = None) -> np.ndarray:
    """The gradient of alpha dropout from its keep mask (:class:`nnlite.layers.AlphaDropout`)."""
    return host.alpha_dropout_backward(dy, mask, rate, out, masked_scale=dropout_bwd)
