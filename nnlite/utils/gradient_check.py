r"""``check_gradients``: backprop against central differences, per weight tensor.

For every trainable weight tensor θ of a compiled model the analytic gradient
g = ∂L/∂θ (:meth:`Model.compute_gradients`) is compared with the numerical one
(:func:`numerical_gradient`, which the tests use for layers, activations and
losses too)

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
dropout does (its mask depends on a seed and a step counter, which
``compute_gradients`` leaves unchanged), but pass ``training=False`` to leave
them out altogether.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .. import backend

__all__ = ["check_gradients", "GradientCheckResult", "numerical_gradient"]


def numerical_gradient(f: Callable[[], float], array: np.ndarray, h: float = 1e-5,
                       indices: Sequence[int] | None = None) -> np.ndarray:
    r"""∂f/∂array by central differences, :math:`(f(a + h e_i) - f(a - h e_i)) / 2h`.

    ``f`` takes no argument and reads ``array``, which is perturbed in place,
    one entry at a time, and put back.  Returns a float64 array of
    ``array``'s shape, or, with ``indices`` (flat positions), the entries at
    those positions only.  The error is O(h²); in float64, h = 1e-5 or 1e-6
    gives about 10 correct digits.

    >>> w = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda: float(np.sum(w ** 2)), w).round(6)
    array([2., 4.])
    """
    flat = array.reshape(-1)
    if flat.size and not np.shares_memory(flat, array):
        raise ValueError("numerical_gradient: array must be contiguous (it is perturbed in "
                         "place through a flat view)")
    positions = range(flat.size) if indices is None else indices
    grad = np.empty(len(positions))
    for k, i in enumerate(positions):
        old = flat[i]
        flat[i] = old + h
        plus = f()
        flat[i] = old - h
        minus = f()
        flat[i] = old
        grad[k] = (plus - minus) / (2 * h)
    return grad.reshape(array.shape) if indices is None else grad


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
        return self

    def __exit__(self, *exc):
        for v, value, grad in self.saved:
            v.value, v.grad = value, grad
        backend.set_floatx(self.saved_floatx)
        return False


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
    rng = np.random.default_rng(seed)
    result = GradientCheckResult()
    with _Float64Weights(model):
        _, grads = model.compute_gradients(x, y, sample_weight, training)
        if not grads:
            raise ValueError(f"check_gradients: model {model.name!r} has no trainable weights")

        def loss() -> float:
            return model.compute_gradients(x, y, sample_weight, training)[0]

        for v, grad in zip(model.trainable_variables, grads):
            idx = _entries(v.size, max_entries, rng)
            numerical = numerical_gradient(loss, v.value, epsilon, idx)
            result.analytic[v.name], result.numerical[v.name] = grad.reshape(-1)[idx], numerical
            result[v.name] = _relative_error(result.analytic[v.name], numerical)
    return result
