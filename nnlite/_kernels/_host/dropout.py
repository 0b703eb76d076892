r"""Public dropout kernels on the counter-based SplitMix64 RNG (see the reference).

bits_i = splitmix64(key + i),  k_i = bits_i ≫ 40,  keep_i = k_i ≥ ⌈rate·2²⁴⌉.
Low-level kernels write masks through a uint8 view of the bool array.
"""

from __future__ import annotations

import math

import numpy as np

from .. import checks
from ..reference.dropout import alpha_dropout_coefs, dropout_key, dropout_scale, keep_threshold

Pair = tuple[np.ndarray, np.ndarray]


def _key(seed: int, step: int) -> np.uint64:
    return np.uint64(dropout_key(seed, step))


def _out(x: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    if out is not None and out.flags.c_contiguous and out.dtype == x.dtype:
        return out
    return np.empty(x.shape, dtype=x.dtype)


def _give(work: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    if out is None or work is out:
        return work
    out[...] = work
    return out


class DropoutKernels:
    ll: object

    def dropout_uniform(self, size: int, seed: int, step: int) -> np.ndarray:
        """u_i = (splitmix64(key + i) ≫ 40)·2⁻²⁴ (float64)."""
        checks.dropout_uniform(size, seed, step)
        out = np.empty(int(size), dtype=np.float64)
        if out.size:
            self.ll.uniform(_key(seed, step), out)
        return out

    def dropout_mask(self, shape: tuple[int, ...] | int, seed: int, step: int,
                     rate: float) -> np.ndarray:
        """Boolean keep mask of ``shape``: keep = u ≥ rate."""
        checks.dropout_mask(shape, seed, step, rate)
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        mask = np.empty(math.prod(shape), dtype=np.bool_)
        if mask.size:
            self.ll.mask(_key(seed, step), np.uint64(keep_threshold(rate)), mask.view(np.uint8))
        return mask.reshape(shape)

    def _fused(self, x, seed, step, rate, out, a, b, fill, mask_out) -> Pair:
        x = np.ascontiguousarray(x)
        y = _out(x, out)
        mask = mask_out
        if mask is None or not mask.flags.c_contiguous or mask.dtype != np.bool_:
            mask = np.empty(x.shape, dtype=np.bool_)
        if x.size:
            t = x.dtype.type
            self.ll.dropout_fwd(x.reshape(-1), _key(seed, step), np.uint64(keep_threshold(rate)),
                                t(a), t(b), t(fill), y.reshape(-1),
                                mask.reshape(-1).view(np.uint8))
        return _give(y, out), _give(mask, mask_out)

    def _broadcast_mask(self, seed, step, rate, mask_shape, mask_out) -> np.ndarray:
        return _give(self.dropout_mask(mask_shape, seed, step, rate), mask_out)

    def dropout_forward(self, x: np.ndarray, seed: int, step: int, rate: float,
                        out: np.ndarray | None = None, *,
                        mask_shape: tuple[int, ...] | None = None,
                        mask_out: np.ndarray | None = None) -> Pair:
        """Inverted dropout y = x·keep/(1 − rate); returns (y, keep)."""
        checks.dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape, mask_out=mask_out)
        if mask_shape is not None and tuple(mask_shape) != x.shape:
            mask = self._broadcast_mask(seed, step, rate, mask_shape, mask_out)
            y = np.multiply(x, mask, out=out)
            y *= x.dtype.type(dropout_scale(rate))
            return y, mask
        return self._fused(x, seed, step, rate, out, dropout_scale(rate), 0.0, 0.0, mask_out)

    def dropout_backward(self, dy: np.ndarray, mask: np.ndarray, rate: float,
                         out: np.ndarray | None = None) -> np.ndarray:
        """∂x = δ·keep/(1 − rate)."""
        checks.dropout_backward(dy, mask, rate, out)
        return self._masked_scale(dy, mask, dropout_scale(rate), out)

    def _masked_scale(self, dy, mask, a, out) -> np.ndarray:
        if mask.shape != dy.shape:
            dx = np.multiply(dy, mask, out=out)
            dx *= dy.dtype.type(a)
            return dx
        dy = np.ascontiguousarray(dy)
        dx = _out(dy, out)
        if dy.size:
            self.ll.dropout_bwd(dy.reshape(-1), np.ascontiguousarray(mask).reshape(-1)
                                .view(np.uint8), dy.dtype.type(a), dx.reshape(-1))
        return _give(dx, out)

    def alpha_dropout_forward(self, x: np.ndarray, seed: int, step: int, rate: float,
                              out: np.ndarray | None = None, *,
                              mask_shape: tuple[int, ...] | None = None,
                              mask_out: np.ndarray | None = None) -> Pair:
        """Alpha dropout y = a(x·keep + α'(1 − keep)) + b; returns (y, keep)."""
        checks.alpha_dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                     mask_out=mask_out)
        a, b, ap = alpha_dropout_coefs(rate)
        if mask_shape is not None and tuple(mask_shape) != x.shape:
            mask = self._broadcast_mask(seed, step, rate, mask_shape, mask_out)
            t = x.dtype.type
            y = (np.where(mask, x, t(ap)) * t(a) + t(b)).astype(x.dtype, copy=False)
            return _give(y, out), mask
        return self._fused(x, seed, step, rate, out, a, b, ap, mask_out)

    def alpha_dropout_backward(self, dy: np.ndarray, mask: np.ndarray, rate: float,
                               out: np.ndarray | None = None) -> np.ndarray:
        """∂x = a·keep·δ."""
        checks.alpha_dropout_backward(dy, mask, rate, out)
        return self._masked_scale(dy, mask, alpha_dropout_coefs(rate)[0], out)
