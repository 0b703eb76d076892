r"""Confusion counts at thresholds: the statistics behind Precision, Recall and AUC.

For every prediction ŷ (each element of ``y_pred``, flattened unless
``multi_label``) with label y and weight w, at each threshold t:

* predicted positive ⇔ ŷ > t (strictly), actual positive ⇔ y ≠ 0;
* TP(t) = Σ w·[y ≠ 0]·[ŷ > t],   FP(t) = Σ w·[y = 0]·[ŷ > t],
  FN(t) = Σ w·[y ≠ 0] − TP(t),   TN(t) = Σ w·[y = 0] − FP(t).

Evenly spaced thresholds (``i / (T − 1)``, as AUC's) are counted the way Keras
counts them, in one pass: each prediction falls in bucket
``ceil(ŷ·(T − 1)) − 1`` (ŷ clipped to [0, 1]) and TP/FP are reversed
cumulative sums of the buckets — the same counts as the comparison above,
in O(T + n) instead of O(T·n).  ``top_k`` keeps only each row's k highest
predictions (the others become −10¹⁰, never positive), ``class_id`` one
column.  This module also holds the metrics that report one count:
``TruePositives``, ``FalsePositives``, ``TrueNegatives``, ``FalseNegatives``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import Metric, broadcast_weights, same_rank

#: what top_k gives the predictions outside the top k (Keras' NEG_INF)
NEG_INF = -1e10


class Counts(NamedTuple):
    """Weighted confusion counts, one entry per threshold (× label if multi_label)."""

    tp: np.ndarray
    fp: np.ndarray
    tn: np.ndarray
    fn: np.ndarray


def parse_thresholds(thresholds, default: float) -> list[float]:
    """The thresholds as a list (``default`` if None), each checked to lie in [0, 1]."""
    if thresholds is None:
        return [float(default)]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) \
        else [thresholds]
    bad = [t for t in values if t is None or not 0.0 <= float(t) <= 1.0]
    if bad:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
    return [float(t) for t in values]


def thresholds_config(thresholds):
    """Checked thresholds as given, in plain Python types: a float, a list or None."""
    if thresholds is None:
        return None
    values = parse_thresholds(thresholds, 0.5)
    return values if isinstance(thresholds, (list, tuple, np.ndarray)) else values[0]


def evenly_spaced(thresholds) -> bool:
    """Whether the thresholds are ``0, 1/(T−1), …, 1`` (within 1e-7): Keras' fast path."""
    n = len(thresholds)
    return n >= 3 and bool(np.allclose(thresholds, np.arange(n) / (n - 1), atol=1e-7))


def keep_top_k(y_pred: np.ndarray, k: int) -> np.ndarray:
    """Each row's k highest predictions, the others set to NEG_INF (ties: lower index first)."""
    top = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=bool)
    np.put_along_axis(keep, top, True, axis=-1)
    return np.where(keep, y_pred, NEG_INF)


def confusion_counts(y_true, y_pred, thresholds, *, sample_weight=None, top_k=None,
                     class_id=None, multi_label: bool = False, label_weights=None,
                     evenly: bool | None = None) -> Counts:
    """TP, FP, TN, FN of ``y_pred`` against ``y_true`` at each threshold (see the module doc).

    ``evenly``: whether the thresholds are evenly spaced (checked here if None;
    metrics check once, when they are built).
    """
    y_true, y_pred = _matching(y_true, y_pred)
    weights = np.ones(y_pred.shape) if sample_weight is None else \
        broadcast_weights(sample_weight, y_pred.shape)
    if top_k is not None:
        y_pred = keep_top_k(y_pred, int(top_k))
    if class_id is not None:
        y_true, y_pred, weights = (a[..., class_id, None] for a in (y_true, y_pred, weights))
    if label_weights is not None:
        weights = weights * np.asarray(label_weights, dtype=np.float64)
    if not multi_label:
        y_true, y_pred, weights = (a.reshape(-1) for a in (y_true, y_pred, weights))
    positive = y_true != 0
    pos_w, neg_w = np.where(positive, weights, 0.0), np.where(positive, 0.0, weights)
    thresholds = np.asarray(thresholds, dtype=np.float64)
    if evenly is None:
        evenly = evenly_spaced(np.clip(thresholds, 0.0, 1.0))
    count = _bucket_counts if evenly else _compare_counts
    tp, fp = count(y_pred, pos_w, neg_w, thresholds)
    return Counts(tp, fp, neg_w.sum(axis=0) - fp, pos_w.sum(axis=0) - tp)


