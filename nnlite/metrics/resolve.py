"""From what ``compile(metrics=[...])`` was given to a metric object, as Keras resolves it.

=====================================  ===========================================
given                                  metric (its name in the logs)
=====================================  ===========================================
an instance ``AUC(name="auc_roc")``    that object (``auc_roc``)
a class ``keras.metrics.AUC``          a new one (``auc``)
``"RootMeanSquaredError"``             a new one (its default name,
                                       ``root_mean_squared_error``)
``"root_mean_squared_error"``,         the metric of that name; the string is
``"mse"``, ``"mae"``, ``"auc"`` …      the name (tf.keras 2: ``mse``)
``"accuracy"`` / ``"acc"``             the accuracy that fits the loss, below
``"binary_crossentropy"`` (a loss)     the mean of that loss per sample
a function ``f(y_true, y_pred)``       the running mean of its per-sample values
                                       (``f.__name__``)
``{"class_name": …, "config": …}``     :func:`deserialize`
=====================================  ===========================================

``"accuracy"`` follows the loss: sparse categorical accuracy for
``sparse_categorical_crossentropy``, categorical for
``categorical_crossentropy``, binary for ``binary_crossentropy`` (and from
the output shape otherwise: one unit is binary).

Resolving has no side effect: a class or name gets its fixed default name,
never an automatic ``auc_1`` (``compile`` may check the metrics before the
model is built and resolve them again later).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import losses as losses_module
from ..naming import snake_case
from ..object_registry import ObjectRegistry, build
from . import accuracy_metrics as acc
from . import regression as reg
from .auc import AUC
from .base import Metric
from .confusion import FalseNegatives, FalsePositives, TrueNegatives, TruePositives
from .mean import Mean, MeanMetricWrapper
from .precision_recall import Precision, Recall

#: the metric classes ``compile`` can be given by name (they take y_true, y_pred)
_CLASSES = (acc.Accuracy, acc.BinaryAccuracy, acc.CategoricalAccuracy,
            acc.SparseCategoricalAccuracy, acc.TopKCategoricalAccuracy,
            acc.SparseTopKCategoricalAccuracy, reg.MeanSquaredError, reg.RootMeanSquaredError,
            reg.MeanAbsoluteError, reg.MeanAbsolutePercentageError,
            Precision, Recall, AUC, TruePositives, FalsePositives, TrueNegatives,
            FalseNegatives)
#: every class a saved config can name; ``get`` itself is metric-specific (below): what a
#: string means depends on the loss, and the string becomes the metric's name
METRIC_CLASSES = ObjectRegistry("metric class", Metric,
                                classes=(*_CLASSES, Metric, Mean, MeanMetricWrapper))

#: per-sample metric functions by name (tf.keras 2: such a string is the metric's name);
#: the string "accuracy" is not here: it follows the loss (``_accuracy_for``)
_FUNCTIONS = {
    "binary_accuracy": acc.binary_accuracy,
    "categorical_accuracy": acc.categorical_accuracy,
    "sparse_categorical_accuracy": acc.sparse_categorical_accuracy,
    "top_k_categorical_accuracy": acc.top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": acc.sparse_top_k_categorical_accuracy,
    "mean_squared_error": reg.mean_squared_error, "mse": reg.mean_squared_error,
    "MSE": reg.mean_squared_error,
    "mean_absolute_error": reg.mean_absolute_error, "mae": reg.mean_absolute_error,
    "MAE": reg.mean_absolute_error,
    "mean_absolute_percentage_error": reg.mean_absolute_percentage_error,
    "mape": reg.mean_absolute_percentage_error, "MAPE": reg.mean_absolute_percentage_error,
}

_CLASS_NAMES = {**{cls.__name__: cls for cls in _CLASSES},
                **{snake_case(cls.__name__): cls for cls in _CLASSES},
                "rmse": reg.RootMeanSquaredError}


def get(identifier, loss=None, output_shape=None) -> Metric:
    """The metric object for a name, class, instance, function or config (see the module doc).

    ``loss`` and ``output_shape`` (of the output the metric watches) decide
    what ``"accuracy"`` means.
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, Mapping):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier(name=snake_case(identifier.__name__)) \
            if identifier in _CLASSES else identifier()
    if isinstance(identifier, str):
        return _from_string(identifier, loss, output_shape)
    if isinstance(identifier, losses_module.Loss):
        return MeanMetricWrapper(LossValues(identifier), name=identifier.name)
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(f"Could not interpret metric {identifier!r}: give a name ('mae', "
                    "'RootMeanSquaredError'), a metric class or object "
                    "(keras.metrics.AUC()), or a function f(y_true, y_pred) that returns "
                    "one value per sample")


