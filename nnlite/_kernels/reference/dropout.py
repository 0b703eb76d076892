r"""Reference dropout kernels with a counter-based random number generator.

Every backend must draw the *same* mask bit for bit, on any number of
threads, so the random numbers are a pure function of (seed, step, i):

  splitmix64(x):  x ← x + 0x9E3779B97F4A7C15;  z ← x
                  z ← (z ⊕ (z ≫ 30)) · 0xBF58476D1CE4E5B9
                  z ← (z ⊕ (z ≫ 27)) · 0x94D049BB133111EB
                  return z ⊕ (z ≫ 31)                      (all mod 2⁶⁴)
  key  = splitmix64(seed ⊕ splitmix64(step))
  bits = splitmix64(key + i)     for the flat C-order element index i
  u    = (bits ≫ 40) · 2⁻²⁴      (a 24-bit uniform in [0, 1))
  keep = u ≥ rate

Because u = k·2⁻²⁴ with an integer k, ``keep`` equals ``k ≥ ⌈rate·2²⁴⌉``;
fast backends compare integers (``keep_threshold``), which is exact for
float32 and float64 alike.

Inverted dropout (Keras): y = x·keep/(1 − rate) while training.
Alpha dropout (SELU nets): dropped units take the SELU saturation value
α' = −λα, then an affine map restores zero mean and unit variance:
  a = ((1 − rate)(1 + rate·α'²))^{−½},  b = −a·α'·rate,
  y = a(x·keep + α'(1 − keep)) + b,       ∂x = a·keep·δ.
"""

from __future__ import annotations

import math

import numpy as np

from .. import checks
from .activations import SELU_ALPHA, SELU_SCALE

MASK64 = 0xFFFFFFFFFFFFFFFF
GOLDEN = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
ALPHA_PRIME = -SELU_SCALE * SELU_ALPHA  # α' = −λα


def splitmix64_int(x: int) -> int:
    """SplitMix64 finalizer on one Python int (mod 2⁶⁴)."""
    x = (x + GOLDEN) & MASK64
    z = x
    z = ((z ^ (z >> 30)) * MIX1) & MASK64
    z = ((z ^ (z >> 27)) * MIX2) & MASK64
    return z ^ (z >> 31)


def splitmix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 on a uint64 array (numpy integer arithmetic wraps mod 2⁶⁴)."""
    z = x + np.uint64(GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX2)
    return z ^ (z >> np.uint64(31))


def dropout_key(seed: int, step: int) -> int:
    """key = splitmix64(seed ⊕ splitmix64(step)) as a Python int in [0, 2⁶⁴)."""
    return splitmix64_int((int(seed) & MASK64) ^ splitmix64_int(int(step) & MASK64))


def keep_threshold(rate: float) -> int:
    """Integer k₀ = ⌈rate·2²⁴⌉ with keep ⇔ (bits ≫ 40) ≥ k₀ (exact)."""
    return int(math.ceil(min(max(float(rate), 0.0), 1.0) * 2.0**24))


def dropout_scale(rate: float) -> float:
    """Inverted-dropout factor 1/(1 − rate) (0 when everything is dropped)."""
    return 0.0 if rate >= 1.0 else 1.0 / (1.0 - rate)


def alpha_dropout_coefs(rate: float) -> tuple[float, float, float]:
    """(a, b, α') of alpha dropout: a = ((1−r)(1+r α'²))^{−½}, b = −a α' r."""
    ap = ALPHA_PRIME
    a = ((1.0 - rate) * (1.0 + rate * ap * ap)) ** -0.5 if rate < 1.0 else 0.0
    return a, -a * ap * rate, ap


def _bits(size: int, seed: int, step: int) -> np.ndarray:
    i = np.arange(size, dtype=np.uint64)
    return splitmix64(np.uint64(dropout_key(seed, step)) + i)


def dropout_uniform(size: int, seed: int, step: int) -> np.ndarray:
    """u_i = (splitmix64(key + i) ≫ 40)·2⁻²⁴ for i < size (float64 in [0, 1))."""
    checks.dropout_uniform(size, seed, step)
    return (_bits(int(size), seed, step) >> np.uint64(40)).astype(np.float64) * 2.0**-24


def dropout_mask(shape: tuple[int, ...] | int, seed: int, step: int, rate: float) -> np.ndarray:
    """Boolean keep mask of ``shape``: keep = u ≥ rate."""
    checks.dropout_mask(shape, seed, step, rate)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return dropout_uniform(math.prod(shape), seed, step).reshape(shape) >= rate


def _mask_for(x: np.ndarray, seed: int, step: int, rate: float,
              mask_shape: tuple[int, ...] | None, mask_out: np.ndarray | None) -> np.ndarray:
    mask = dropout_mask(x.shape if mask_shape is None else mask_shape, seed, step, rate)
    if mask_out is None:
        return mask
    mask_out[...] = mask
    return mask_out


def dropout_forward(x: np.ndarray, seed: int, step: int, rate: float,
                    out: np.ndarray | None = None, *, mask_shape: tuple[int, ...] | None = None,
                    mask_out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Inverted dropout: y = x·keep/(1 − rate); returns (y, keep).

    ``mask_shape`` (Keras' noise_shape, broadcastable to x.shape) draws one
    mask entry per broadcast group; the mask has that shape.  ``out`` and
    ``mask_out`` (bool) are optional preallocated outputs.
    """
    checks.dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape, mask_out=mask_out)
    mask = _mask_for(x, seed, step, rate, mask_shape, mask_out)
    y = np.multiply(x, mask, out=out)
    y *= x.dtype.type(dropout_scale(rate))
    return y, mask


def dropout_backward(dy: np.ndarray, mask: np.ndarray, rate: float,
                     out: np.ndarray | None = None) -> np.ndarray:
    """∂x = δ·keep/(1 − rate) (``mask`` may be broadcastable to δ)."""
    checks.dropout_backward(dy, mask, rate, out)
    dx = np.multiply(dy, mask, out=out)
    dx *= dy.dtype.type(dropout_scale(rate))
    return dx


def alpha_dropout_forward(x: np.ndarray, seed: int, step: int, rate: float,
                          out: np.ndarray | None = None, *,
                          mask_shape: tuple[int, ...] | None = None,
                          mask_out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Alpha dropout: y = a(x·keep + α'(1 − keep)) + b; returns (y, keep)."""
    checks.alpha_dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape, mask_out=mask_out)
    mask = _mask_for(x, seed, step, rate, mask_shape, mask_out)
    a, b, ap = alpha_dropout_coefs(rate)
    y = np.where(mask, x, x.dtype.type(ap))
    if out is None:
        out = np.empty(np.broadcast_shapes(x.shape, mask.shape), dtype=x.dtype)
    np.multiply(y, x.dtype.type(a), out=out)
    out += x.dtype.type(b)
    return out, mask


def alpha_dropout_backward(dy: np.ndarray, mask: np.ndarray, rate: float,
                           out: np.ndarray | None = None) -> np.ndarray:
    """∂x = a·keep·δ."""
    checks.alpha_dropout_backward(dy, mask, rate, out)
    a = alpha_dropout_coefs(rate)[0]
    dx = np.multiply(dy, mask, out=out)
    dx *= dy.dtype.type(a)
    return dx
