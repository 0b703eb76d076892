"""Argument checks of the fused loss kernels.

Scores (logits z or probabilities p) have shape (..., k); dense targets t
have the same shape; sparse labels y have shape z.shape[:-1], an integer
dtype and values in [0, k) — a label outside that range would make the
compiled kernels read and write outside the arrays.
"""

from __future__ import annotations

import numpy as np

from .common import fail, same_shape


def _scores(kernel: str, name: str, z: np.ndarray) -> None:
    shape = tuple(z.shape)  # a tuple also for device arrays (the simulator's has no shape[-1])
    if not shape or shape[-1] == 0:
        fail(kernel, f"{name} must have a last axis of at least one class (shape (..., k), "
                     f"k ≥ 1), got shape {shape}")


def _labels(kernel: str, name: str, z: np.ndarray, y: np.ndarray) -> None:
    """y: integers of shape z.shape[:-1] in [0, k)."""
    _scores(kernel, name, z)
    if y.shape != z.shape[:-1]:
        fail(kernel, f"y must have shape {z.shape[:-1]} (one label per row of {name}, "
                     f"shape {z.shape}), got shape {y.shape}")
    if y.dtype.kind not in "iu":
        fail(kernel, f"y must hold integer class indices, got dtype {y.dtype}")
    k = z.shape[-1]
    if y.size:
        low, high = y.min(), y.max()
        if low < 0 or high >= k:
            fail(kernel, f"labels y must be in [0, {k}) for {k} classes, got values in "
                         f"[{low}, {high}]")


def _targets(kernel: str, name: str, z: np.ndarray, t: np.ndarray) -> None:
    _scores(kernel, name, z)
    same_shape(kernel, "t", t, name, z)


def softmax_xent_sparse(z: np.ndarray, y: np.ndarray, scale: float) -> None:
    """Logits z (..., k), integer labels y of shape z.shape[:-1] in [0, k)."""
    _labels("softmax_xent_sparse", "z", z, y)


def softmax_xent_dense(z: np.ndarray, t: np.ndarray, scale: float) -> None:
    """Logits z (..., k), targets t of the same shape."""
    _targets("softmax_xent_dense", "z", z, t)


def sigmoid_bce(z: np.ndarray, t: np.ndarray, scale: float) -> None:
    """Logits z (..., k), targets t of the same shape."""
    _targets("sigmoid_bce", "z", z, t)


def xent_sparse_from_probs(p: np.ndarray, y: np.ndarray, scale: float,
                           eps: float = 1e-7) -> None:
    """Probabilities p (..., k), integer labels y of shape p.shape[:-1] in [0, k)."""
    _labels("xent_sparse_from_probs", "p", p, y)


def xent_dense_from_probs(p: np.ndarray, t: np.ndarray, scale: float,
                          eps: float = 1e-7) -> None:
    """Probabilities p (..., k), targets t of the same shape."""
    _targets("xent_dense_from_probs", "p", p, t)


def bce_from_probs(p: np.ndarray, t: np.ndarray, scale: float, eps: float = 1e-7) -> None:
    """Probabilities p (..., k), targets t of the same shape."""
    _targets("bce_from_probs", "p", p, t)
