r"""Public gradient-clipping and weight-constraint kernels (in place)."""

from __future__ import annotations

import math

import numpy as np

from .. import checks
from .. import reference as ref
from .._common import inplace_ok


class ClippingKernels:
    ll: object

    def _sq(self, g: np.ndarray) -> float:
        return float(self.ll.sumsq(np.ascontiguousarray(g).reshape(-1))) if g.size else 0.0

    def clip_by_value_(self, grad: np.ndarray, value: float) -> None:
        r"""g ← clip(g, −c, c) in place."""
        checks.clip_by_value_(grad, value)
        if not inplace_ok(grad):
            return ref.clip_by_value_(grad, value)
        self.ll.clip(grad.reshape(-1), float(value))

    def scale_(self, arr: np.ndarray, factor: float) -> None:
        r"""arr ← factor·arr in place."""
        checks.scale_(arr, factor)
        if not inplace_ok(arr):
            return ref.scale_(arr, factor)
        self.ll.scale(arr.reshape(-1), float(factor))

    def clip_by_norm_(self, grad: np.ndarray, clipnorm: float) -> None:
        r"""g ← g·c/‖g‖₂ when ‖g‖₂ > c (per tensor)."""
        checks.clip_by_norm_(grad, clipnorm)
        norm = math.sqrt(self._sq(grad))
        if norm > clipnorm:
            self.scale_(grad, clipnorm / norm)

    def global_norm(self, grads: list[np.ndarray]) -> float:
        r"""√(Σ_j ‖g_j‖²) over all tensors."""
        checks.global_norm(grads)
        return math.sqrt(sum(self._sq(g) for g in grads))

    def max_norm_(self, W: np.ndarray, max_value: float, axis: int = 0) -> None:
        r"""Keras MaxNorm: w ← w·clip(n, 0, c)/(ε + n), n = ‖w‖₂ along ``axis``."""
        checks.max_norm_(W, max_value, axis)
        if W.ndim != 2 or axis not in (0, -2) or not inplace_ok(W) or W.size == 0:
            return ref.max_norm_(W, max_value, axis)
        self.ll.max_norm_cols(W, float(max_value))
