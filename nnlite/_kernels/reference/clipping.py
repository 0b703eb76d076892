r"""Reference gradient clipping and weight constraints (Keras ``clipvalue``,
``clipnorm``, ``global_clipnorm`` and ``MaxNorm``); each works **in place**."""

from __future__ import annotations

import numpy as np

from .. import checks


def clip_by_value_(grad: np.ndarray, value: float) -> None:
    r"""Keras ``clipvalue``: g ← clip(g, −c, c) in place."""
    checks.clip_by_value_(grad, value)
    np.clip(grad, -value, value, out=grad)


def clip_by_norm_(grad: np.ndarray, clipnorm: float) -> None:
    r"""Keras ``clipnorm`` (per tensor): g ← g·c/‖g‖₂ when ‖g‖₂ > c."""
    checks.clip_by_norm_(grad, clipnorm)
    norm = float(np.sqrt(np.sum(np.square(grad, dtype=np.float64))))
    if norm > clipnorm:
        grad *= grad.dtype.type(clipnorm / norm)


def global_norm(grads: list[np.ndarray]) -> float:
    r"""‖(g₁, …, g_k)‖₂ = √(Σ_j Σ g_j²) over all tensors (``global_clipnorm``)."""
    checks.global_norm(grads)
    return float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads)))


def scale_(arr: np.ndarray, factor: float) -> None:
    r"""arr ← factor·arr in place (e.g. global clipping: g ← g·c/max(‖G‖, c))."""
    checks.scale_(arr, factor)
    arr *= arr.dtype.type(factor)


def max_norm_(W: np.ndarray, max_value: float, axis: int = 0) -> None:
    r"""Keras MaxNorm constraint in place, norms along ``axis`` (0: per unit):

      n = ‖w‖₂ along axis,   w ← w · clip(n, 0, c) / (ε + n),   ε = 1e-7
    """
    checks.max_norm_(W, max_value, axis)
    norms = np.sqrt(np.sum(np.square(W, dtype=np.float64), axis=axis, keepdims=True))
    W *= (np.clip(norms, 0, max_value) / (1e-7 + norms)).astype(W.dtype)
