"""Argument checks of the activation kernels (any shape; softmax along the last axis)."""

from __future__ import annotations

import numpy as np

from .common import fail, out_shape, same_shape

#: Activations whose backward reads φ'(z) from the pre-activation z (see the reference).
FROM_Z = ("gelu", "gelu_approximate", "swish", "mish")


def _pre_activation(kernel: str, act: str, z: np.ndarray | None, a: np.ndarray) -> None:
    """For an activation of :data:`FROM_Z`, z is given, has a's shape and is a float array."""
    if act not in FROM_Z:
        return
    if z is None:
        fail(kernel, f"z is required for act={act!r}: its derivative φ'(z) is computed from "
                     "the pre-activation z, which the output a does not determine; pass z=, "
                     "the array φ was applied to")
    same_shape(kernel, "z", z, "a", a)
    if z.dtype.kind != "f":
        fail(kernel, f"z must be a float array, got dtype {z.dtype}")


def activation_forward(z: np.ndarray, act: str, alpha: float = 0.0,
                       out: np.ndarray | None = None) -> None:
    """``out`` (when given) has the shape of z."""
    out_shape("activation_forward", "out", out, z.shape, "the shape of z")


def activation_backward(a: np.ndarray, delta: np.ndarray, act: str, alpha: float = 0.0,
                        out: np.ndarray | None = None, z: np.ndarray | None = None) -> None:
    """δ has the shape of the output a; ``out`` too; z as well when ``act`` needs it."""
    same_shape("activation_backward", "delta", delta, "a", a)
    out_shape("activation_backward", "out", out, a.shape, "the shape of a and delta")
    _pre_activation("activation_backward", act, z, a)
