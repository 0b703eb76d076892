"""Metrics (``keras.metrics``): per-sample functions and stateful metric objects.

A metric function returns one value per sample
(``sparse_categorical_accuracy(y_true, y_pred)``); a :class:`Metric` object
accumulates over the batches of an epoch (``update_state`` / ``result`` /
``reset_state``), so ``fit`` reports the value over all samples seen, as
Keras does — for ``RootMeanSquaredError`` the root of the mean over all
samples, for ``AUC`` the area from the counts of the whole epoch.

=========================  =================================================
module                     contents
=========================  =================================================
:mod:`.base`               ``Metric``: the shared API
:mod:`.mean`               ``Mean``, ``MeanMetricWrapper``: running means
:mod:`.regression`         ``MeanSquaredError``, ``RootMeanSquaredError``,
                           ``MeanAbsoluteError``, ``MeanAbsolutePercentageError``
:mod:`.accuracy_metrics`   ``Accuracy``, ``BinaryAccuracy``, ``CategoricalAccuracy``,
                           ``SparseCategoricalAccuracy``, top-k accuracies
:mod:`.confusion`          confusion counts at thresholds; ``TruePositives`` …
:mod:`.precision_recall`   ``Precision``, ``Recall``
:mod:`.auc`                ``AUC`` (ROC / PR)
:mod:`.resolve`            ``get`` / ``serialize`` / ``deserialize``: names,
                           classes and functions as ``compile`` takes them
=========================  =================================================
"""

from .accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from .auc import AUC
from .base import Metric
from .confusion import FalseNegatives, FalsePositives, TrueNegatives, TruePositives
from .mean import Mean, MeanMetricWrapper
from .precision_recall import Precision, Recall
from .regression import (
    MAE,
    MAPE,
    MSE,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    RootMeanSquaredError,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mse,
)
from .resolve import _FUNCTIONS as _FUNCTIONS  # noqa: F401 (read by tests/wrappers)
from .resolve import _accuracy_for as _accuracy_for  # noqa: F401
from .resolve import deserialize, get, serialize

__all__ = [
    "AUC", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "FalseNegatives",
    "FalsePositives", "MAE", "MAPE", "MSE", "Mean", "MeanAbsoluteError",
    "MeanAbsolutePercentageError", "MeanMetricWrapper", "MeanSquaredError", "Metric",
    "Precision", "Recall", "RootMeanSquaredError", "SparseCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy", "TopKCategoricalAccuracy", "TrueNegatives",
    "TruePositives", "accuracy", "binary_accuracy", "categorical_accuracy", "deserialize",
    "get", "mae", "mape", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_error", "mse", "serialize", "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy", "top_k_categorical_accuracy",
]
