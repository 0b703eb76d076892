r"""``NNClassifier``: a scikit-learn classifier around an nnlite network (scikeras style).

>>> from nnlite.wrappers import NNClassifier
>>> clf = NNClassifier(optimizer="sgd", optimizer__learning_rate=0.1, epochs=10,
...                    random_state=42)

Labels may be any sortable values: they are encoded to ``0 … K−1`` by
their sorted order (``classes_``).  Default network when ``model=None``:
:func:`nnlite.wrappers.default_model.mlp` with ``K`` softmax units.

The loss, when ``loss=None``, follows the network's output:

* ``K`` softmax units → ``sparse_categorical_crossentropy``,
  :math:`\mathcal{L} = -\frac1n\sum_i \log p_{i,y_i}`;
* one sigmoid unit → ``binary_crossentropy``,
  :math:`\mathcal{L} = -\frac1n\sum_i [y_i\log p_i + (1-y_i)\log(1-p_i)]`.

With ``loss="categorical_crossentropy"`` the targets are one-hot encoded
for you.  ``predict_proba`` returns ``(n, K)`` probabilities (``[1−p, p]``
for a sigmoid unit), ``predict`` the most probable label and ``score``
the accuracy.  Parameters and routing: :mod:`nnlite.wrappers.nn_base`.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d, validate_data

from ._common import loss_name, to_categorical
from .nn_base import BaseNN


class NNClassifier(ClassifierMixin, BaseNN):
    """Classifier: ``fit`` / ``predict`` / ``predict_proba`` / ``score`` (accuracy)."""

    def fit(self, X, y, sample_weight=None, **kwargs) -> NNClassifier:
        """Encode the labels (``classes_``) and train a fresh network on ``(X, y)``."""
        X, y = validate_data(self, X, y, dtype=("float64", "float32"))
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self.target_type_ = type_of_target(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        self.n_outputs_expected_ = 1
        sample_weight = self._check_sample_weight(sample_weight, len(X))
        return self._fit_encoded(X, encoded.astype(np.int64), sample_weight, kwargs)

    def _auto_loss(self, model) -> str:
        units = model.output_shape[-1]
        return "binary_crossentropy" if units == 1 and self.n_classes_ == 2 \
            else "sparse_categorical_crossentropy"

    def _encode_for_loss(self, y: np.ndarray) -> np.ndarray:
        name = loss_name(self.model_)
        if name == "categorical_crossentropy":
            return to_categorical(y, self.n_classes_)
        if name == "binary_crossentropy":
            return y.astype(np.float32)
        return y

    def predict_proba(self, X, **kwargs) -> np.ndarray:
        """Class probabilities, shape ``(n, K)`` in the order of ``classes_``."""
        probs = self._predict_raw(X, **kwargs)
        if self.n_classes_ == 2 and (probs.ndim == 1 or probs.shape[1] == 1):
            p = probs.reshape(-1, 1)
            probs = np.hstack([1.0 - p, p])
        return probs

    def predict(self, X, **kwargs) -> np.ndarray:
        """The most probable label of each sample, shape ``(n,)``."""
        index = self.predict_proba(X, **kwargs).argmax(axis=1)
        return self.classes_[index]
