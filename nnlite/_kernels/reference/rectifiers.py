r"""Reference kernels of the ReLU variants with parameters: PReLU, the general
ReLU (cap, leak, threshold) and RReLU.

Unlike the fused activation kernels (``activations.py``), which read φ' from
the output a, these backward kernels take the *input* x: a capped ReLU maps
many inputs to the same output, and the PReLU/RReLU slopes multiply x.

The equations: :class:`nnlite.layers.PReLU` (learned slopes α, broadcast
against x), :class:`nnlite.layers.ReLU` (Keras' general ReLU with
max_value, negative_slope and threshold; ``ThresholdedReLU(θ)`` is the case
of no cap, slope 0, threshold θ) and :class:`nnlite.layers.RReLU`.  The code
below reads like them.

RReLU while training draws a random slope per element from the
counter-based SplitMix64 uniforms of the dropout kernels (``dropout.py``), in
float64 and then rounded to the dtype of x, so every backend draws the same
slopes bit for bit (element i: its flat C-order index).  The backward kernel draws the
same slopes again from (seed, step), so nothing but x is kept between the
passes.  (At inference RReLU is a leaky ReLU with the mean slope (l + u)/2:
the ``leaky_relu`` activation kernel.)
"""

from __future__ import annotations

import math

import numpy as np

from .. import checks
from .dropout import dropout_uniform


def _result(shape: tuple[int, ...], dtype: np.dtype, out: np.ndarray | None) -> np.ndarray:
    return np.empty(shape, dtype=dtype) if out is None else out


def sum_to_shape(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Σ of g (float64) over the axes that broadcasting ``shape`` to g.shape added or stretched."""
    lead = g.ndim - len(shape)
    stretched = tuple(lead + i for i, d in enumerate(shape) if d == 1 and g.shape[lead + i] != 1)
    return g.sum(axis=tuple(range(lead)) + stretched, dtype=np.float64).reshape(shape)


def prelu_forward(x: np.ndarray, alpha: np.ndarray, out: np.ndarray | None = None
                  ) -> np.ndarray:
    r"""y = x if x > 0 else α ⊙ x (α broadcast against x, e.g. shape x.shape[1:])."""
    checks.prelu_forward(x, alpha, out)
    alpha = np.asarray(alpha, dtype=x.dtype)
    out = _result(x.shape, x.dtype, out)
    out[...] = np.where(x > 0, x, alpha * x)
    return out


def prelu_backward(x: np.ndarray, alpha: np.ndarray, dy: np.ndarray, *, need_dx: bool = True,
                   dx_out: np.ndarray | None = None) -> tuple[np.ndarray | None, np.ndarray]:
    r"""(∂x, ∂α): ∂x = δ ⊙ (1 if x > 0 else α), ∂α = Σ δ ⊙ min(x, 0) to α's shape.

    The sum runs (in float64) over the axes along which α was broadcast: the
    batch axis and the shared axes.  ``need_dx=False``: ∂x is None.
    """
    checks.prelu_backward(x, alpha, dy, need_dx=need_dx, dx_out=dx_out)
    alpha = np.asarray(alpha, dtype=x.dtype)
    dalpha = sum_to_shape(dy * np.minimum(x, 0), alpha.shape).astype(x.dtype)
    if not need_dx:
        return None, dalpha
    dx = _result(dy.shape, dy.dtype, dx_out)
    dx[...] = dy * np.where(x > 0, x.dtype.type(1), alpha)
    return dx, dalpha


def relu_general_forward(x: np.ndarray, max_value: float | None, negative_slope: float,
                         threshold: float, out: np.ndarray | None = None) -> np.ndarray:
    r"""y = min(x, M) if x > t else s·(x − t)  (M = ``max_value``, None: no cap)."""
    checks.relu_general_forward(x, max_value, negative_slope, threshold, out)
    t, s = x.dtype.type(threshold), x.dtype.type(negative_slope)
    upper = x if max_value is None else np.minimum(x, x.dtype.type(max_value))
    out = _result(x.shape, x.dtype, out)
    out[...] = np.where(x > t, upper, s * (x - t))
    return out


def relu_general_backward(x: np.ndarray, dy: np.ndarray, max_value: float | None,
                          negative_slope: float, threshold: float,
                          out: np.ndarray | None = None) -> np.ndarray:
    r"""∂x = δ·f'(x): 0 where t < x and x ≥ M, 1 where t < x < M, s where x ≤ t."""
    checks.relu_general_backward(x, dy, max_value, negative_slope, threshold, out)
    t, s = x.dtype.type(threshold), x.dtype.type(negative_slope)
    above = x > t
    slope = np.where(above, x.dtype.type(1), s)
    if max_value is not None:  # the cap binds only above the threshold
        slope[above & (x >= x.dtype.type(max_value))] = 0
    out = _result(dy.shape, dy.dtype, out)
    out[...] = dy * slope
    return out


def rrelu_slopes(shape: tuple[int, ...], seed: int, step: int, lower: float, upper: float,
                 dtype: np.dtype) -> np.ndarray:
    """a = lower + (upper − lower)·u from the dropout uniforms of (seed, step), in ``dtype``."""
    u = dropout_uniform(math.prod(shape), seed, step)
    return (lower + (upper - lower) * u).reshape(shape).astype(dtype)


def rrelu_forward(x: np.ndarray, seed: int, step: int, lower: float, upper: float,
                  out: np.ndarray | None = None) -> np.ndarray:
    r"""Training RReLU: y = x if x ≥ 0 else a ⊙ x, a ~ U(lower, upper) per element."""
    checks.rrelu_forward(x, seed, step, lower, upper, out)
    a = rrelu_slopes(x.shape, seed, step, lower, upper, x.dtype)
    out = _result(x.shape, x.dtype, out)
    out[...] = np.where(x >= 0, x, a * x)
    return out


def rrelu_backward(x: np.ndarray, dy: np.ndarray, seed: int, step: int, lower: float,
                   upper: float, out: np.ndarray | None = None) -> np.ndarray:
    r"""∂x = δ if x ≥ 0 else a ⊙ δ, with the slopes a of the forward pass (same seed, step)."""
    checks.rrelu_backward(x, dy, seed, step, lower, upper, out)
    a = rrelu_slopes(x.shape, seed, step, lower, upper, x.dtype)
    out = _result(dy.shape, dy.dtype, out)
    out[...] = np.where(x >= 0, dy, a * dy)
    return out
