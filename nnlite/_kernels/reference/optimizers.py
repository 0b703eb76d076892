r"""Reference optimizer update kernels; each updates its arrays **in place**.

Notation (Géron): θ parameters, g = ∇_θ J, η learning rate, β momentum.
"""

from __future__ import annotations

import numpy as np


def sgd_update(param: np.ndarray, grad: np.ndarray, lr: float) -> None:
    r"""Plain gradient descent: θ ← θ − η g."""
    param -= lr * grad


def sgd_momentum_update(param: np.ndarray, grad: np.ndarray, velocity: np.ndarray,
                        lr: float, momentum: float, nesterov: bool) -> None:
    r"""Momentum (Keras form): m ← βm − ηg;  θ ← θ + m.

    Nesterov (as Keras computes it): m ← βm − ηg;  θ ← θ + βm − ηg.
    """
    velocity *= momentum
    velocity -= lr * grad
    if nesterov:
        param += momentum * velocity - lr * grad
    else:
        param += velocity
