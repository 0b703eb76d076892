r"""Precision and Recall at one or several thresholds, over all samples seen.

.. math:: \mathrm{precision}(t) = \frac{TP(t)}{TP(t) + FP(t)}, \qquad
          \mathrm{recall}(t) = \frac{TP(t)}{TP(t) + FN(t)}

with the weighted counts of :mod:`nnlite.metrics.confusion` (ŷ > t is a
positive prediction; 0 when the denominator is 0).  Every element of
``y_pred`` is one prediction against the label in the same place of
``y_true``: for a binary classifier that is one probability per sample;
for class probabilities use one-hot labels with ``class_id=`` (one class
against the rest) or ``top_k=`` (a class counts as predicted when it is
among the row's k highest scores).

Keras defaults: ``thresholds=0.5`` unless ``top_k`` is given (then every
top-k prediction is positive); the name is automatic (``precision``,
``precision_1`` …); a single threshold gives a float, several an array.
"""

from __future__ import annotations

import numpy as np

from .base import Metric, divide_no_nan
from .confusion import (
    NEG_INF,
    confusion_counts,
    evenly_spaced,
    parse_thresholds,
    thresholds_config,
)


class _ThresholdMetric(Metric):
    """TP, FP and FN at each threshold, with Keras' ``top_k`` and ``class_id``."""

    def __init__(self, thresholds=None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype=None):
        self.init_thresholds = thresholds_config(thresholds)
        self.top_k, self.class_id = top_k, class_id
        self.thresholds = parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        self._evenly = evenly_spaced(self.thresholds)
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self) -> None:
        n = len(self.thresholds)
        self.true_positives, self.false_positives, self.false_negatives = (
            np.zeros(n), np.zeros(n), np.zeros(n))

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        counts = confusion_counts(y_true, y_pred, self.thresholds, sample_weight=sample_weight,
                                  top_k=self.top_k, class_id=self.class_id,
                                  evenly=self._evenly)
        self.true_positives += counts.tp
        self.false_positives += counts.fp
        self.false_negatives += counts.fn

    def _per_threshold(self, values: np.ndarray) -> float | np.ndarray:
        return float(values[0]) if len(self.thresholds) == 1 else values

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_ThresholdMetric):
    """TP / (TP + FP): of the predicted positives, the fraction that are positive.

    Parameters
    ----------
    thresholds : float or list of float, optional
        In [0, 1]; ŷ > t is a positive prediction.  Default 0.5 (none with ``top_k``).
    top_k : int, optional
        Only each row's k highest predictions can be positive.
    class_id : int, optional
        The column (class) to measure, against all others.
    name, dtype : optional
    """

    def result(self) -> float | np.ndarray:
        return self._per_threshold(divide_no_nan(self.true_positives,
                                                 self.true_positives + self.false_positives))


class Recall(_ThresholdMetric):
    """TP / (TP + FN): of the actual positives, the fraction predicted positive.

    Parameters as :class:`Precision`.
    """

    def result(self) -> float | np.ndarray:
        return self._per_threshold(divide_no_nan(self.true_positives,
                                                 self.true_positives + self.false_negatives))
