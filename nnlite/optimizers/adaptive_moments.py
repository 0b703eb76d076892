"""What Adam, Adamax and Nadam share: the decay rates β₁, β₂ of their moving averages and ε.

Each optimizer's equations are in its own class (:class:`~nnlite.optimizers.Adam`,
:class:`~nnlite.optimizers.Adamax`, :class:`~nnlite.optimizers.Nadam`).
"""

from __future__ import annotations

from .optimizer import Optimizer


class AdaptiveMoments(Optimizer):
    """Base of the Adam family: checks and keeps β₁, β₂ (in [0, 1)) and ε; β₁ is the momentum."""

    _momentum_attr = "beta_1"

    def __init__(self, learning_rate, beta_1: float, beta_2: float, epsilon: float, name: str,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        for arg, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0.0 <= value < 1.0:
                raise ValueError(f"{type(self).__name__}: {arg} must be in [0, 1), got {value}")
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
