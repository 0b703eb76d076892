r"""Reference batch-normalization kernels (Ioffe & Szegedy 2015).

Input x is a 2-D batch of shape (N, C); statistics are per column (feature):

  μ = (1/N) Σ_i x_i,       σ² = (1/N) Σ_i (x_i − μ)²        (biased, like Keras)
  x̂ = (x − μ) / √(σ² + ε),  y = γ x̂ + β

Backward, in the compact closed form (δ = ∂L/∂y):

  ∂β = Σ_i δ_i,   ∂γ = Σ_i δ_i x̂_i,
  ∂x = (γ / (N √(σ² + ε))) · (N δ − ∂β − x̂ ∂γ)

Moving statistics (Keras): moving ← moving·m + batch·(1 − m).
Statistics are accumulated in float64 and returned in the dtype of x.

x̂ need not be stored between forward and backward: ``bn_forward_train(...,
keep_xhat=False)`` skips writing it (one array less to write, the largest
cost of this memory-bound kernel), and ``bn_backward(dy, x, ..., mean=μ)``
recomputes x̂ = (x − μ)·inv_std from the input in the same pass (PyTorch
does the same).
"""

from __future__ import annotations

import numpy as np

from .. import checks


def inverse_std(var: np.ndarray, eps: float) -> np.ndarray:
    """1/√(σ² + ε) per column, in float64 (every backend's batch norm uses it)."""
    return 1.0 / np.sqrt(np.asarray(var, np.float64) + eps)


def bn_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Per-column mean μ and biased variance σ² = mean((x − μ)²).

    Two passes (mean first, then squared deviations), so there is no
    E[x²] − E[x]² cancellation on data with a large mean.
    """
    checks.bn_stats(x)
    n = x.shape[0]
    if n == 0:
        nan = np.full(x.shape[1:], np.nan, dtype=x.dtype)
        return nan, nan.copy()
    mean = x.mean(axis=0, dtype=np.float64)
    dev = x - mean
    var = np.einsum("ij,ij->j", dev, dev) / n
    return mean.astype(x.dtype), var.astype(x.dtype)


def bn_forward_train(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float,
                     out: np.ndarray | None = None, *, xhat_out: np.ndarray | None = None,
                     keep_xhat: bool = True,
                     ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    r"""Training-mode forward: returns (y, x̂, μ, σ², 1/√(σ²+ε)).

    x̂ = (x − μ)/√(σ² + ε) with the batch statistics, y = γ x̂ + β.
    ``out`` / ``xhat_out`` are optional preallocated outputs for y and x̂;
    with ``keep_xhat=False`` x̂ is not kept and None is returned in its place.
    """
    checks.bn_forward_train(x, gamma, beta, eps, out, xhat_out=xhat_out, keep_xhat=keep_xhat)
    mean, var = bn_stats(x)
    inv_std = inverse_std(var, eps).astype(x.dtype)
    xhat = np.subtract(x, mean, out=xhat_out if keep_xhat else None)
    xhat *= inv_std
    y = np.multiply(xhat, gamma, out=out)
    y += beta
    return y, xhat if keep_xhat else None, mean, var, inv_std


def bn_forward_infer(x: np.ndarray, mean: np.ndarray, var: np.ndarray, gamma: np.ndarray,
                     beta: np.ndarray, eps: float, out: np.ndarray | None = None) -> np.ndarray:
    r"""Inference-mode forward with given (moving) statistics:
    y = γ (x − μ)/√(σ² + ε) + β."""
    checks.bn_forward_infer(x, mean, var, gamma, beta, eps, out)
    inv_std = inverse_std(var, eps).astype(x.dtype)
    y = np.subtract(x, mean, out=out)
    y *= gamma * inv_std
    y += beta
    return y


def bn_backward(dy: np.ndarray, xhat: np.ndarray, gamma: np.ndarray, inv_std: np.ndarray,
                *, dx_out: np.ndarray | None = None, mean: np.ndarray | None = None,
                need_dx: bool = True) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    r"""Return (∂x, ∂γ, ∂β) for δ = ∂L/∂y.

    ∂β = Σδ,  ∂γ = Σ δ x̂,  ∂x = (γ·inv_std/N)(N δ − ∂β − x̂ ∂γ).
    With ``mean`` = μ given, the second argument is the input x and
    x̂ = (x − μ)·inv_std is recomputed (the forward need not keep x̂).
    ``need_dx=False`` (a first layer: nothing below needs ∂x) returns None for ∂x.
    """
    checks.bn_backward(dy, xhat, gamma, inv_std, dx_out=dx_out, mean=mean, need_dx=need_dx)
    if mean is not None:
        xhat = np.subtract(xhat, mean)
        xhat *= inv_std
    n = dy.shape[0]
    dbeta = dy.sum(axis=0, dtype=np.float64)
    dgamma = np.einsum("ij,ij->j", dy.astype(np.float64), xhat)
    if not need_dx:
        return None, dgamma.astype(dy.dtype), dbeta.astype(dy.dtype)
    scale = (gamma * inv_std / max(n, 1)).astype(dy.dtype)
    dx = np.multiply(dy, n, out=dx_out)
    dx -= dbeta.astype(dy.dtype)
    dx -= xhat * dgamma.astype(dy.dtype)
    dx *= scale
    return dx, dgamma.astype(dy.dtype), dbeta.astype(dy.dtype)


def bn_moving_update(moving: np.ndarray, batch_value: np.ndarray, momentum: float) -> None:
    r"""In place: moving ← moving·m + batch·(1 − m)   (Keras' convention, m = 0.99)."""
    checks.bn_moving_update(moving, batch_value, momentum)
    moving *= momentum
    moving += batch_value * (1.0 - momentum)
