"""Argument checks of the PReLU, general-ReLU and RReLU kernels (any shape).

δ and the outputs have x's shape; PReLU's slopes α broadcast to x's shape
without growing it (e.g. x.shape[1:], or 1 along the shared axes).
"""

from __future__ import annotations

import numpy as np

from .common import broadcasts_into, out_shape, same_shape


def _elementwise(kernel: str, x: np.ndarray, dy: np.ndarray | None,
                 out: np.ndarray | None, out_name: str = "out") -> None:
    if dy is not None:
        same_shape(kernel, "dy", dy, "x", x)
    out_shape(kernel, out_name, out, x.shape, "the shape of x")


def prelu_forward(x: np.ndarray, alpha: np.ndarray, out: np.ndarray | None = None) -> None:
    """α broadcasts to x; ``out`` like x."""
    broadcasts_into("prelu_forward", "alpha", np.shape(alpha), "x", x.shape)
    _elementwise("prelu_forward", x, None, out)


def prelu_backward(x: np.ndarray, alpha: np.ndarray, dy: np.ndarray, *, need_dx: bool = True,
                   dx_out: np.ndarray | None = None) -> None:
    """α broadcasts to x; δ and ``dx_out`` like x."""
    broadcasts_into("prelu_backward", "alpha", np.shape(alpha), "x", x.shape)
    _elementwise("prelu_backward", x, dy, dx_out, "dx_out")


def relu_general_forward(x: np.ndarray, max_value: float | None, negative_slope: float,
                         threshold: float, out: np.ndarray | None = None) -> None:
    """``out`` like x."""
    _elementwise("relu_general_forward", x, None, out)


def relu_general_backward(x: np.ndarray, dy: np.ndarray, max_value: float | None,
                          negative_slope: float, threshold: float,
                          out: np.ndarray | None = None) -> None:
    """δ and ``out`` like x."""
    _elementwise("relu_general_backward", x, dy, out)


def rrelu_forward(x: np.ndarray, seed: int, step: int, lower: float, upper: float,
                  out: np.ndarray | None = None) -> None:
    """``out`` like x."""
    _elementwise("rrelu_forward", x, None, out)


def rrelu_backward(x: np.ndarray, dy: np.ndarray, seed: int, step: int, lower: float,
                   upper: float, out: np.ndarray | None = None) -> None:
    """δ and ``out`` like x."""
    _elementwise("rrelu_backward", x, dy, out)
