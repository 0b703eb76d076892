r"""Accuracy metrics: how often the prediction matches the label.

Each per-sample function returns 1.0 for a hit and 0.0 for a miss (averaged
over the last axis where a sample has several outputs); each class is the
running mean of its function over all samples seen,
:math:`\sum_i w_i\,\mathrm{hit}_i / \sum_i w_i`.

================================  ==============================================
function                          hit for one sample
================================  ==============================================
accuracy                          ŷ = y exactly (mean over the last axis)
binary_accuracy                   1[ŷ > threshold] = y (mean over the last axis)
categorical_accuracy              argmax ŷ = argmax y (one-hot labels)
sparse_categorical_accuracy       argmax ŷ = y (integer labels)
top_k_categorical_accuracy        y's class is among the k highest ŷ
sparse_top_k_categorical_accuracy the integer label is among the k highest ŷ
================================  ==============================================

Top-k ties follow ``tf.math.in_top_k``: a class whose score ties with the
k-th highest counts as in the top k.  ``metrics=["accuracy"]`` picks one of
these from the loss (see :func:`nnlite.metrics.get`).
"""

from __future__ import annotations

import numpy as np

from .base import same_rank
from .mean import MeanMetricWrapper


def accuracy(y_true, y_pred) -> np.ndarray:
    """Per sample: the fraction of outputs where ŷ equals y exactly."""
    y_true, y_pred = same_rank(y_true, y_pred)
    return np.mean(y_true == y_pred, axis=-1, dtype=np.float64)


def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> np.ndarray:
    """Per sample: the fraction of outputs where 1[ŷ > threshold] equals y (0 or 1)."""
    y_true, y_pred = same_rank(y_true, y_pred)
    return np.mean(y_true == (y_pred > threshold), axis=-1, dtype=np.float64)


def sparse_categorical_accuracy(y_true, y_pred) -> np.ndarray:
    """Per sample: 1 where argmax(ŷ) equals the integer label y."""
    y_true, predicted = np.asarray(y_true), np.argmax(y_pred, axis=-1)
    if y_true.ndim == predicted.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]  # (n, 1) labels
    if y_true.shape != predicted.shape:
        raise ValueError(f"sparse_categorical_accuracy: integer labels of shape "
                         f"{np.shape(y_true)} do not match predictions of shape "
                         f"{np.shape(y_pred)}; one-hot labels need categorical_accuracy")
    return (predicted == y_true).astype(np.float64)


def categorical_accuracy(y_true, y_pred) -> np.ndarray:
    """Per sample: 1 where argmax(ŷ) equals argmax(y) (one-hot labels)."""
    return sparse_categorical_accuracy(np.argmax(y_true, axis=-1), y_pred)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> np.ndarray:
    """Per sample: 1 where fewer than k classes score higher than the label's class."""
    y_true = np.asarray(y_true)
    scores = np.asarray(y_pred, dtype=np.float64)
    scores = scores.reshape(-1, scores.shape[-1])
    labels = y_true.reshape(-1)
    if len(labels) != len(scores):
        raise ValueError(f"sparse_top_k_categorical_accuracy: {len(labels)} labels for "
                         f"{len(scores)} predictions (shapes {y_true.shape} and "
                         f"{np.shape(y_pred)})")
    valid = (labels >= 0) & (labels < scores.shape[1]) & (labels == np.floor(labels))
    index = np.where(valid, labels, 0).astype(np.intp)
    target = np.take_along_axis(scores, index[:, None], axis=1)
    hits = valid & ((scores > target).sum(axis=1) < k) & np.isfinite(scores).all(axis=1)
    return hits.astype(np.float64).reshape(y_true.shape)


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> np.ndarray:
    """Per sample: 1 where y's class (argmax of one-hot y) is among the k highest ŷ."""
    return sparse_top_k_categorical_accuracy(np.argmax(y_true, axis=-1), y_pred, k=k)


class Accuracy(MeanMetricWrapper):
    """How often ŷ equals y exactly (Keras default name ``accuracy``)."""

    def __init__(self, name: str = "accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often 1[ŷ > threshold] equals y (default ``threshold=0.5``, name ``binary_accuracy``).

    With a loss that takes logits (``from_logits=True``) use ``threshold=0``.
    """

    def __init__(self, name: str = "binary_accuracy", dtype=None, threshold: float = 0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=float(threshold))
        self.threshold = float(threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax ŷ equals argmax y, one-hot labels (name ``categorical_accuracy``)."""

    def __init__(self, name: str = "categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax ŷ equals the integer label (name ``sparse_categorical_accuracy``)."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often y's class is among the ``k`` highest scores (default k=5, one-hot labels)."""

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=int(k))
        self.k = int(k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` highest scores (default k=5)."""

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=int(k))
        self.k = int(k)
