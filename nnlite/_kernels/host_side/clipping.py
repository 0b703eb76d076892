"""The host side of the compiled clipping kernels, written once for numba, Cython and CUDA.

Each function checks the arguments, sends what the loops do not take
(strided or read-only arrays, max-norm along another axis) to the reference,
and calls the backend's loops on flat views: ``clip`` and ``scale`` update in
place, ``sumsq`` returns Σ g² accumulated in float64, ``max_norm_cols``
rescales the columns of a 2-D array in place.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .. import checks
from .. import reference as ref
from ..host_arrays import flat_in_place, inplace_ok

Loop = Callable[..., None]        # a backend's loop, updating its first array in place
SumOfSquares = Callable[[np.ndarray], float]


def clip_by_value_(grad: np.ndarray, value: float, *, clip: Loop) -> None:
    """``clip(g, value)`` on a flat view of ``grad``."""
    checks.clip_by_value_(grad, value)
    flat_in_place(clip, ref.clip_by_value_, grad, value)


def scale_(arr: np.ndarray, factor: float, *, scale: Loop) -> None:
    """``scale(a, factor)`` on a flat view of ``arr``."""
    checks.scale_(arr, factor)
    flat_in_place(scale, ref.scale_, arr, factor)


def clip_by_norm_(grad: np.ndarray, clipnorm: float, *, sumsq: SumOfSquares,
                  scale_: Callable[[np.ndarray, float], None]) -> None:
    """The norm from ``sumsq``, then the backend's public ``scale_`` when it is too large."""
    checks.clip_by_norm_(grad, clipnorm)
    norm = math.sqrt(squared_norm(grad, sumsq))
    if norm > clipnorm:  # the rescaling's equation: reference.clipping.clip_by_norm_
        scale_(grad, clipnorm / norm)


def global_norm(grads: list[np.ndarray], *, sumsq: SumOfSquares) -> float:
    """The norm of all of ``grads``, from ``sumsq`` of each (reference.clipping.global_norm)."""
    checks.global_norm(grads)
    return math.sqrt(sum(squared_norm(g, sumsq) for g in grads))


def max_norm_(W: np.ndarray, max_value: float, axis: int = 0, *, max_norm_cols: Loop) -> None:
    """``max_norm_cols(W, max_value)`` on a 2-D ``W`` normed per column, else the reference."""
    checks.max_norm_(W, max_value, axis)
    if W.ndim != 2 or axis not in (0, -2) or not inplace_ok(W) or W.size == 0:
        return ref.max_norm_(W, max_value, axis)
    max_norm_cols(W, float(max_value))


def squared_norm(g: np.ndarray, sumsq: SumOfSquares) -> float:
    """‖g‖₂², ``sumsq`` on a C-contiguous flat view (0 when ``g`` is empty)."""
    return float(sumsq(np.ascontiguousarray(g).reshape(-1))) if g.size else 0.0
