"""BatchNormalization: equations, moving averages, trainable=False, the book's model."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite.checking.layer_harness import run_layer_test
from nnlite.examples import batch_norm_model

BN = keras.layers.BatchNormalization


def _random_moving_stats(layer):
    rng = np.random.default_rng(3)
    layer.moving_mean.assign(rng.standard_normal(layer.moving_mean.shape))
    layer.moving_variance.assign(rng.uniform(0.5, 2.0, layer.moving_variance.shape))


# ---------------------------------------------------------------- harness
def test_harness_2d():
    run_layer_test(BN, {}, input_shape=(6, 4), expected_output_shape=(6, 4),
                   expected_num_trainable_weights=2, expected_num_non_trainable_weights=2,
                   prepare=_random_moving_stats)


@pytest.mark.parametrize("kwargs", [{"center": False}, {"scale": False},
                                    {"center": False, "scale": False}])
def test_harness_without_gamma_or_beta(kwargs):
    n_trainable = int(kwargs.get("center", True)) + int(kwargs.get("scale", True))
    run_layer_test(BN, kwargs, input_shape=(5, 3), expected_num_trainable_weights=n_trainable,
                   expected_num_non_trainable_weights=2, prepare=_random_moving_stats,
                   run_training=n_trainable > 0)


def test_harness_higher_rank_last_axis():
    run_layer_test(BN, {"momentum": 0.9}, input_shape=(3, 2, 4),
                   prepare=_random_moving_stats)


def test_harness_channels_first_axis():
    run_layer_test(BN, {"axis": 1}, input_shape=(3, 4, 2), prepare=_random_moving_stats)


# -------------------------------------------------------------- semantics
def test_weights_order_names_and_defaults():
    layer = BN(name="bn")
    layer(np.zeros((2, 3), dtype="float32"))
    assert [(w.name.split("/")[-1], w.trainable) for w in layer.weights] == [
        ("gamma", True), ("beta", True), ("moving_mean", False), ("moving_variance", False)]
    gamma, beta, mean, var = layer.get_weights()
    np.testing.assert_array_equal(gamma, 1)
    np.testing.assert_array_equal(beta, 0)
    np.testing.assert_array_equal(mean, 0)
    np.testing.assert_array_equal(var, 1)
    assert (layer.momentum, layer.epsilon, layer.axis) == (0.99, 1e-3, -1)


def test_training_uses_the_four_equations():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, (64, 5))
    layer = BN()
    layer(x[:2])
    gamma, beta = rng.uniform(0.5, 2, 5), rng.standard_normal(5)
    layer.set_weights([gamma, beta, np.zeros(5), np.ones(5)])
    y = layer(x, training=True)
    mu, var = x.mean(axis=0), x.var(axis=0)  # biased variance, as Keras
    expected = gamma * (x - mu) / np.sqrt(var + 1e-3) + beta
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)


def test_inference_uses_the_moving_statistics():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((8, 3)).astype("float32")
    layer = BN()
    layer(x)
    gamma, beta = np.array([1.0, 2.0, 0.5]), np.array([0.0, -1.0, 3.0])
    mean, var = np.array([0.5, -0.2, 1.0]), np.array([2.0, 0.5, 1.5])
    layer.set_weights([gamma, beta, mean, var])
    expected = gamma * (x - mean) / np.sqrt(var + 1e-3) + beta
    np.testing.assert_allclose(layer(x, training=False), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5, atol=1e-5)  # default: inference


def test_moving_average_arithmetic():
    rng = np.random.default_rng(2)
    layer = BN(momentum=0.9)
    xs = [rng.normal(2.0, 3.0, (16, 4)) for _ in range(3)]
    layer(xs[0][:2])  # build, inference: no update
    np.testing.assert_array_equal(layer.moving_mean.value, 0)
    mean, var = np.zeros(4), np.ones(4)
    for x in xs:
        layer(x, training=True)
        mean = 0.9 * mean + 0.1 * x.mean(axis=0)
        var = 0.9 * var + 0.1 * x.var(axis=0)
    np.testing.assert_allclose(layer.moving_mean.value, mean, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.value, var, rtol=1e-5)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_a_model_step_commits_the_moving_statistics_only_when_finite():
    """fit/train_on_batch stage μ̂, σ̂²: a batch whose variance overflows float32 changes nothing."""
    keras.utils.set_random_seed(0)
    model = keras.models.Sequential([keras.layers.Dense(4, input_shape=[3]), BN(momentum=0.5),
                                     keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    bn = model.layers[1]
    x = np.random.default_rng(4).normal(size=(8, 3))
    model.train_on_batch(x, np.zeros(8))
    before = bn.get_weights()
    assert not np.array_equal(before[2], np.zeros(4))  # the finite step was committed
    with pytest.raises(FloatingPointError, match="moving statistics of layer"):
        model.train_on_batch(x * 1e30, np.zeros(8))
    for a, b in zip(bn.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_inference_never_updates_moving_statistics():
    layer = BN()
    x = np.random.default_rng(3).normal(5, 2, (10, 3))
    layer(x)
    before = layer.get_weights()
    layer(x, training=False)
    for a, b in zip(layer.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_trainable_false_runs_in_inference_mode():
    x = np.random.default_rng(4).normal(5, 2, (10, 3)).astype("float32")
    layer = BN()
    layer(x)
    layer.trainable = False
    before = layer.get_weights()
    np.testing.assert_allclose(layer(x, training=True), layer(x, training=False))
    for a, b in zip(layer.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


def test_frozen_bn_in_fit_keeps_all_its_weights():
    rng = np.random.default_rng(5)
    x, y = rng.normal(2, 3, (64, 4)), rng.integers(0, 3, 64)
    model = keras.models.Sequential([BN(input_shape=[4]), keras.layers.Dense(3, "softmax")])
    model.layers[0].trainable = False
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    before = model.layers[0].get_weights()
    dense_before = model.layers[1].get_weights()[0]
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    for a, b in zip(model.layers[0].get_weights(), before):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(model.layers[1].get_weights()[0], dense_before)


def test_fit_moves_the_moving_statistics_toward_the_data():
    rng = np.random.default_rng(6)
    x, y = rng.normal(4.0, 2.0, (512, 3)), rng.standard_normal((512, 1))
    model = keras.models.Sequential([BN(input_shape=[3], momentum=0.9), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    bn = model.layers[0]
    np.testing.assert_allclose(bn.moving_mean.value, x.mean(axis=0), atol=0.3)
    np.testing.assert_allclose(bn.moving_variance.value, x.var(axis=0), rtol=0.2)


def test_batch_of_one_in_training_raises_clearly():
    layer = BN(name="bn_one")
    layer(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="bn_one.*at least 2"):
        layer(np.ones((1, 3)), training=True)
    assert layer(np.ones((1, 3)), training=False).shape == (1, 3)  # inference is fine


def test_fit_folds_a_last_batch_of_one_into_the_batch_before():
    """33 samples, batch 32: one batch of 33 (not 32 + 1, which BN cannot train on)."""
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(65, 3)), rng.normal(size=(65, 1))
    model = keras.models.Sequential([BN(input_shape=[3]), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    steps_seen = []
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[
        keras.callbacks.LambdaCallback(on_train_batch_begin=lambda b, logs: steps_seen.append(b))])
    assert history.params["steps"] == 2 and steps_seen == [0, 1, 0, 1]
    assert model.optimizer.iterations == 4
    plain = keras.models.Sequential([keras.layers.Dense(1, input_shape=[3])])
    plain.compile(loss="mse", optimizer="sgd")
    assert plain.fit(x, y, batch_size=32, verbose=0).params["steps"] == 3   # no BN: 32+32+1


@pytest.mark.parametrize("kwargs, match", [({"momentum": 1.5}, "momentum"),
                                           ({"epsilon": 0}, "epsilon"),
                                           ({"axis": [1, 2]}, "one feature axis")])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BN(**kwargs)


def test_batch_axis_is_rejected():
    with pytest.raises(ValueError, match="batch axis"):
        BN(axis=0)(np.zeros((4, 3)))


# ------------------------------------------------------------ the book's model
def test_book_model_summary_counts():
    model = batch_norm_model()
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Total params: 271,346" in text
    assert "Trainable params: 268,978" in text
    assert "Non-trainable params: 2,368" in text
    assert [layer.count_params() for layer in model.layers] == [0, 3136, 235500, 1200,
                                                                30100, 400, 1010]
    assert [v.trainable for v in model.layers[1].variables] == [True, True, False, False]


def test_book_model_bn_before_activation_trains():
    model = keras.models.Sequential([
        keras.layers.Flatten(input_shape=[28, 28]),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(30, kernel_initializer="he_normal", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("elu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    rng = np.random.default_rng(7)
    x, y = rng.uniform(0, 1, (200, 28, 28)), rng.integers(0, 10, 200)
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=1e-2), metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=20, verbose=0)
    losses = history.history["loss"]
    assert np.isfinite(losses).all() and losses[-1] < losses[0]
    assert model.layers[2].count_params() == 784 * 30  # no bias
