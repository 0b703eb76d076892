"""Losses: Keras values (the examples of the Keras docs), names, aliases, stability."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite import losses

Y2 = np.array([[0.0, 1.0], [0.0, 0.0]])


# Examples from the tf.keras 2 documentation of each loss class.
@pytest.mark.parametrize("cls, y_true, y_pred, expected", [
    (losses.MeanSquaredError, Y2, [[1.0, 1.0], [1.0, 0.0]], 0.5),
    (losses.MeanAbsoluteError, Y2, [[1.0, 1.0], [1.0, 0.0]], 0.5),
    (losses.MeanAbsolutePercentageError, [[2.0, 1.0], [2.0, 3.0]], [[1.0, 1.0], [1.0, 0.0]],
     50.0),
    (losses.MeanSquaredLogarithmicError, Y2, [[1.0, 1.0], [1.0, 0.0]], 0.240),
    (losses.Huber, Y2, [[0.6, 0.4], [0.4, 0.6]], 0.155),
    (losses.Poisson, Y2, [[1.0, 1.0], [0.0, 0.0]], 0.5),
    (losses.BinaryCrossentropy, Y2, [[0.6, 0.4], [0.4, 0.6]], 0.815),
    (losses.CategoricalCrossentropy, [[0, 1, 0], [0, 0, 1]],
     [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]], 1.177),
    (losses.SparseCategoricalCrossentropy, [1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]],
     1.177),
])
def test_keras_documented_values(cls, y_true, y_pred, expected):
    assert cls()(np.array(y_true), np.array(y_pred)) == pytest.approx(expected, abs=1e-3)


def test_names_and_aliases():
    expected = {"mse": "mean_squared_error", "mae": "mean_absolute_error",
                "mape": "mean_absolute_percentage_error",
                "msle": "mean_squared_logarithmic_error", "huber": "huber_loss",
                "poisson": "poisson", "binary_crossentropy": "binary_crossentropy",
                "categorical_crossentropy": "categorical_crossentropy",
                "sparse_categorical_crossentropy": "sparse_categorical_crossentropy",
                "mean_squared_error": "mean_squared_error", "MSE": "mean_squared_error"}
    for alias, name in expected.items():
        assert losses.get(alias).name == name
    assert losses.Huber().name == "huber_loss"          # Keras' default name
    assert losses.Huber().delta == 1.0
    assert losses.get(losses.mse).name == "mean_squared_error"
    assert isinstance(losses.get(losses.SparseCategoricalCrossentropy),
                      losses.SparseCategoricalCrossentropy)
    loss = losses.BinaryCrossentropy(from_logits=True)
    assert losses.get(loss) is loss
    with pytest.raises(ValueError, match="Unknown loss"):
        losses.get("mean_cubed_error")


def test_loss_functions_return_one_value_per_sample():
    y_true = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    y_pred = np.array([[1.0, 1.0], [1.0, 3.0], [0.0, 0.0]])
    np.testing.assert_allclose(losses.mse(y_true, y_pred), [0.5, 2.0, 2.0])
    np.testing.assert_allclose(losses.mean_absolute_error(y_true, y_pred), [0.5, 1.0, 1.0])
    np.testing.assert_allclose(keras.losses.sparse_categorical_crossentropy(
        np.array([0, 1]), np.array([[0.5, 0.5], [0.2, 0.8]])), [np.log(2), -np.log(0.8)])


def test_reductions_and_sample_weight():
    y_true, y_pred = np.array([[0.0], [1.0], [2.0]]), np.array([[1.0], [1.0], [0.0]])
    assert losses.MeanSquaredError()(y_true, y_pred) == pytest.approx(5 / 3)
    assert losses.MeanSquaredError(reduction="sum")(y_true, y_pred) == pytest.approx(5.0)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction="none")(y_true, y_pred),
                               [1.0, 0.0, 4.0])
    weighted = losses.MeanSquaredError()(y_true, y_pred, sample_weight=[1.0, 1.0, 0.5])
    assert weighted == pytest.approx((1 + 0 + 2) / 3)
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


def test_huber_quadratic_then_linear():
    huber = losses.Huber(delta=2.0)
    errors = np.array([[0.5], [2.0], [5.0]])
    values = huber.per_sample(np.zeros_like(errors), errors)
    np.testing.assert_allclose(values, [0.125, 2.0, 2 * 5 - 2.0])
    with pytest.raises(ValueError, match="delta"):
        losses.Huber(delta=0.0)


def test_categorical_crossentropy_normalises_probabilities():
    """Keras divides y_pred by its sum before the log (unnormalised outputs)."""
    y = np.array([[0.0, 1.0, 0.0]])
    p = np.array([[0.2, 0.6, 0.2]])
    cce = losses.CategoricalCrossentropy()
    assert cce(y, 3 * p) == pytest.approx(cce(y, p)) == pytest.approx(-np.log(0.6))
    scce = losses.SparseCategoricalCrossentropy()
    assert scce(np.array([1]), 3 * p) == pytest.approx(-np.log(0.6))
    # soft targets are allowed: −Σ y_k log p_k
    soft = np.array([[0.25, 0.5, 0.25]])
    assert cce(soft, p) == pytest.approx(-(0.5 * np.log(0.2) + 0.5 * np.log(0.6)))


def test_from_logits_equals_probabilities():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 4))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    labels = rng.integers(0, 4, size=5)
    onehot = np.eye(4)[labels]
    assert losses.SparseCategoricalCrossentropy(from_logits=True)(labels, z) == \
        pytest.approx(losses.SparseCategoricalCrossentropy()(labels, p), rel=1e-6)
    assert losses.CategoricalCrossentropy(from_logits=True)(onehot, z) == \
        pytest.approx(losses.CategoricalCrossentropy()(onehot, p), rel=1e-6)
    t = rng.integers(0, 2, size=(5, 4)).astype(float)
    assert losses.BinaryCrossentropy(from_logits=True)(t, z) == \
        pytest.approx(losses.BinaryCrossentropy()(t, 1 / (1 + np.exp(-z))), rel=1e-5)
    assert losses.BinaryCrossentropy(from_logits=True).fuse_activation is None
    assert losses.BinaryCrossentropy().get_config()["from_logits"] is False


def test_numerically_stable_extremes():
    """No log(0), no overflow: probabilities are clipped to [ε, 1 − ε], logits shifted."""
    eps = keras.backend.epsilon()
    assert eps == 1e-7
    scce = losses.SparseCategoricalCrossentropy()
    worst = scce(np.array([0]), np.array([[0.0, 1.0]]))
    assert np.isfinite(worst) and worst == pytest.approx(-np.log(eps), rel=1e-3)
    assert scce(np.array([1]), np.array([[0.0, 1.0]])) == pytest.approx(0.0, abs=1e-6)
    bce = losses.BinaryCrossentropy()
    assert np.isfinite(bce(np.array([[1.0]]), np.array([[0.0]])))
    z = np.array([[1000.0, -1000.0, 0.0]])
    for loss in (losses.SparseCategoricalCrossentropy(from_logits=True),):
        value, grad = loss.value_and_grad(np.array([1]), z, 1.0)
        assert value == pytest.approx([2000.0]) and np.all(np.isfinite(grad))
    value, grad = losses.BinaryCrossentropy(from_logits=True).value_and_grad(
        np.array([[0.0, 1.0, 1.0]]), z, 1.0)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))
    assert value[0] == pytest.approx((1000 + 1000 + np.log(2)) / 3)


def test_fused_gradient_is_p_minus_y():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    y = np.array([0, 2])
    values, grad = losses.SparseCategoricalCrossentropy().fused_value_and_grad(y, p, 0.5)
    np.testing.assert_allclose(values, -np.log([0.7, 0.8]))
    np.testing.assert_allclose(grad, 0.5 * (p - np.eye(3)[y]))


def test_target_validation_messages():
    with pytest.raises(ValueError, match=r"mean_squared_error.*\(3, 2\).*\(3, 1\)"):
        losses.MeanSquaredError()(np.ones((3, 2)), np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy.*\[0, 2\)"):
        losses.SparseCategoricalCrossentropy()(np.array([0, 2]), np.full((2, 2), 0.5))
    # (n,) targets for a single output are accepted as (n, 1)
    assert losses.MeanSquaredError()(np.array([1.0, 2.0]), np.array([[1.0], [0.0]])) == 2.0


def test_custom_loss_function_trains_when_it_has_a_gradient():
    def half_squared(y_true, y_pred):
        return 0.5 * np.square(y_pred - y_true)
    half_squared.gradient = lambda y_true, y_pred: y_pred - y_true
    x = np.random.default_rng(0).normal(size=(64, 2))
    y = x @ np.array([1.0, -1.0])

    def train(loss, lr):
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[2])])
        model.compile(loss=loss, optimizer=keras.optimizers.SGD(learning_rate=lr))
        return model, model.fit(x, y, epochs=5, verbose=0)

    model, history = train(half_squared, 0.1)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    # ½e² with η is exactly MSE (gradient 2e) with η/2
    reference, ref_history = train("mse", 0.05)
    np.testing.assert_allclose(history.history["loss"],
                               0.5 * np.array(ref_history.history["loss"]), rtol=1e-5)
    for w, w_ref in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(w, w_ref, rtol=1e-5, atol=1e-6)

    def no_gradient(y_true, y_pred):
        return np.abs(y_pred - y_true)
    model.compile(loss=no_gradient, optimizer="sgd")
    with pytest.raises(TypeError, match="gradient"):
        model.train_on_batch(x, y)


def test_serialize_round_trip():
    loss = losses.Huber(delta=2.5)
    again = losses.deserialize(losses.serialize(loss))
    assert isinstance(again, losses.Huber) and again.delta == 2.5
