r"""Rosenblatt's perceptron learning rule, as a learner writes it first.

One threshold logic unit (TLU): the net input :math:`z = \mathbf w^\top\mathbf x + b`,
the prediction :math:`\hat y = H(z)` (Heaviside step), and after each sample
the rule of Géron's Equation 10-3,

.. math::

    \mathbf w \leftarrow \mathbf w + \eta\,(y - \hat y)\,\mathbf x, \qquad
    b \leftarrow b + \eta\,(y - \hat y),

with targets :math:`y \in \{0, 1\}`.  A right prediction changes nothing
(:math:`y - \hat y = 0`); a wrong one adds or subtracts the sample.

:class:`nnlite.perceptron.Perceptron` is the same rule grown into a
scikit-learn classifier (shuffling, stopping rules, penalties, one-vs-all).

>>> import numpy as np
>>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
>>> w, b = train_perceptron(X, np.array([0, 0, 0, 1]), epochs=10)  # AND
>>> heaviside(X @ w + b)
array([0, 0, 0, 1])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["heaviside", "perceptron_update", "train_perceptron"]


def heaviside(z: ArrayLike) -> np.ndarray:
    """Heaviside step function used as the perceptron's activation.

    Parameters
    ----------
    z : array-like
        Net input ``w · x + b``.

    Returns
    -------
    ndarray of int
        ``1`` where ``z > 0`` and ``0`` elsewhere.  A point exactly on the
        decision boundary (``z == 0``) gets ``0``: this is scikit-learn's
        convention (``decision_function(X) > 0`` selects the positive class).
    """
    return (np.asarray(z) > 0).astype(int)


def perceptron_update(w: np.ndarray, b: float, x: np.ndarray, y: int,
                      eta: float = 1.0) -> tuple[np.ndarray, float]:
    """One step of the rule on one sample ``(x, y)``: returns the new ``(w, b)``."""
    y_hat = heaviside(np.dot(w, x) + b)
    w = w + eta * (y - y_hat) * x
    b = b + eta * (y - y_hat)
    return w, float(b)


def train_perceptron(X: ArrayLike, y: ArrayLike, eta: float = 1.0,
                     epochs: int = 10) -> tuple[np.ndarray, float]:
    """Visit the samples in order, ``epochs`` times, starting from ``w = 0, b = 0``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Targets, 0 or 1.
    eta : float, default=1.0
        The learning rate ``η``.
    epochs : int, default=10
        Passes over the data.

    Returns
    -------
    w : ndarray of shape (n_features,)
    b : float
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (len(X),):
        raise ValueError(f"train_perceptron: expected X of shape (n, d) and y of shape (n,); "
                         f"got X {X.shape} and y {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"train_perceptron: targets must be 0 or 1; got {np.unique(y)[:5]}")
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        for x_i, y_i in zip(X, y):
            w, b = perceptron_update(w, b, x_i, y_i, eta)
    return w, b
