"""Rosenblatt's perceptron (Géron, ch. 10), in two rungs.

* :mod:`~nnlite.perceptron.rule` — the learning rule as a learner writes it
  first: :func:`heaviside`, :func:`perceptron_update`, :func:`train_perceptron`.
* :mod:`~nnlite.perceptron.estimator` — the same rule as a scikit-learn
  classifier, :class:`Perceptron`, which agrees with
  :class:`sklearn.linear_model.Perceptron` number for number.
"""

from .estimator import Perceptron
from .rule import heaviside, perceptron_update, train_perceptron

__all__ = ["Perceptron", "heaviside", "perceptron_update", "train_perceptron"]
