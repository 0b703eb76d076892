"""Dropout, AlphaDropout, GaussianNoise/GaussianDropout and Monte-Carlo dropout."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite._kernels import reference
from nnlite._kernels.reference.dropout import alpha_dropout_coefs
from nnlite.checking.layer_harness import run_layer_test
from nnlite.utils import mc_predict

L = keras.layers


# ---------------------------------------------------------------- harness
@pytest.mark.parametrize("cls, kwargs", [
    (L.Dropout, {"rate": 0.3}),
    (L.Dropout, {"rate": 0.5, "noise_shape": (None, 1, 4), "seed": 3}),
    (L.AlphaDropout, {"rate": 0.2}),
    (L.GaussianNoise, {"stddev": 0.5}),
    (L.GaussianDropout, {"rate": 0.3, "seed": 1}),
])
def test_harness(cls, kwargs):
    shape = (5, 3, 4) if "noise_shape" in kwargs else (6, 4)
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=shape,
                   expected_num_trainable_weights=0)


# ---------------------------------------------------------------- dropout
def test_inverted_dropout_scales_kept_units_and_preserves_the_mean():
    layer = L.Dropout(0.2, seed=0)
    x = np.ones((400, 500), dtype="float32")
    y = layer(x, training=True)
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.8, rtol=1e-6)
    assert abs(kept.mean() - 0.8) < 0.005
    assert abs(y.mean() - 1.0) < 0.01  # E[output] = input


def test_dropout_is_the_identity_at_inference():
    x = np.random.default_rng(0).standard_normal((8, 5)).astype("float32")
    for layer in (L.Dropout(0.5), L.AlphaDropout(0.5), L.GaussianNoise(1.0),
                  L.GaussianDropout(0.5)):
        np.testing.assert_array_equal(layer(x), x)
        np.testing.assert_array_equal(layer(x, training=False), x)


def test_dropout_backward_uses_the_same_mask():
    layer = L.Dropout(0.5, seed=1)
    x = np.random.default_rng(1).standard_normal((10, 6)).astype("float32")
    y = layer(x, training=True)
    g = layer.backward(np.ones_like(x))
    np.testing.assert_array_equal(g != 0, y != 0)
    np.testing.assert_allclose(g[g != 0], 2.0)


def test_mask_depends_only_on_seed_step_and_element():
    x = np.ones((20, 30), dtype="float32")
    a, b = L.Dropout(0.3, seed=42), L.Dropout(0.3, seed=42)
    first = [a(x, training=True) for _ in range(3)]
    second = [b(x, training=True) for _ in range(3)]
    for u, v in zip(first, second):
        np.testing.assert_array_equal(u, v)  # same seed: same masks
    assert not np.array_equal(first[0], first[1])  # new step: new mask
    for step, y in enumerate(first):  # and exactly the reference kernel's mask
        np.testing.assert_array_equal(y != 0, reference.dropout_mask(x.shape, 42, step, 0.3))
    assert a.step == 3
    other = L.Dropout(0.3, seed=43)(x, training=True)
    assert not np.array_equal(other, first[0])


def test_noise_shape_drops_whole_features():
    layer = L.Dropout(0.5, noise_shape=(None, 1, 6), seed=2)
    y = layer(np.ones((4, 5, 6), dtype="float32"), training=True)
    for sample in y:  # the same features dropped at every time step
        assert (sample == sample[0]).all()


def test_set_random_seed_reproduces_a_training_run():
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((64, 5)), rng.standard_normal((64, 1))

    def train():
        keras.utils.set_random_seed(7)
        model = keras.models.Sequential([
            L.Dense(8, activation="relu", input_shape=[5]), L.Dropout(0.5),
            L.Dense(8, activation="selu"), L.AlphaDropout(0.2), L.Dense(1)])
        model.compile(loss="mse", optimizer="sgd")
        model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        return model.get_weights()

    for a, b in zip(train(), train()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cls", [L.Dropout, L.AlphaDropout, L.GaussianDropout])
@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5, "a"])
def test_bad_rate_raises_clearly(cls, rate):
    with pytest.raises(ValueError, match=r"rate.*\[0, 1\)"):
        cls(rate, name="my_drop")


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match="my_noise.*stddev"):
        L.GaussianNoise(-1.0, name="my_noise")
    with pytest.raises(ValueError, match="seed"):
        L.Dropout(0.1, seed=-3)
    with pytest.raises(ValueError, match="drop_ns.*noise_shape"):
        L.Dropout(0.1, noise_shape=(None, 3), name="drop_ns")(np.ones((2, 4)), training=True)


# ------------------------------------------------------------ alpha dropout
def test_alpha_dropout_keeps_mean_zero_and_variance_one():
    x = np.random.default_rng(4).standard_normal((500, 400))
    y = L.AlphaDropout(0.2, seed=5)(x, training=True)
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1.0) < 0.02
    a, b, alpha_p = alpha_dropout_coefs(0.2)
    dropped = np.isclose(y, a * alpha_p + b, rtol=0, atol=1e-6)  # all take a·α' + b
    assert abs(dropped.mean() - 0.2) < 0.01
    np.testing.assert_allclose(y[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-6)


def test_gaussian_dropout_mean_and_variance():
    x = np.ones((500, 400))
    y = L.GaussianDropout(0.3, seed=6)(x, training=True)
    assert abs(y.mean() - 1.0) < 0.01
    assert abs(y.var() - 0.3 / 0.7) < 0.02


def test_gaussian_noise_stddev():
    x = np.zeros((500, 400))
    y = L.GaussianNoise(0.5, seed=7)(x, training=True)
    assert abs(y.mean()) < 0.01 and abs(y.std() - 0.5) < 0.01


# --------------------------------------------------------- Monte-Carlo dropout
def _dropout_model():
    keras.utils.set_random_seed(0)
    return keras.models.Sequential([
        L.Flatten(input_shape=[4, 4]), L.Dropout(rate=0.2),
        L.Dense(16, activation="elu", kernel_initializer="he_normal"), L.Dropout(rate=0.2),
        L.Dense(3, activation="softmax")])


def test_mc_samples_differ_while_plain_inference_is_deterministic():
    model = _dropout_model()
    X = np.random.default_rng(8).uniform(size=(10, 4, 4))
    np.testing.assert_array_equal(model(X), model(X))
    np.testing.assert_array_equal(model.predict(X, verbose=0), model.predict(X, verbose=0))
    assert not np.allclose(model(X, training=True), model(X, training=True))
    assert not np.allclose(model.predict(X, training=True, verbose=0),
                           model.predict(X, training=True, verbose=0))
    y_probas = np.stack([model(X, training=True) for _ in range(50)])  # the book's idiom
    assert y_probas.shape == (50, 10, 3)
    np.testing.assert_allclose(y_probas.mean(axis=0).sum(axis=1), 1.0, rtol=1e-5)


def test_mc_predict_mean_std_and_bn_left_in_inference_mode():
    keras.utils.set_random_seed(1)
    model = keras.models.Sequential([
        L.Dense(8, activation="relu", input_shape=[4]), L.BatchNormalization(),
        L.Dropout(0.3), L.Dense(2, activation="softmax")])
    X = np.random.default_rng(9).standard_normal((12, 4))
    bn_before = model.layers[1].get_weights()
    mean, std = mc_predict(model, X, n_samples=30)
    assert mean.shape == std.shape == (12, 2)
    assert (std > 0).any()
    np.testing.assert_allclose(mean.sum(axis=1), 1.0, rtol=1e-5)
    for a, b in zip(model.layers[1].get_weights(), bn_before):
        np.testing.assert_array_equal(a, b)
    assert model.layers[2].force_training is False  # restored
    np.testing.assert_array_equal(model.predict(X, verbose=0), model.predict(X, verbose=0))


def test_mc_predict_needs_a_noise_layer():
    model = keras.models.Sequential([L.Dense(2, input_shape=[3])])
    with pytest.raises(ValueError, match="no dropout"):
        mc_predict(model, np.ones((2, 3)), n_samples=3)


def test_the_books_mcdropout_subclass():
    class MCDropout(keras.layers.Dropout):
        def call(self, inputs):
            return super().call(inputs, training=True)

    model = keras.models.Sequential([L.Dense(20, input_shape=[5]), MCDropout(0.5),
                                     L.Dense(1)])
    X = np.ones((4, 5))
    assert not np.allclose(model.predict(X, verbose=0), model.predict(X, verbose=0))
    model.compile(loss="mse", optimizer="sgd")
    history = model.fit(X, np.zeros((4, 1)), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
