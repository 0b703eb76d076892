r"""AUC: the area under the ROC or precision–recall curve, as Keras approximates it.

Keras does not sort the predictions: it counts TP, FP, TN, FN at fixed
thresholds :math:`t_0 = -ε < t_1 < … < t_{T-1} = 1 + ε` (by default
:math:`t_i = i/(T-1)` inside, T = ``num_thresholds`` = 200) and sums over
the T − 1 intervals between neighbouring thresholds (a Riemann sum).  For
the ROC curve, x = FPR = FP/(FP + TN) and y = TPR = TP/(TP + FN):

.. math:: \mathrm{AUC} = \sum_{i=0}^{T-2} (x_i - x_{i+1})\, h_i, \qquad
          h_i = \tfrac12 (y_i + y_{i+1})

(``summation_method="interpolation"``, the trapezoid rule; ``"minoring"``
takes :math:`\min(y_i, y_{i+1})`, ``"majoring"`` the max — a lower and an
upper bound).  For ``curve="PR"`` (x = recall, y = precision) the default
interpolation follows Davis & Goadrich (2006): TP and P = TP + FP vary
linearly inside an interval, so with slope :math:`s = ΔTP/ΔP` and intercept
:math:`b = TP_{i+1} - s\,P_{i+1}` each interval adds

.. math:: \frac{s\,\big(ΔTP + b \ln(P_i / P_{i+1})\big)}{TP_{i+1} + FN_{i+1}}.

The result is the exact AUC (scikit-learn's ``roc_auc_score``) when no two
predictions share a bucket; a positive and a negative in the same bucket
count as a tie (½), so the error is at most
:math:`\tfrac12 \sum_b P_b N_b / (P\,N)` over the buckets b.
"""

from __future__ import annotations

import numpy as np

from ..backend import epsilon
from .base import Metric, divide_no_nan
from .confusion import confusion_counts, evenly_spaced

_CURVES = {"roc": "ROC", "pr": "PR"}
_SUMMATIONS = ("interpolation", "minoring", "majoring")


def _choice(value, allowed: dict, what: str) -> str:
    key = str(value).lower()
    if key not in allowed:
        raise ValueError(f"Invalid AUC {what} value {value!r}. Expected one of "
                         f"{sorted(set(allowed.values()))}")
    return allowed[key]


def _default_thresholds(num_thresholds: int) -> list[float]:
    if not isinstance(num_thresholds, (int, np.integer)) or num_thresholds <= 1:
        raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                         f"Received: num_thresholds={num_thresholds!r}")
    return [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]


class AUC(Metric):
    """Area under the ROC (default) or PR curve, approximated at fixed thresholds.

    Parameters
    ----------
    num_thresholds : int, default 200
        T, the number of thresholds (evenly spaced in [0, 1]).
    curve : {"ROC", "PR"}, default "ROC"
    summation_method : {"interpolation", "minoring", "majoring"}, default "interpolation"
    name : str, optional
        Automatic by default: ``auc``, then ``auc_1`` …
    dtype : optional
    thresholds : list of float, optional
        The inner thresholds instead of T evenly spaced ones (−ε and 1 + ε are added).
    multi_label : bool, default False
        One AUC per column of ``y_pred`` (n, L), averaged; else every element
        is one prediction.
    num_labels : int, optional
        L, when ``multi_label`` (else taken from the first batch).
    label_weights : list of float, optional
        Multi-label: weights of the per-label AUCs in the average; otherwise
        weights of the columns' predictions in the counts.
    from_logits : bool, default False
        Apply the sigmoid to ``y_pred`` first.
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC",
                 summation_method: str = "interpolation", name: str | None = None, dtype=None,
                 thresholds=None, multi_label: bool = False, num_labels: int | None = None,
                 label_weights=None, from_logits: bool = False):
        self.curve = _choice(curve, _CURVES, "curve")
        self.summation_method = _choice(summation_method, {s: s for s in _SUMMATIONS},
                                        "summation_method")
        self._init_from_thresholds = thresholds is not None
        inner = sorted(float(t) for t in thresholds) if thresholds is not None \
            else _default_thresholds(num_thresholds)
        self.num_thresholds = len(inner) + 2
        self._thresholds = np.array([0.0 - epsilon()] + inner + [1.0 + epsilon()])
        self._evenly = evenly_spaced([0.0] + inner + [1.0])
        if num_labels and not multi_label:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        self.multi_label, self.num_labels, self.from_logits = bool(multi_label), num_labels, \
            bool(from_logits)
        self.label_weights = None if label_weights is None else \
            np.asarray(label_weights, dtype=np.float64)
        if self.label_weights is not None and (self.label_weights < 0).any():
            raise ValueError("All values of `label_weights` must be non-negative, got "
                             f"{label_weights!r}")
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    @property
    def thresholds(self) -> list[float]:
        """All T thresholds, the ±ε end points included."""
        return list(self._thresholds)

    def reset_state(self) -> None:
        labels = self.num_labels if self.multi_label else None
        shape = (self.num_thresholds,) if labels is None else (self.num_thresholds, labels)
        empty = self.multi_label and labels is None  # built at the first batch
        (self.true_positives, self.false_positives,
         self.true_negatives, self.false_negatives) = (
            None if empty else np.zeros(shape) for _ in range(4))

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = np.asarray(y_pred, dtype=np.float64)
        if self.from_logits:
            y_pred = 0.5 * (1.0 + np.tanh(0.5 * y_pred))  # σ(z), without overflow
        if self.multi_label:
            self._check_labels(y_pred)
        counts = confusion_counts(
            y_true, y_pred, self._thresholds, sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights, evenly=self._evenly)
        self.true_positives += counts.tp
        self.false_positives += counts.fp
        self.true_negatives += counts.tn
        self.false_negatives += counts.fn

    def _check_labels(self, y_pred: np.ndarray) -> None:
        if y_pred.ndim != 2:
            raise ValueError("`y_pred` must have rank 2 when `multi_label=True`. "
                             f"Found shape {y_pred.shape}")
        if self.num_labels is None:
            self.num_labels = y_pred.shape[1]
            self.reset_state()
        if y_pred.shape[1] != self.num_labels:
            raise ValueError(f"AUC(multi_label=True) was built for {self.num_labels} labels, "
                             f"got predictions of shape {y_pred.shape}")

    def result(self) -> float:
        if self.true_positives is None:  # multi-label, nothing seen yet
            return 0.0
        if self.curve == "PR" and self.summation_method == "interpolation":
            by_label = self._interpolated_pr_auc()
        else:
            by_label = self._riemann_sum()
        if not self.multi_label:
            return float(by_label)
        if self.label_weights is None:
            return float(np.mean(by_label))
        return float(divide_no_nan(np.sum(by_label * self.label_weights),
                                   np.sum(self.label_weights)))

    def _riemann_sum(self) -> np.ndarray:
        tp, fp, tn, fn = (self.true_positives, self.false_positives, self.true_negatives,
                          self.false_negatives)
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return np.sum((x[:-1] - x[1:]) * heights, axis=0)

    def _interpolated_pr_auc(self) -> np.ndarray:
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        slope = divide_no_nan(dtp, np.maximum(p[:-1] - p[1:], 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        increment = divide_no_nan(slope * (dtp + intercept * np.log(ratio)),
                                  np.maximum(tp[1:] + fn[1:], 0))
        return np.sum(increment, axis=0)

    def get_config(self) -> dict:
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "num_labels": self.num_labels,
                  "label_weights": None if self.label_weights is None
                  else self.label_weights.tolist(),
                  "from_logits": self.from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = [float(t) for t in self._thresholds[1:-1]]
        return config
