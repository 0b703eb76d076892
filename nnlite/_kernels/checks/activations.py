"""Argument checks of the activation kernels (any shape; softmax along the last axis)."""

from __future__ import annotations

import numpy as np

from .common import out_shape, same_shape


def activation_forward(z: np.ndarray, act: str, alpha: float = 0.0,
                       out: np.ndarray | None = None) -> None:
    """``out`` (when given) has the shape of z."""
    out_shape("activation_forward", "out", out, z.shape, "the shape of z")


def activation_backward(a: np.ndarray, delta: np.ndarray, act: str, alpha: float = 0.0,
                        out: np.ndarray | None = None) -> None:
    """δ has the shape of the output a; ``out`` too."""
    same_shape("activation_backward", "delta", delta, "a", a)
    out_shape("activation_backward", "out", out, a.shape, "the shape of a and delta")
