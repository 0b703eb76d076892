"""The host side of the compiled dropout kernels, written once for numba, Cython and CUDA:
check the arguments, make the key and the integer threshold of the counter-based mask
(``reference/dropout.py``), use or allocate the outputs, send a mask that broadcasts
(``mask_shape``) to the reference, call the backend's loops and deliver the results.

The loops a backend passes in, by role:

``draw(key, ...)``
    fills a flat array from the hash of (key, i): the uniforms (``draw(key, out)``)
    or the keep mask (``draw(key, thresh, mask)``, mask a uint8 view).
``masked_affine(x, key, thresh, a, b, fill, y, mask)``
    one pass over flat x: the keep mask and the masked affine output y.
``masked_scale(dy, mask, a, dx)``
    one pass over flat dy: the gradient of either dropout from its keep mask.

Every number of the equations comes from ``reference/dropout.py`` (``dropout_scale``,
``alpha_dropout_coefs``, ``keep_threshold``, ``dropout_key``); none is computed here.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .. import checks
from .. import reference as ref
from ..host_arrays import buffer_for, deliver, elementwise, output_for
from ..reference.dropout import alpha_dropout_coefs, dropout_key, dropout_scale, keep_threshold

Pair = tuple[np.ndarray, np.ndarray]


def _key(seed: int, step: int) -> np.uint64:
    """The key of (seed, step) as the loops take it."""
    return np.uint64(dropout_key(seed, step))


def _bytes(mask: np.ndarray) -> np.ndarray:
    """A bool mask as the loops read it: a C-contiguous uint8 view."""
    return np.ascontiguousarray(mask).view(np.uint8)


def dropout_uniform(size: int, seed: int, step: int, *, draw: Callable) -> np.ndarray:
    """The float64 uniforms of (seed, step), one per index, from ``draw(key, out)``."""
    checks.dropout_uniform(size, seed, step)
    out = np.empty(int(size), dtype=np.float64)
    if out.size:
        draw(_key(seed, step), out)
    return out


def dropout_mask(shape: tuple[int, ...] | int, seed: int, step: int, rate: float, *,
                 draw: Callable) -> np.ndarray:
    """The boolean keep mask of ``shape`` from ``draw(key, thresh, mask)``."""
    checks.dropout_mask(shape, seed, step, rate)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    mask = np.empty(math.prod(shape), dtype=np.bool_)
    if mask.size:
        draw(_key(seed, step), np.uint64(keep_threshold(rate)), mask.view(np.uint8))
    return mask.reshape(shape)


def _forward(x, seed, step, rate, out, a, b, fill, mask_out, masked_affine) -> Pair:
    """(y, keep) of one ``masked_affine`` pass over x with the coefficients a, b, fill."""
    x = np.ascontiguousarray(x)
    y = output_for(x, out)
    mask = buffer_for(x.shape, np.bool_, mask_out)
    if x.size:
        t = x.dtype.type
        masked_affine(x.reshape(-1), _key(seed, step), np.uint64(keep_threshold(rate)), t(a),
                      t(b), t(fill), y.reshape(-1), mask.reshape(-1).view(np.uint8))
    return deliver(y, out), deliver(mask, mask_out)


def dropout_forward(x: np.ndarray, seed: int, step: int, rate: float,
                    out: np.ndarray | None = None, *, mask_shape: tuple[int, ...] | None = None,
                    mask_out: np.ndarray | None = None, masked_affine: Callable) -> Pair:
    """(y, keep) of inverted dropout."""
    checks.dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape, mask_out=mask_out)
    if mask_shape is not None and tuple(mask_shape) != x.shape:  # a broadcast mask: NumPy
        return ref.dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                   mask_out=mask_out)
    return _forward(x, seed, step, rate, out, dropout_scale(rate), 0.0, 0.0, mask_out,
                    masked_affine)


def dropout_backward(dy: np.ndarray, mask: np.ndarray, rate: float,
                     out: np.ndarray | None = None, *, masked_scale: Callable) -> np.ndarray:
    """∂x of inverted dropout from its keep mask."""
    checks.dropout_backward(dy, mask, rate, out)
    if mask.shape != dy.shape:  # a broadcast mask: NumPy
        return ref.dropout_backward(dy, mask, rate, out)
    return elementwise(masked_scale, out, (dy, _bytes(mask)), dy.dtype.type(dropout_scale(rate)))


def alpha_dropout_forward(x: np.ndarray, seed: int, step: int, rate: float,
                          out: np.ndarray | None = None, *,
                          mask_shape: tuple[int, ...] | None = None,
                          mask_out: np.ndarray | None = None, masked_affine: Callable) -> Pair:
    """(y, keep) of alpha dropout."""
    checks.alpha_dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                 mask_out=mask_out)
    if mask_shape is not None and tuple(mask_shape) != x.shape:  # a broadcast mask: NumPy
        return ref.alpha_dropout_forward(x, seed, step, rate, out, mask_shape=mask_shape,
                                         mask_out=mask_out)
    a, b, fill = alpha_dropout_coefs(rate)
    return _forward(x, seed, step, rate, out, a, b, fill, mask_out, masked_affine)


def alpha_dropout_backward(dy: np.ndarray, mask: np.ndarray, rate: float,
                           out: np.ndarray | None = None, *,
                           masked_scale: Callable) -> np.ndarray:
    """∂x of alpha dropout from its keep mask."""
    checks.alpha_dropout_backward(dy, mask, rate, out)
    if mask.shape != dy.shape:  # a broadcast mask: NumPy
        return ref.alpha_dropout_backward(dy, mask, rate, out)
    return elementwise(masked_scale, out, (dy, _bytes(mask)),
                       dy.dtype.type(alpha_dropout_coefs(rate)[0]))