def _from_string(name: str, loss, output_shape) -> Metric:
    if name in ("accuracy", "acc"):
        return MeanMetricWrapper(_accuracy_for(loss, output_shape), name=name)
    if name in _FUNCTIONS:
        return MeanMetricWrapper(_FUNCTIONS[name], name=name)
    cls = _CLASS_NAMES.get(name)
    if cls is not None:
        return cls(name=name if name.islower() else snake_case(cls.__name__))
    try:
        as_loss = losses_module.get(name)
    except ValueError:
        known = sorted({n for n in (*_FUNCTIONS, *_CLASS_NAMES) if n.islower()} | {"accuracy"})
        raise ValueError(f"Unknown metric {name!r}; known: {known}, their CamelCase class "
                         "names (e.g. 'RootMeanSquaredError'), and the loss names") from None
    return MeanMetricWrapper(LossValues(as_loss), name=name if name.islower() else as_loss.name)


def _accuracy_for(loss, output_shape):
    """Which accuracy function ``"accuracy"`` means for this loss and output shape."""
    if isinstance(loss, losses_module.SparseCategoricalCrossentropy):
        return acc.sparse_categorical_accuracy
    if isinstance(loss, losses_module.CategoricalCrossentropy):
        return acc.categorical_accuracy
    if isinstance(loss, losses_module.BinaryCrossentropy) or (output_shape and
                                                              output_shape[-1] == 1):
        return acc.binary_accuracy
    return acc.categorical_accuracy  # targets then have the output's shape (e.g. one-hot)


class LossValues:
    """A loss object used as a metric function: its value for each sample."""

    def __init__(self, loss: losses_module.Loss):
        self.loss = loss
        self.__name__ = loss.name

    def __call__(self, y_true, y_pred) -> np.ndarray:
        y_pred = np.asarray(y_pred, dtype=np.float64)
        return self.loss.per_sample(self.loss.check_targets(y_true, y_pred.shape), y_pred)


def metric_function(name: str):
    """The per-sample function of that name (``"mse"`` → ``mean_squared_error``)."""
    if name == "accuracy":
        return acc.accuracy
    if name not in _FUNCTIONS:
        raise ValueError(f"Unknown metric function {name!r}; known: {sorted(_FUNCTIONS)}")
    return _FUNCTIONS[name]


def serialize(metric: Metric) -> dict:
    """``{"class_name": ..., "config": metric.get_config()}`` as Keras writes it."""
    return METRIC_CLASSES.serialize(metric)


def deserialize(config, custom_objects: dict | None = None) -> Metric:
    """The metric a :func:`serialize` config (or a name) describes.

    Classes (and a ``MeanMetricWrapper``'s ``fn``) are looked up in
    ``custom_objects`` first.
    """
    custom = custom_objects or {}
    if isinstance(config, str):
        return get(custom.get(config, config))
    cls = METRIC_CLASSES.class_named(config["class_name"], custom)
    arguments = dict(config.get("config", {}))
    if cls is MeanMetricWrapper and arguments.get("fn") in custom:
        return MeanMetricWrapper(custom[arguments.pop("fn")], **arguments)
    return build(cls, arguments)
