r"""``check_gradients``: backprop against central differences, per weight tensor.

For every trainable weight tensor θ of a compiled model the analytic gradient
g = ∂L/∂θ from ``backward`` is compared with the numerical one

.. math:: \tilde g_i = \frac{L(\theta + h e_i) - L(\theta - h e_i)}{2h}

(central differences, error O(h²)), and the relative error

.. math:: \mathrm{err} = \frac{\lVert g - \tilde g\rVert}
          {\max(\lVert g\rVert + \lVert\tilde g\rVert, 10^{-12})}

is reported.  L is the full training loss of the batch: the compiled loss,
weight penalties and activity regularizers, in training mode.  The check
runs in float64 on a float64 copy of the weights (``backend.floatx`` is set
to ``"float64"`` meanwhile), so errors below ~1e-6 mean the backward pass is
right; the model's own weights and dtype are left untouched.

Stochastic layers must draw the same mask in every evaluation; nnlite's
dropout does (its mask depends on a seed and a step counter that the check
resets), but pass ``training=False`` to leave them out altogether.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..layers.stochastic import noise_steps, restore_noise_steps

__all__ = ["check_gradients", "GradientCheckResult"]


class GradientCheckResult(dict):
    """``{weight name: relative error}`` plus the gradients compared.

    ``analytic[name]`` and ``numerical[name]`` hold the checked entries
    (flattened); ``max_error`` is the largest relative error.
    """

    def __init__(self):
        super().__init__()
        self.analytic: dict[str, np.ndarray] = {}
        self.numerical: dict[str, np.ndarray] = {}

    @property
    def max_error(self) -> float:
        return max(self.values(), default=0.0)

    def passed(self, tol: float = 1e-6) -> bool:
        """True when every relative error is below ``tol``."""
        return self.max_error < tol

    def __str__(self) -> str:
        width = max((len(k) for k in self), default=6) + 2
        lines = [f"{'weight':<{width}}{'entries':>8}{'relative error':>16}"]
        for name, err in self.items():
            lines.append(f"{name:<{width}}{len(self.analytic[name]):>8}{err:>16.3e}")
        return "\n".join(lines)


def _relative_error(a: np.ndarray, b: np.ndarray) -> float:
    num = float(np.linalg.norm(a - b))
    return num / max(float(np.linalg.norm(a)) + float(np.linalg.norm(b)), 1e-12)


class _Float64Weights:
    """Swap every weight of the model for a float64 copy; restore on exit."""

    def __init__(self, model):
        self.model = model

    def __enter__(self):
        self.saved_floatx = backend.floatx()
        self.saved = [(v, v.value, v.grad) for v in self.model.weights]
        backend.set_floatx("float64")
        for v, value, _ in self.saved:
            v.value = value.astype(np.float64)
            v.grad = np.zeros_like(v.value)
        self.rng_state = noise_steps(self.model)
        return self

    def __exit__(self, *exc):
        for v, value, grad in self.saved:
            v.value, v.grad = value, grad
        backend.set_floatx(self.saved_floatx)
        restore_noise_steps(self.rng_state)
        return False


def _loss(model, xs, ys, sw, training: bool, counters: list):
    restore_noise_steps(counters)
    outs = model.forward(xs, training=training)
    total, _, grads = model._loss_and_grads(ys, outs, sw)
    return total + model._penalty(), outs, grads


def _analytic(model, xs, ys, sw, training, counters, variables) -> float:
    loss, outs, grads = _loss(model, xs, ys, sw, training, counters)
    for v in variables:
        v.grad[...] = 0.0
    model.backward(grads, model._fused)
    for v in variables:
        if v.regularizer is not None:
            v.grad += v.regularizer.gradient(v.value)
    return loss


def _entries(size: int, max_entries: int | None, rng: np.random.Generator) -> np.ndarray:
    if max_entries is None or size <= max_entries:
        return np.arange(size)
    return np.sort(rng.choice(size, max_entries, replace=False))


def check_gradients(model, x, y, epsilon: float = 1e-5, max_entries: int | None = 50,
                    training: bool = True, sample_weight=None,
                    seed: int = 0) -> GradientCheckResult:
    """Relative error between backprop and central differences, per weight tensor.

    Parameters
    ----------
    model : a compiled model (the loss is the compiled one).
    x, y : one batch (keep it small: each checked entry costs two forward passes).
    epsilon : the step h of the central difference (float64: 1e-5 is a good choice).
    max_entries : at most this many entries per tensor, drawn at random
        (``None`` checks them all).
    training : evaluate the loss in training mode (batch statistics for BN).
    sample_weight : optional per-sample weights.
    seed : seed of the entry sampling.

    Returns
    -------
    GradientCheckResult
        A dict ``{weight name: relative error}`` (``str()`` gives a table).
    """
    if not epsilon > 0:
        raise ValueError(f"check_gradients: epsilon must be > 0, got {epsilon!r}")
    model._require_compiled("checking gradients (check_gradients)")
    rng = np.random.default_rng(seed)
    result = GradientCheckResult()
    with _Float64Weights(model) as state:
        xs = model._prepare_x(x, "check_gradients")
        ys = model._prepare_y(y, xs, "check_gradients")
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        variables = model._train_vars
        if not variables:
            raise ValueError(f"check_gradients: model {model.name!r} has no trainable weights")
        _analytic(model, xs, ys, sw, training, state.rng_state, variables)
        for v in variables:
            flat, grad = v.value.reshape(-1), v.grad.reshape(-1).copy()
            idx = _entries(flat.size, max_entries, rng)
            numerical = np.empty(len(idx))
            for k, i in enumerate(idx):
                old = flat[i]
                flat[i] = old + epsilon
                plus = _loss(model, xs, ys, sw, training, state.rng_state)[0]
                flat[i] = old - epsilon
                minus = _loss(model, xs, ys, sw, training, state.rng_state)[0]
                flat[i] = old
                numerical[k] = (plus - minus) / (2 * epsilon)
            result.analytic[v.name], result.numerical[v.name] = grad[idx], numerical
            result[v.name] = _relative_error(grad[idx], numerical)
    return result
