"""Metrics: running means over an epoch, Keras names.

A metric function returns one value per sample (``sparse_categorical_accuracy
(y_true, y_pred)``); a :class:`Metric` object accumulates those values over
the batches of an epoch (``update_state`` / ``result`` / ``reset_state``), so
``fit`` reports the average over all samples seen, as Keras does.

``metrics=["accuracy"]`` is resolved from the loss like Keras: sparse
categorical accuracy for ``sparse_categorical_crossentropy``, categorical
for ``categorical_crossentropy``, binary for ``binary_crossentropy`` (and
from the shapes otherwise).
"""

from __future__ import annotations

import numpy as np

from . import losses as losses_module


def _labels(y_true) -> np.ndarray:
    y = np.asarray(y_true)
    return y[:, 0] if y.ndim == 2 and y.shape[1] == 1 else y


def sparse_categorical_accuracy(y_true, y_pred) -> np.ndarray:
    """1 where argmax(ŷ) equals the integer label y."""
    labels = _labels(y_true).astype(np.intp, copy=False)
    return (np.asarray(y_pred).argmax(axis=-1) == labels).astype(np.float64)


def categorical_accuracy(y_true, y_pred) -> np.ndarray:
    """1 where argmax(ŷ) equals argmax(y) (one-hot labels)."""
    return (np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)).astype(np.float64)


def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> np.ndarray:
    """mean over the last axis of 1[(ŷ > threshold) == y]."""
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true).reshape(y_pred.shape)
    return np.mean((y_pred > threshold) == (y_true > 0.5), axis=-1).astype(np.float64)


def accuracy(y_true, y_pred) -> np.ndarray:
    """Exact equality of predictions and targets (Keras' ``Accuracy``)."""
    y_pred = np.asarray(y_pred)
    return np.mean(np.asarray(y_true).reshape(y_pred.shape) == y_pred, axis=-1).astype(float)


def _from_loss(cls):
    def fn(y_true, y_pred):
        y_pred = np.asarray(y_pred, dtype=np.float64)
        loss = cls()
        return loss.per_sample(loss.check_targets(y_true, y_pred.shape), y_pred)
    return fn


mean_squared_error = mse = _from_loss(losses_module.MeanSquaredError)
mean_absolute_error = mae = _from_loss(losses_module.MeanAbsoluteError)
mean_absolute_percentage_error = mape = _from_loss(losses_module.MeanAbsolutePercentageError)
for _fn, _name in ((mean_squared_error, "mean_squared_error"),
                   (mean_absolute_error, "mean_absolute_error"),
                   (mean_absolute_percentage_error, "mean_absolute_percentage_error")):
    _fn.__name__ = _fn.__qualname__ = _name  # qualname: pickled by reference (joblib, dask)


class Metric:
    """Base class for stateful metrics."""

    def __init__(self, name: str | None = None):
        self.name = name or type(self).__name__.lower()
        self.reset_state()

    def reset_state(self) -> None:
        self.total, self.count = 0.0, 0.0

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        raise NotImplementedError

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0

    def reset_states(self) -> None:  # tf.keras 2 name
        self.reset_state()

    def get_config(self) -> dict:
        return {"name": self.name}


class MeanMetricWrapper(Metric):
    """Running mean of a per-sample metric function ``fn(y_true, y_pred)``."""

    def __init__(self, fn, name: str | None = None):
        self.fn = fn
        super().__init__(name or fn.__name__)

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = np.asarray(self.fn(y_true, y_pred), dtype=np.float64)
        if sample_weight is not None:
            w = np.asarray(sample_weight, dtype=np.float64).reshape(values.shape)
            self.total += float((values * w).sum())
            self.count += float(w.sum())
        else:
            self.total += float(values.sum())
            self.count += values.size


_SCALAR_WEIGHT = (float, int, type(None))


class Mean(Metric):
    """Running (weighted) mean of the values given to ``update_state``."""

    def update_state(self, values, sample_weight=None):
        if isinstance(values, (float, int)) and isinstance(sample_weight, _SCALAR_WEIGHT):
            w = 1.0 if sample_weight is None else float(sample_weight)  # fit's loss: a number
            self.total += float(values) * w
            self.count += w
            return
        values = np.asarray(values, dtype=np.float64)
        w = np.ones_like(values) if sample_weight is None else \
            np.broadcast_to(np.asarray(sample_weight, dtype=np.float64), values.shape)
        self.total += float(np.sum(values * w))
        self.count += float(np.sum(w))


def _metric_class(class_name: str, fn, default: str):
    def __init__(self, name: str | None = None, **kwargs):
        MeanMetricWrapper.__init__(self, fn, name or default)
    return type(class_name, (MeanMetricWrapper,), {"__init__": __init__,
                                                   "__doc__": fn.__doc__})


SparseCategoricalAccuracy = _metric_class("SparseCategoricalAccuracy",
                                          sparse_categorical_accuracy,
                                          "sparse_categorical_accuracy")
CategoricalAccuracy = _metric_class("CategoricalAccuracy", categorical_accuracy,
                                    "categorical_accuracy")
BinaryAccuracy = _metric_class("BinaryAccuracy", binary_accuracy, "binary_accuracy")
Accuracy = _metric_class("Accuracy", accuracy, "accuracy")
MeanSquaredError = _metric_class("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _metric_class("MeanAbsoluteError", mean_absolute_error,
                                  "mean_absolute_error")
MeanAbsolutePercentageError = _metric_class("MeanAbsolutePercentageError",
                                            mean_absolute_percentage_error,
                                            "mean_absolute_percentage_error")


class RootMeanSquaredError(MeanMetricWrapper):
    """√(mean over all samples of (ŷ − y)²)."""

    def __init__(self, name: str = "root_mean_squared_error"):
        super().__init__(mean_squared_error, name)

    def result(self):
        return float(np.sqrt(super().result()))


_FUNCTIONS = {
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "binary_accuracy": binary_accuracy,
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "mape": mean_absolute_percentage_error,
}


def _accuracy_for(loss, output_shape) -> object:
    """Which accuracy ``"accuracy"`` means for this loss and output shape."""
    if isinstance(loss, losses_module.SparseCategoricalCrossentropy):
        return sparse_categorical_accuracy
    if isinstance(loss, losses_module.CategoricalCrossentropy):
        return categorical_accuracy
    if isinstance(loss, losses_module.BinaryCrossentropy) or (output_shape and
                                                              output_shape[-1] == 1):
        return binary_accuracy
    return categorical_accuracy  # targets then have the output's shape (e.g. one-hot)


def get(identifier, loss=None, output_shape=None) -> Metric:
    """Resolve a metric name, function, class or instance to a Metric object."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, str):
        if identifier in ("accuracy", "acc"):
            return MeanMetricWrapper(_accuracy_for(loss, output_shape), name=identifier)
        if identifier in ("root_mean_squared_error", "rmse"):
            return RootMeanSquaredError()
        if identifier not in _FUNCTIONS:
            raise ValueError(f"Unknown metric {identifier!r}; known: "
                             f"{sorted(_FUNCTIONS) + ['accuracy']}")
        return MeanMetricWrapper(_FUNCTIONS[identifier], name=identifier)
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(f"Could not interpret metric {identifier!r}")
