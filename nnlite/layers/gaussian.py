r"""``GaussianNoise`` and ``GaussianDropout``: Gaussian noise while training.

Both are the identity at inference.  z comes from the counter-based uniforms
through the Box–Muller transform (see :class:`nnlite.layers.StochasticLayer`),
so the noise depends only on (seed, step, element).
"""

from __future__ import annotations

import math

from .stochastic import StochasticLayer, check_rate, standard_normal


class GaussianNoise(StochasticLayer):
    r"""Adds N(0, stddev²) noise to every input while training (a regularizer).

    Equations
    ---------
    With σ = ``stddev``; at inference a = x:

    .. math:: a = x + \sigma z, \quad z \sim \mathcal N(0, 1), \qquad
              \frac{\partial L}{\partial x} = \delta

    Notes
    -----
    Keras defaults: ``GaussianNoise(stddev, seed=None)``.
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        try:
            stddev = float(stddev)
        except (TypeError, ValueError):
            stddev = float("nan")
        if not stddev >= 0 or math.isinf(stddev):
            raise ValueError(f'GaussianNoise layer "{self.name}": stddev must be a finite '
                             f"number >= 0, got {stddev!r}")
        self.stddev = stddev

    def _forward(self, x, training: bool):
        if not training or self.stddev == 0.0:
            return x
        z = standard_normal(x.shape, self.rng_seed, self.next_step(), x.dtype)
        return x + x.dtype.type(self.stddev) * z

    def backward(self, grad_output):
        return grad_output if self.need_input_grad else None

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev}


class GaussianDropout(StochasticLayer):
    r"""Multiplies every input by N(1, rate/(1 − rate)) noise while training.

    Equations
    ---------
    Same mean and variance as dropout of rate p but with no unit fully dropped
    (Srivastava et al. 2014 §10); at inference a = x:

    .. math:: a = x \odot \varepsilon, \quad
              \varepsilon \sim \mathcal N\!\Bigl(1, \frac{p}{1-p}\Bigr), \qquad
              \frac{\partial L}{\partial x} = \varepsilon \odot \delta

    Notes
    -----
    Keras defaults: ``GaussianDropout(rate, seed=None)`` with ``rate`` in [0, 1).
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = check_rate(f'GaussianDropout layer "{self.name}"', rate)

    def _forward(self, x, training: bool):
        if not training or self.rate == 0.0:
            self._cache = None
            return x
        sigma = math.sqrt(self.rate / (1.0 - self.rate))
        eps = standard_normal(x.shape, self.rng_seed, self.next_step(), x.dtype)
        eps *= x.dtype.type(sigma)
        eps += x.dtype.type(1.0)
        self._cache = eps
        return x * eps

    def backward(self, grad_output):
        if not self.need_input_grad:
            return None
        return grad_output if self._cache is None else grad_output * self._cache

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate}
