"""Metrics: per-sample functions, running means, and Keras' resolution of "accuracy"."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite import losses, metrics

PROBS = np.array([[0.1, 0.9, 0.0], [0.6, 0.3, 0.1], [0.2, 0.3, 0.5], [0.4, 0.35, 0.25]])
LABELS = np.array([1, 1, 2, 0])          # correct, wrong, correct, correct


def test_sparse_and_categorical_accuracy():
    np.testing.assert_array_equal(metrics.sparse_categorical_accuracy(LABELS, PROBS),
                                  [1, 0, 1, 1])
    np.testing.assert_array_equal(metrics.sparse_categorical_accuracy(LABELS[:, None], PROBS),
                                  [1, 0, 1, 1])
    np.testing.assert_array_equal(metrics.categorical_accuracy(np.eye(3)[LABELS], PROBS),
                                  [1, 0, 1, 1])


def test_binary_accuracy_threshold_is_strictly_greater_than_half():
    y_true = np.array([[1.0], [0.0], [1.0], [0.0]])
    y_pred = np.array([[0.7], [0.5], [0.5], [0.2]])
    # Keras: ŷ > 0.5 counts as class 1, so 0.5 is predicted as 0
    np.testing.assert_array_equal(metrics.binary_accuracy(y_true, y_pred), [1, 1, 0, 1])
    np.testing.assert_array_equal(metrics.binary_accuracy(y_true, y_pred, threshold=0.4),
                                  [1, 0, 1, 1])
    # several binary outputs: the mean over the last axis
    np.testing.assert_allclose(metrics.binary_accuracy(np.array([[1.0, 0.0]]),
                                                       np.array([[0.9, 0.8]])), [0.5])


def test_regression_metric_functions():
    y_true = np.array([[1.0], [2.0], [4.0]])
    y_pred = np.array([[1.5], [2.0], [2.0]])
    np.testing.assert_allclose(metrics.mse(y_true, y_pred), [0.25, 0.0, 4.0])
    np.testing.assert_allclose(metrics.mae(y_true, y_pred), [0.5, 0.0, 2.0])
    np.testing.assert_allclose(metrics.mape(y_true, y_pred), [50.0, 0.0, 50.0])
    rmse = metrics.RootMeanSquaredError()
    rmse.update_state(y_true, y_pred)
    assert rmse.result() == pytest.approx(np.sqrt(4.25 / 3))


def test_running_mean_over_uneven_batches():
    acc = metrics.SparseCategoricalAccuracy()
    assert acc.name == "sparse_categorical_accuracy"
    acc.update_state(LABELS[:3], PROBS[:3])         # 2/3
    acc.update_state(LABELS[3:], PROBS[3:])         # 1/1
    assert acc.result() == pytest.approx(3 / 4)     # by sample, not the mean of batches
    acc.reset_state()
    assert acc.result() == 0.0
    acc.update_state(LABELS, PROBS, sample_weight=[0, 1, 0, 0])
    assert acc.result() == 0.0
    mean = metrics.Mean("loss")
    mean.update_state(2.0, sample_weight=3)
    mean.update_state(6.0, sample_weight=1)
    assert mean.result() == pytest.approx(3.0)


@pytest.mark.parametrize("loss, shape, expected", [
    (losses.SparseCategoricalCrossentropy(), (None, 10), metrics.sparse_categorical_accuracy),
    (losses.CategoricalCrossentropy(), (None, 10), metrics.categorical_accuracy),
    (losses.BinaryCrossentropy(), (None, 1), metrics.binary_accuracy),
    (losses.BinaryCrossentropy(), (None, 4), metrics.binary_accuracy),
    (losses.MeanSquaredError(), (None, 1), metrics.binary_accuracy),
    (losses.MeanSquaredError(), (None, 3), metrics.categorical_accuracy),
])
def test_accuracy_resolved_like_keras(loss, shape, expected):
    metric = metrics.get("accuracy", loss=loss, output_shape=shape)
    assert metric.name == "accuracy"
    assert metric.fn is expected
    assert metrics.get("acc", loss=loss, output_shape=shape).name == "acc"


def test_metric_lookup_and_names():
    assert metrics.get("mse").name == "mse"
    assert metrics.get("mean_absolute_error").name == "mean_absolute_error"
    assert metrics.get(metrics.sparse_categorical_accuracy).name == \
        "sparse_categorical_accuracy"
    assert metrics.get(metrics.mean_squared_error).name == "mean_squared_error"
    assert metrics.get(metrics.CategoricalAccuracy).name == "categorical_accuracy"
    m = metrics.BinaryAccuracy(name="bin_acc")
    assert metrics.get(m) is m and m.name == "bin_acc"
    with pytest.raises(ValueError, match="Unknown metric"):
        metrics.get("accuracyy")


def history_keys(loss, output, metric_list, y):
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model = keras.models.Sequential([keras.layers.Dense(output, input_shape=[4],
                                                        activation="sigmoid")])
    model.compile(loss=loss, optimizer="sgd", metrics=metric_list)
    x = np.random.default_rng(0).normal(size=(len(y), 4))
    return model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y)).history


def test_history_keys_use_keras_metric_names():
    y = np.random.default_rng(1).integers(0, 3, size=20)
    hist = history_keys("sparse_categorical_crossentropy", 3,
                        [keras.metrics.sparse_categorical_accuracy, "accuracy"], y)
    assert list(hist)[:6] == ["loss", "sparse_categorical_accuracy", "accuracy", "val_loss",
                              "val_sparse_categorical_accuracy", "val_accuracy"]
    assert hist["accuracy"] == hist["sparse_categorical_accuracy"]
    hist = history_keys("mse", 1, ["mae", keras.metrics.mean_squared_error,
                                   keras.metrics.RootMeanSquaredError()], y.astype(float))
    assert {"mae", "mean_squared_error", "root_mean_squared_error"} <= set(hist)
    assert hist["loss"][0] == pytest.approx(hist["mean_squared_error"][0], rel=1e-5)
    assert hist["root_mean_squared_error"][0] == pytest.approx(
        np.sqrt(hist["mean_squared_error"][0]), rel=1e-5)


def test_fit_accuracy_matches_evaluate_on_one_batch():
    y = np.random.default_rng(2).integers(0, 2, size=16).astype(float)
    keras.backend.clear_session()
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[4],
                                                        activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
    x = np.random.default_rng(3).normal(size=(16, 4))
    loss, acc = model.evaluate(x, y, verbose=0)
    pred = model.predict(x, verbose=0)[:, 0]
    assert acc == pytest.approx(np.mean((pred > 0.5) == (y == 1)))
    assert loss == pytest.approx(-np.mean(y * np.log(pred) + (1 - y) * np.log(1 - pred)),
                                 rel=1e-4)
