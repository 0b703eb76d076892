r"""``NNRegressor``: a scikit-learn regressor around an nnlite network (scikeras style).

>>> from nnlite.wrappers import NNRegressor
>>> reg = NNRegressor(optimizer="sgd", optimizer__learning_rate=1e-2, epochs=5,
...                   model__n_hidden=2, random_state=42)

Default network when ``model=None``: :func:`nnlite.wrappers.default_model.mlp`
with one linear output unit per target; default loss ``"mse"``:

.. math::  \mathcal{L} = \frac1n \sum_i (\hat y_i - y_i)^2

``score`` is scikit-learn's :math:`R^2 = 1 - \sum_i (y_i-\hat y_i)^2 / \sum_i (y_i-\bar y)^2`
(not the negative loss of the tf.keras ``KerasRegressor``).  One or several
targets (``y`` of shape ``(n,)`` or ``(n, k)``); ``predict`` returns the same
number of dimensions as the ``y`` given to ``fit``.  Parameters and routing:
:mod:`nnlite.wrappers.nn_base`.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.validation import validate_data

from .nn_base import BaseNN


class NNRegressor(RegressorMixin, BaseNN):
    """Regressor: ``fit`` / ``predict`` / ``score`` (R²); see the module docstring."""

    _default_loss = "mse"

    def fit(self, X, y, sample_weight=None, **kwargs) -> NNRegressor:
        """Train a fresh network on ``(X, y)``; extra keywords go to ``Model.fit``."""
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True,
                             dtype=("float64", "float32"))
        y = np.asarray(y, dtype=np.float64)
        self.y_ndim_ = y.ndim
        self.n_outputs_expected_ = 1 if y.ndim == 1 else y.shape[1]
        self.target_type_ = "continuous" if y.ndim == 1 else "continuous-multioutput"
        sample_weight = self._check_sample_weight(sample_weight, len(X))
        return self._fit_encoded(X, y, sample_weight, kwargs)

    def predict(self, X, **kwargs) -> np.ndarray:
        """Predictions, shape ``(n,)`` (or ``(n, k)`` if fitted on ``k`` targets)."""
        out = self._predict_raw(X, **kwargs)
        if self.y_ndim_ == 1 and out.ndim == 2 and out.shape[1] == 1:
            return out[:, 0]
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