def _matching(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = same_rank(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true of shape {y_true.shape} and y_pred of shape {y_pred.shape} "
                         "must match: each prediction is compared with its own label (for "
                         "class probabilities use one-hot labels, with class_id= or top_k=)")
    return y_true, y_pred.astype(np.float64, copy=False)


def _compare_counts(y_pred, pos_w, neg_w, thresholds):
    """TP(t), FP(t) by comparing every prediction with every threshold."""
    above = y_pred[None] > thresholds.reshape((-1,) + (1,) * y_pred.ndim)
    return (above * pos_w).sum(axis=1), (above * neg_w).sum(axis=1)


def _bucket_counts(y_pred, pos_w, neg_w, thresholds):
    """TP(t), FP(t) for evenly spaced thresholds: bucket sums, then reversed cumsums."""
    n = len(thresholds)
    p = np.clip(y_pred, 0.0, 1.0)
    known = ~np.isnan(p)  # a NaN prediction is above no threshold
    bucket = np.ceil(np.where(known, p, 0.0) * (n - 1)).astype(np.intp) - 1
    if thresholds[0] < 0.0 or thresholds[-1] > 1.0:  # AUC's ±ε end thresholds
        bucket = np.maximum(bucket, 0)  # ŷ = 0 is above the first, −ε
    labels = 1 if y_pred.ndim == 1 else y_pred.shape[1]
    index = bucket * labels + (np.arange(labels) if y_pred.ndim > 1 else 0)
    keep = known & (bucket >= 0)  # else ŷ = 0 is above no threshold ≥ 0
    shape = (n,) if y_pred.ndim == 1 else (n, labels)

    def cumulative(w):
        sums = np.bincount(index[keep], weights=w[keep], minlength=n * labels).reshape(shape)
        return sums[::-1].cumsum(axis=0)[::-1]

    return cumulative(pos_w), cumulative(neg_w)


class _ConfusionCount(Metric):
    """The weighted count of one confusion-matrix cell at each threshold (default 0.5)."""

    _cell = "tp"

    def __init__(self, thresholds=None, name: str | None = None, dtype=None):
        self.init_thresholds = thresholds_config(thresholds)
        self.thresholds = parse_thresholds(thresholds, 0.5)
        self._evenly = evenly_spaced(self.thresholds)
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self) -> None:
        self.accumulator = np.zeros(len(self.thresholds))

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        counts = confusion_counts(y_true, y_pred, self.thresholds, sample_weight=sample_weight,
                                  evenly=self._evenly)
        self.accumulator += getattr(counts, self._cell)

    def result(self) -> float | np.ndarray:
        return float(self.accumulator[0]) if len(self.thresholds) == 1 else self.accumulator.copy()

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """Σ w·[y ≠ 0]·[ŷ > t]: the (weighted) number of true positives at each threshold."""

    _cell = "tp"


class FalsePositives(_ConfusionCount):
    """Σ w·[y = 0]·[ŷ > t]: the (weighted) number of false positives at each threshold."""

    _cell = "fp"


class TrueNegatives(_ConfusionCount):
    """Σ w·[y = 0]·[ŷ ≤ t]: the (weighted) number of true negatives at each threshold."""

    _cell = "tn"


class FalseNegatives(_ConfusionCount):
    """Σ w·[y ≠ 0]·[ŷ ≤ t]: the (weighted) number of false negatives at each threshold."""

    _cell = "fn"
