"""Argument checks of the dropout kernels.

Keep masks are bool arrays (the compiled kernels read them byte by byte), of
x's shape or of a ``mask_shape`` (Keras' noise_shape) with x's number of axes,
each 1 (shared) or x's.  Rates lie in [0, 1].
"""

from __future__ import annotations

import numpy as np

from .common import bools, count, fail, in_range, out_shape

_MASK = "the keep mask returned by the forward kernel"


def _noise_shape(kernel: str, name: str, mask_shape: tuple, x_name: str, x_shape: tuple
                 ) -> None:
    """One mask entry per broadcast group: x's number of axes, each 1 or x's size."""
    fits = len(mask_shape) == len(x_shape) and all(
        m == 1 or m == d for m, d in zip(mask_shape, x_shape))
    if not fits:
        fail(kernel, f"{name} must have {len(x_shape)} axes, each 1 or the size of {x_name}'s "
                     f"axis ({x_name} has shape {x_shape}), got {mask_shape}")


def _forward(kernel: str, x: np.ndarray, rate: float, out: np.ndarray | None,
             mask_shape: tuple | None, mask_out: np.ndarray | None) -> None:
    in_range(kernel, "rate", rate, 0.0, 1.0)
    out_shape(kernel, "out", out, x.shape, "the shape of x")
    shape = x.shape
    if mask_shape is not None:
        shape = tuple(mask_shape)
        _noise_shape(kernel, "mask_shape", shape, "x", x.shape)
    out_shape(kernel, "mask_out", mask_out, shape, "the mask's shape")


def _backward(kernel: str, dy: np.ndarray, mask: np.ndarray, rate: float,
              out: np.ndarray | None) -> None:
    in_range(kernel, "rate", rate, 0.0, 1.0)
    bools(kernel, "mask", mask, _MASK)
    if mask.shape != dy.shape:
        _noise_shape(kernel, "the shape of mask", mask.shape, "dy", dy.shape)
    out_shape(kernel, "out", out, dy.shape, "the shape of dy")


def dropout_uniform(size: int, seed: int, step: int) -> None:
    """``size`` is a non-negative integer."""
    count("dropout_uniform", "size", size)


def dropout_mask(shape: tuple[int, ...] | int, seed: int, step: int, rate: float) -> None:
    """Every dimension of ``shape`` is a non-negative integer; rate in [0, 1]."""
    dims = (shape,) if isinstance(shape, int) else tuple(shape)
    for d in dims:
        count("dropout_mask", "each dimension of shape", d)
    in_range("dropout_mask", "rate", rate, 0.0, 1.0)


def dropout_forward(x: np.ndarray, seed: int, step: int, rate: float,
                    out: np.ndarray | None = None, *, mask_shape: tuple | None = None,
                    mask_out: np.ndarray | None = None) -> None:
    """rate in [0, 1]; ``out`` like x; ``mask_out`` like the mask."""
    _forward("dropout_forward", x, rate, out, mask_shape, mask_out)


def dropout_backward(dy: np.ndarray, mask: np.ndarray, rate: float,
                     out: np.ndarray | None = None) -> None:
    """A bool mask of δ's shape (or a noise shape); ``out`` like δ."""
    _backward("dropout_backward", dy, mask, rate, out)


def alpha_dropout_forward(x: np.ndarray, seed: int, step: int, rate: float,
                          out: np.ndarray | None = None, *, mask_shape: tuple | None = None,
                          mask_out: np.ndarray | None = None) -> None:
    """As :func:`dropout_forward`."""
    _forward("alpha_dropout_forward", x, rate, out, mask_shape, mask_out)


def alpha_dropout_backward(dy: np.ndarray, mask: np.ndarray, rate: float,
                           out: np.ndarray | None = None) -> None:
    """As :func:`dropout_backward`."""
    _backward("alpha_dropout_backward", dy, mask, rate, out)
