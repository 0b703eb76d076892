r"""Regression metrics: MSE, RMSE, MAE, MAPE.

The per-sample functions are the losses' equations (one home per equation:
:mod:`nnlite.losses`), each a mean over the last axis of a sample's
outputs; the classes average them over every sample seen.
``RootMeanSquaredError`` is the square root of that running mean,

.. math:: \mathrm{RMSE} = \sqrt{\frac{\sum_i w_i\, (\hat y_i - y_i)^2}{\sum_i w_i}},

over all the samples since the last reset — not the mean of the batches'
RMSEs (the root of a mean is not the mean of roots).
"""

from __future__ import annotations

import math

import numpy as np

from .. import losses
from .base import same_rank
from .mean import Mean, MeanMetricWrapper

_MSE = losses.MeanSquaredError()
_MAE = losses.MeanAbsoluteError()
_MAPE = losses.MeanAbsolutePercentageError()


def _checked(loss: losses.Loss, y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Targets and float64 predictions of the same shape (else the loss's clear error)."""
    y_true, y_pred = same_rank(y_true, y_pred)
    y_pred = y_pred.astype(np.float64, copy=False)
    return loss.check_targets(y_true, y_pred.shape), y_pred


def _per_sample(loss: losses.Loss, y_true, y_pred) -> np.ndarray:
    return loss.per_sample(*_checked(loss, y_true, y_pred))


def mean_squared_error(y_true, y_pred) -> np.ndarray:
    """Per sample: the mean over the last axis of (ŷ − y)²."""
    return _per_sample(_MSE, y_true, y_pred)


def mean_absolute_error(y_true, y_pred) -> np.ndarray:
    """Per sample: the mean over the last axis of ``|ŷ − y|``."""
    return _per_sample(_MAE, y_true, y_pred)


def mean_absolute_percentage_error(y_true, y_pred) -> np.ndarray:
    """Per sample: 100 · the mean over the last axis of ``|y − ŷ| / max(|y|, ε)``."""
    return _per_sample(_MAPE, y_true, y_pred)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error


class MeanSquaredError(MeanMetricWrapper):
    """Mean of (ŷ − y)² over all samples seen (Keras default name ``mean_squared_error``)."""

    def __init__(self, name: str = "mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of ``|ŷ − y|`` over all samples seen (Keras default name ``mean_absolute_error``)."""

    def __init__(self, name: str = "mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean of ``100·|y − ŷ| / max(|y|, ε)`` over all samples.

    Keras's default name: ``mean_absolute_percentage_error``.
    """

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    r"""√(weighted mean of (ŷ − y)² over every value seen since the last reset).

    Keras default name ``root_mean_squared_error`` (the History key the third
    edition plots, ``val_root_mean_squared_error`` for validation).
    ``sample_weight`` gives one weight per sample.
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = _checked(_MSE, y_true, y_pred)
        super().update_state(np.square(y_pred - y_true), sample_weight)

    def result(self) -> float:
        return math.sqrt(super().result())
