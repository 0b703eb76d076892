r"""``RReLU``: randomized leaky ReLU (Xu et al. 2015); equations: :class:`RReLU`."""

from __future__ import annotations

from .. import _kernels as kernels
from .sloped_activation import check_slope
from .stochastic import StochasticLayer


class RReLU(StochasticLayer):
    r"""Leaky ReLU with a random slope in [lower, upper] while training.

    Equations
    ---------
    While training every negative input gets its own random slope, drawn anew
    each step; at test time the mean slope is used (l = ``lower``, u = ``upper``):

    .. math:: a = \begin{cases} x & x \ge 0 \\ \alpha\, x & x < 0 \end{cases}, \qquad
              \alpha \sim U(l, u) \text{ (training)}, \quad
              \alpha = \frac{l + u}{2} \text{ (inference)}

    .. math:: \frac{\partial L}{\partial x} = \delta \odot
              \begin{cases} 1 & x \ge 0 \\ \alpha & x < 0 \end{cases}

    Notes
    -----
    The slopes come from the counter-based generator (seed, step, element), like
    dropout masks: the ``rrelu_forward`` kernel draws them, and ``rrelu_backward``
    draws the same ones again from (seed, step), so only x is kept.  Not part of
    Keras; defaults as in the paper and PyTorch: ``lower=1/8``, ``upper=1/3``.
    """

    def __init__(self, lower: float = 1.0 / 8.0, upper: float = 1.0 / 3.0,
                 seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        where = f'RReLU layer "{self.name}"'
        self.lower = check_slope(where, "lower", lower)
        self.upper = check_slope(where, "upper", upper)
        if self.upper < self.lower:
            raise ValueError(f"{where}: need lower <= upper, got lower={lower!r}, "
                             f"upper={upper!r}")

    @property
    def mean_slope(self) -> float:
        """(lower + upper) / 2, the slope used at inference."""
        return 0.5 * (self.lower + self.upper)

    def _forward(self, x, training: bool):
        if not training or self.lower == self.upper:
            a = kernels.activation_forward(x, "leaky_relu", self.mean_slope)
            self._cache = ("fixed", a)
            return a
        step = self.next_step()
        self._cache = ("random", (x, step))
        return kernels.rrelu_forward(x, self.rng_seed, step, self.lower, self.upper)

    def backward(self, grad_output):
        if not self.need_input_grad:
            return None
        kind, saved = self._cache
        if kind == "fixed":
            return kernels.activation_backward(saved, grad_output, "leaky_relu",
                                               self.mean_slope)
        x, step = saved
        return kernels.rrelu_backward(x, grad_output, self.rng_seed, step, self.lower,
                                      self.upper)

    def get_config(self) -> dict:
        return {**super().get_config(), "lower": self.lower, "upper": self.upper}
