"""Argument checks of the dense kernels: x (rows, d_in) @ W (d_in, d_out) + b (d_out,)."""

from __future__ import annotations

import numpy as np

from .activations import _pre_activation
from .common import fail, matrix, out_shape, shape_is


def _x_and_W(kernel: str, x: np.ndarray, W: np.ndarray) -> None:
    matrix(kernel, "x", x, "(rows, d_in) (reshape a batch of images to rows first)")
    matrix(kernel, "W", W, "(d_in, d_out)")
    if W.shape[0] != x.shape[1]:
        fail(kernel, f"W must have shape ({x.shape[1]}, d_out) to multiply x of shape "
                     f"{x.shape} (x.shape[1] == W.shape[0]), got W of shape {W.shape}")


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, act: str,
                  alpha: float = 0.0, out: np.ndarray | None = None) -> None:
    """x is (rows, d_in), W is (d_in, d_out), b is (d_out,) or None, out is (rows, d_out)."""
    kernel = "dense_forward"
    _x_and_W(kernel, x, W)
    if b is not None:
        shape_is(kernel, "b", b, (W.shape[1],), f"one bias per column of W, shape {W.shape}")
    out_shape(kernel, "out", out, (x.shape[0], W.shape[1]), "rows of x × columns of W")


def dense_backward(x: np.ndarray, W: np.ndarray, a: np.ndarray, delta: np.ndarray,
                   act: str, alpha: float = 0.0, need_dx: bool = True,
                   dW: np.ndarray | None = None, db: np.ndarray | None = None,
                   z: np.ndarray | None = None) -> None:
    """a and δ are (rows, d_out) like the forward's output; dW like W, db (d_out,);
    z like a when ``act`` needs it (gelu, swish, mish)."""
    kernel = "dense_backward"
    _x_and_W(kernel, x, W)
    rows_units = (x.shape[0], W.shape[1])
    shape_is(kernel, "a", a, rows_units, "the forward's output: rows of x × columns of W")
    shape_is(kernel, "delta", delta, rows_units, "the shape of the output a")
    out_shape(kernel, "dW", dW, W.shape, "the shape of W")
    out_shape(kernel, "db", db, (W.shape[1],), "one value per column of W")
    _pre_activation(kernel, act, z, a)
