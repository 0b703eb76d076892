r"""CUDA dropout kernels: the same counter-based SplitMix64 as every backend.

Each thread hashes its own element indices (grid-stride), so the mask is
identical bit for bit to the CPU backends'.  uint64 arithmetic wraps mod 2⁶⁴.
The book's form keeps unit i when u_i ≥ rate; with u_i = (bits_i ≫ 40)·2⁻²⁴
the kernels test the same in integers, (bits_i ≫ 40) ≥ ⌈rate·2²⁴⌉
(test_kernels_rearranged.py).  The launchers (``uniform``, ``mask``,
``dropout_fwd``, ``dropout_bwd``) take NumPy or device arrays; the public
kernels (the reference's names and signatures) check their arguments and
call them.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from .. import checks
from .. import reference as ref
from ..host_arrays import buffer_for, deliver, elementwise, output_for
from ..reference.dropout import alpha_dropout_coefs, dropout_key, dropout_scale, keep_threshold
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

Pair = tuple[np.ndarray, np.ndarray]


def _key(seed: int, step: int) -> np.uint64:
    """key = splitmix64(seed ⊕ splitmix64(step)) as the loops take it."""
    return np.uint64(dropout_key(seed, step))


def dropout_uniform(size: int, seed: int, step: int) -> np.ndarray:
    """The counter-based uniforms of (seed, step), one per index (float64; see
    ``reference/dropout.py``)."""
    checks.dropout_uniform(size, seed, step)
    out = np.empty(int(size), dtype=np.float64)
    if out.size:
        uniform(_key(seed, step), out)
    return out


def dropout_mask(shape: tuple[int, ...] | int, seed: int, step: int, rate: float) -> np.ndarray:
    """Boolean keep mask of ``shape`` drawn from (seed, step) (as ``reference/dropout.py``)."""
    checks.dropout_mask(shape, seed, step, rate)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    keep = np.empty(math.prod(shape), dtype=np.bool_)
    if keep.size:
        mask(_key(seed, step), np.uint64(keep_threshold(rate)), keep.view(np.uint8))
    return keep.reshape(shape)


def _masked_affine(x, seed, step, rate, out, a, b, fill, mask_out) -> Pair:
    """One pass: the keep mask from the hash and the masked affine output; returns (y, keep)."""
    x = np.ascontiguousarray(x)
    y = output_for(x, out)
    mask = buffer_for(x.shape, np.bool_, mask_out)
    if x.size:
        t = x.dtype.type
        dropout_fwd(x.reshape(-1), _key(seed, step), np.uint64(keep_threshold(rate)), t(a),
                    t(b), t(fill), y.reshape(-1), mask.reshape(-1).view(np.uint8))
    return deliver(y, out), deliver(mask, mask_out)


def _masked_scale(dy, mask, a, out) -> np.ndarray:
    """∂x of a masked layer of dy's shape: δ scaled by ``a`` where kept (one launch)."""
    mask_bytes = np.ascontiguousarray(mask).view(np.uint8)
    return elementwise(dropout_bwd, out, (dy, mask_bytes), dy.dtype.type(a))


def dropout_forward(x: np.ndarray, seed: int, step: int, rate: float,
                    out: np.ndarray | None = None, *, mask_shape: tuple[int, ...] | None = None,
                    mask_out: np.ndarray | None = None) -> Pair:
    """Inverted dropout (:class:`nnlite.layers.Dropout`); returns (y, keep)."""
    checks.dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape, mask_out=mask_out)
    if mask_shape is not None and tuple(mask_shape) != x.shape:  # a broadcast mask: NumPy
        return ref.dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                   mask_out=mask_out)
    return _masked_affine(x, seed, step, rate, out, dropout_scale(rate), 0.0, 0.0, mask_out)


def dropout_backward(dy: np.ndarray, mask: np.ndarray, rate: float,
                     out: np.ndarray | None = None) -> np.ndarray:
    """The gradient of inverted dropout from its keep mask (:class:`nnlite.layers.Dropout`)."""
    checks.dropout_backward(dy, mask, rate, out)
    if mask.shape != dy.shape:  # a broadcast mask: NumPy
        return ref.dropout_backward(dy, mask, rate, out)
    return _masked_scale(dy, mask, dropout_scale(rate), out)


def alpha_dropout_forward(x: np.ndarray, seed: int, step: int, rate: float,
                          out: np.ndarray | None = None, *,
                          mask_shape: tuple[int, ...] | None = None,
                          mask_out: np.ndarray | None = None) -> Pair:
    """Alpha dropout (:class:`nnlite.layers.AlphaDropout`); returns (y, keep)."""
    checks.alpha_dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                 mask_out=mask_out)
    if mask_shape is not None and tuple(mask_shape) != x.shape:  # a broadcast mask: NumPy
        return ref.alpha_dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                         mask_out=mask_out)
    a, b, ap = alpha_dropout_coefs(rate)
    return _masked_affine(x, seed, step, rate, out, a, b, ap, mask_out)


def alpha_dropout_backward(dy: np.ndarray, mask: np.ndarray, rate: float,
                           out: np.ndarray | None = None) -> np.ndarray:
    """The gradient of alpha dropout from its keep mask (:class:`nnlite.layers.AlphaDropout`)."""
    checks.alpha_dropout_backward(dy, mask, rate, out)
    if mask.shape != dy.shape:  # a broadcast mask: NumPy
        return ref.alpha_dropout_backward(dy, mask, rate, out)
    return _masked_scale(dy, mask, alpha_dropout_coefs(rate)[0], out)
