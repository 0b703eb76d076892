r"""``SGD``: gradient descent, with optional momentum and Nesterov momentum.

Its equations: :class:`SGD`.
"""

from __future__ import annotations

from .. import _kernels as kernels
from .optimizer import Optimizer


class SGD(Optimizer):
    r"""Stochastic gradient descent (경사 하강법), with momentum and Nesterov momentum.

    Equations
    ---------
    With g the gradient of the loss with respect to a weight θ, η the learning
    rate and β = ``momentum``:

    .. math:: \theta \leftarrow \theta - \eta\, g \qquad \text{(plain)}

    .. math:: m \leftarrow \beta m - \eta\, g, \qquad \theta \leftarrow \theta + m
              \qquad \text{(momentum, 모멘텀 최적화)}

    .. math:: m \leftarrow \beta m - \eta\, g, \qquad \theta \leftarrow \theta + \beta m - \eta\, g
              \qquad \text{(Nesterov, 네스테로프 가속 경사; Keras' form)}

    The book writes Nesterov as m ← βm − η∇J(θ + βm); θ ← θ + m.  Keras stores
    the look-ahead point θ + βm instead of θ, so the gradient it receives is
    already taken there; rewriting the book's two lines for that point gives the
    third line (same trajectory, no second gradient evaluation).
    Keras defaults: η = 0.01, β = 0, ``nesterov=False``.

    Notes
    -----
    Slot: ``momentum`` (the velocity m), created only when momentum > 0.
    A :class:`~nnlite.optimizers.schedules.OneCycle` schedule with
    ``cycle_momentum=True`` cycles β (``momentum``) step by step.
    """

    _slot_names = ("momentum",)
    _momentum_attr = "momentum"

    def __init__(self, learning_rate=0.01, momentum: float = 0.0, nesterov: bool = False,
                 name: str = "SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1], got {momentum}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def update_step(self, var, grad, lr):
        if self.momentum == 0.0:
            kernels.sgd_update(var.value, grad, lr)
        else:
            velocity = self.slots(var)["momentum"]
            kernels.sgd_momentum_update(var.value, grad, velocity, lr, self.momentum,
                                        self.nesterov)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
