"""Argument checks of the batch-norm kernels: x is (N, C), statistics one per column."""

from __future__ import annotations

import numpy as np

from .common import floats, matrix, out_shape, per_column, same_shape

_LAYOUT = "(N, C): reshape other inputs to rows of C features first"


def bn_stats(x: np.ndarray) -> None:
    """x is 2-D."""
    matrix("bn_stats", "x", x, _LAYOUT)


def bn_forward_train(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float,
                     out: np.ndarray | None = None, *, xhat_out: np.ndarray | None = None,
                     keep_xhat: bool = True) -> None:
    """x (N, C); γ, β (C,); ``out`` and ``xhat_out`` like x."""
    kernel = "bn_forward_train"
    matrix(kernel, "x", x, _LAYOUT)
    per_column(kernel, "gamma", gamma, "x", x)
    per_column(kernel, "beta", beta, "x", x)
    out_shape(kernel, "out", out, x.shape, "the shape of x")
    out_shape(kernel, "xhat_out", xhat_out, x.shape, "the shape of x")


def bn_forward_infer(x: np.ndarray, mean: np.ndarray, var: np.ndarray, gamma: np.ndarray,
                     beta: np.ndarray, eps: float, out: np.ndarray | None = None) -> None:
    """x (N, C); μ, σ², γ, β (C,); ``out`` like x."""
    kernel = "bn_forward_infer"
    matrix(kernel, "x", x, _LAYOUT)
    for name, v in (("mean", mean), ("var", var), ("gamma", gamma), ("beta", beta)):
        per_column(kernel, name, v, "x", x)
    out_shape(kernel, "out", out, x.shape, "the shape of x")


def bn_backward(dy: np.ndarray, xhat: np.ndarray, gamma: np.ndarray, inv_std: np.ndarray,
                *, dx_out: np.ndarray | None = None, mean: np.ndarray | None = None,
                need_dx: bool = True) -> None:
    """δ (N, C); x̂ (or x) like δ; γ, inv_std and μ (C,); ``dx_out`` like δ."""
    kernel = "bn_backward"
    matrix(kernel, "dy", dy, _LAYOUT)
    same_shape(kernel, "xhat", xhat, "dy", dy)
    per_column(kernel, "gamma", gamma, "dy", dy)
    per_column(kernel, "inv_std", inv_std, "dy", dy)
    if mean is not None:
        per_column(kernel, "mean", mean, "dy", dy)
    out_shape(kernel, "dx_out", dx_out, dy.shape, "the shape of dy")


def bn_moving_update(moving: np.ndarray, batch_value: np.ndarray, momentum: float) -> None:
    """The batch statistic has the moving statistic's shape; both float."""
    floats("bn_moving_update", "moving", moving)
    same_shape("bn_moving_update", "batch_value", batch_value, "moving", moving)
