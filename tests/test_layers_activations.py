"""The ReLU family as layers: LeakyReLU, PReLU, ELU, ReLU, ThresholdedReLU, Softmax, RReLU."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite import _kernels as kernels
from nnlite.checking.layer_harness import run_layer_test

L = keras.layers
X = np.array([[-3.0, -1.0, -0.2, 0.3, 1.0, 7.0]], dtype="float32")


# ---------------------------------------------------------------- harness
@pytest.mark.parametrize("cls, kwargs", [
    (L.LeakyReLU, {}), (L.LeakyReLU, {"alpha": 0.2}), (L.ELU, {}), (L.ELU, {"alpha": 0.5}),
    (L.ReLU, {}), (L.ReLU, {"negative_slope": 0.1}),
    (L.ReLU, {"max_value": 1.0, "negative_slope": 0.2, "threshold": 0.5}),
    (L.ThresholdedReLU, {"theta": 0.5}), (L.Softmax, {}), (L.Softmax, {"axis": 1}),
    (L.RReLU, {}), (L.RReLU, {"lower": 0.1, "upper": 0.4, "seed": 2}),
])
def test_harness_no_weights(cls, kwargs):
    shape = (4, 3, 5) if kwargs.get("axis") == 1 else (6, 5)
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=shape,
                   expected_num_trainable_weights=0)


def test_harness_prelu():
    run_layer_test(L.PReLU, {}, input_shape=(6, 5), expected_num_trainable_weights=1)


def test_harness_prelu_shared_axes():
    run_layer_test(L.PReLU, {"shared_axes": [1], "alpha_initializer": "ones"},
                   input_shape=(4, 3, 5), expected_num_trainable_weights=1)


@pytest.mark.parametrize("shared_axes", [[1, 2], [2, 3]], ids=["channels_last",
                                                               "channels_first"])
def test_harness_prelu_one_slope_per_image_channel(shared_axes):
    # channels last: α of shape (1, 1, C), the fast kernels' (rows, C) layout;
    # channels first: α of shape (C, 1, 1), which they hand to the reference kernel
    run_layer_test(L.PReLU, {"shared_axes": shared_axes}, input_shape=(3, 2, 4, 2),
                   expected_num_trainable_weights=1)


# ----------------------------------------------------------------- values
def test_leaky_relu_default_slope_is_keras_0_3():
    np.testing.assert_allclose(L.LeakyReLU()(X), np.where(X > 0, X, 0.3 * X), rtol=1e-6)
    np.testing.assert_allclose(L.LeakyReLU(alpha=0.2)(X), np.where(X > 0, X, 0.2 * X))
    assert L.LeakyReLU(negative_slope=0.1).alpha == 0.1


def test_elu_values():
    np.testing.assert_allclose(L.ELU(alpha=2.0)(X), np.where(X > 0, X, 2.0 * np.expm1(X)),
                               rtol=1e-6)


def test_relu_keras_formula():
    layer = L.ReLU(max_value=5.0, negative_slope=0.1, threshold=0.5)
    expected = np.where(X >= 5.0, 5.0, np.where(X >= 0.5, X, 0.1 * (X - 0.5)))
    np.testing.assert_allclose(layer(X), expected, rtol=1e-6)
    np.testing.assert_allclose(L.ReLU()(X), np.maximum(X, 0))
    np.testing.assert_allclose(L.ReLU(max_value=6.0)(X), np.clip(X, 0, 6))


@pytest.mark.parametrize("kwargs, expected", [  # the examples of Keras' documentation
    ({}, [0.0, 0.0, 0.0, 5.0, 10.0]),
    ({"negative_slope": 0.5}, [-5.0, -2.5, 0.0, 5.0, 10.0]),
    ({"max_value": 5.0}, [0.0, 0.0, 0.0, 5.0, 5.0]),
    ({"threshold": 5.0}, [0.0, 0.0, 0.0, 0.0, 10.0]),  # x = t maps to 0, as Keras computes
    ({"threshold": 5.0, "negative_slope": 0.5}, [-7.5, -5.0, -2.5, 0.0, 10.0]),
])
def test_relu_matches_keras_examples(kwargs, expected):
    x = np.array([[-10.0, -5.0, 0.0, 5.0, 10.0]])
    np.testing.assert_allclose(L.ReLU(**kwargs)(x), [expected])


def test_relu_cap_below_the_threshold_only_caps_the_upper_branch():
    layer = L.ReLU(max_value=0.5, negative_slope=0.3, threshold=1.0)
    x = np.array([[0.0, 0.8, 1.0, 1.2, 3.0]])
    np.testing.assert_allclose(layer(x), [[-0.3, -0.06, 0.0, 0.5, 0.5]], atol=1e-7)
    np.testing.assert_allclose(layer.backward(np.ones_like(x)), [[0.3, 0.3, 0.3, 0.0, 0.0]])


def test_relu_cap_below_threshold_gradients():
    run_layer_test(L.ReLU, {"max_value": 0.5, "negative_slope": 0.3, "threshold": 1.0},
                   input_data=np.linspace(-2.05, 3.05, 24).reshape(4, 6), input_shape=(4, 6))


@pytest.mark.parametrize("layer, name, alpha", [
    (lambda: L.LeakyReLU(alpha=0.2), "leaky_relu", 0.2),
    (lambda: L.LeakyReLU(), "leaky_relu", 0.3),
    (lambda: L.ELU(alpha=0.7), "elu", 0.7),
    (lambda: L.ReLU(), "relu", 0.0),
    (lambda: L.ReLU(negative_slope=0.1), "leaky_relu", 0.1),
    (lambda: L.Softmax(), "softmax", 0.0),
])
def test_activation_layer_as_activation_argument(layer, name, alpha):
    # tf.keras: Dense(50, activation=LeakyReLU(alpha=0.2), kernel_initializer="he_normal")
    act_layer = layer()
    dense = L.Dense(4, activation=act_layer, kernel_initializer="he_normal")
    assert (dense.activation.kernel, dense.activation.alpha) == (name, alpha)
    x = np.random.default_rng(0).standard_normal((6, 3)).astype("float32")
    plain = L.Dense(4)
    plain(x)
    dense(x)
    dense.set_weights(plain.get_weights())
    np.testing.assert_allclose(dense(x), act_layer(plain(x)), rtol=1e-6, atol=1e-6)
    again = L.Dense.from_config(dense.get_config())  # saved as e.g. "leaky_relu:0.2"
    assert (again.activation.kernel, again.activation.alpha) == (name, alpha)


def test_leaky_relu_layer_as_activation_trains_like_the_separate_layer():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((32, 3)), rng.standard_normal((32, 1))
    keras.utils.set_random_seed(0)
    fused = keras.models.Sequential([
        L.Dense(8, activation=L.LeakyReLU(alpha=0.2), input_shape=[3]), L.Dense(1)])
    split = keras.models.Sequential([L.Dense(8, input_shape=[3]), L.LeakyReLU(alpha=0.2),
                                     L.Dense(1)])
    split.set_weights(fused.get_weights())
    for m in (fused, split):
        m.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.05))
    h1 = fused.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"]
    h2 = split.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h1, h2, rtol=1e-5)


@pytest.mark.parametrize("make, match", [
    (lambda: L.PReLU(name="my_prelu"), "PReLU layer 'my_prelu'.*own layer"),
    (lambda: L.ThresholdedReLU(), "ThresholdedReLU.*own layer"),
    (lambda: L.RReLU(), "RReLU.*own layer"),
    (lambda: L.ReLU(max_value=6.0), "max_value=6.0.*own layer"),
    (lambda: L.Softmax(axis=1), "axis=1.*own layer"),
])
def test_layers_that_cannot_be_an_activation_argument(make, match):
    with pytest.raises(ValueError, match=match):
        L.Dense(3, activation=make())


def test_thresholded_relu():
    np.testing.assert_allclose(L.ThresholdedReLU()(X), np.where(X > 1.0, X, 0))


def test_softmax_rows_sum_to_one_on_any_axis():
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    np.testing.assert_allclose(L.Softmax()(x).sum(axis=-1), 1.0, rtol=1e-6)
    y = L.Softmax(axis=1)(x)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-6)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(y, e / e.sum(axis=1, keepdims=True), rtol=1e-5)


def test_softmax_layer_is_fused_with_cross_entropy_like_dense_softmax():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((40, 6)), rng.integers(0, 4, 40)
    keras.utils.set_random_seed(0)
    fused = keras.models.Sequential([L.Dense(4, activation="softmax", input_shape=[6])])
    split = keras.models.Sequential([L.Dense(4, input_shape=[6]), L.Softmax()])
    split.set_weights(fused.get_weights())
    for m in (fused, split):
        m.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.1))
    h1 = fused.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    h2 = split.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(fused.get_weights()[0], split.get_weights()[0], atol=1e-5)


def test_rrelu_random_slopes_while_training_mean_slope_at_inference():
    layer = L.RReLU(lower=0.1, upper=0.3, seed=3)
    x = -np.ones((200, 100), dtype="float32")
    slopes = -layer(x, training=True)
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3
    assert abs(slopes.mean() - 0.2) < 0.005 and slopes.std() > 0.05
    assert not np.array_equal(slopes, -layer(x, training=True))  # new slopes each step
    np.testing.assert_allclose(layer(x), -0.2 * np.ones_like(x), rtol=1e-6)
    pos = np.abs(x)
    np.testing.assert_array_equal(layer(pos, training=True), pos)


def test_rrelu_layer_slopes_are_the_counter_based_draws_on_every_backend():
    x = -np.ones((40, 30), dtype="float32")
    lower, upper, seed = 0.1, 0.3, 5
    u = kernels.reference.dropout_uniform(x.size, seed, 0)  # step 0: the first pass
    slopes = (lower + (upper - lower) * u).reshape(x.shape).astype("float32")
    for name, status in kernels.available_backends().items():
        if status != "available":
            continue
        with kernels.use_backend(name):
            layer = L.RReLU(lower=lower, upper=upper, seed=seed)
            np.testing.assert_array_equal(layer(x, training=True), -slopes, err_msg=name)
            np.testing.assert_array_equal(layer.backward(np.ones_like(x)), slopes,
                                          err_msg=name)


def test_prelu_has_one_slope_per_unit_and_learns_it():
    model = keras.models.Sequential([L.Dense(10, kernel_initializer="he_normal",
                                             input_shape=[4]), L.PReLU(), L.Dense(1)])
    assert model.layers[1].count_params() == 10
    np.testing.assert_array_equal(model.layers[1].get_weights()[0], 0)  # alpha starts at 0
    rng = np.random.default_rng(2)
    x = rng.standard_normal((64, 4))
    y = np.abs(x).sum(axis=1, keepdims=True)
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.01))
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert np.abs(model.layers[1].get_weights()[0]).max() > 0
    assert L.PReLU(shared_axes=[1, 2]).__class__ is L.PReLU
    layer = L.PReLU(shared_axes=[1])
    layer(np.zeros((2, 3, 5)))
    assert layer.alpha.shape == (1, 5)


# -------------------------------------------------------- book usage, names
def test_book_leaky_relu_model_trains():
    model = keras.models.Sequential([
        L.Flatten(input_shape=[4, 4]),
        L.Dense(10, kernel_initializer="he_normal"), L.LeakyReLU(alpha=0.2),
        L.Dense(10, kernel_initializer="he_normal"), L.PReLU(),
        L.Dense(10, activation="elu", kernel_initializer="he_normal"),
        L.Dense(10, activation="selu", kernel_initializer="lecun_normal"),
        L.Dense(3, activation="softmax")])
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((60, 4, 4)), rng.integers(0, 3, 60)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_relu_layers_listed_like_keras():
    names = [m for m in dir(keras.layers) if "relu" in m.lower()]
    assert {"LeakyReLU", "PReLU", "ReLU", "ThresholdedReLU"} <= set(names)
    assert L.LeakyReLU().name.startswith("leaky_re_lu")
    assert L.PReLU().name.startswith("p_re_lu")


@pytest.mark.parametrize("make, match", [
    (lambda: L.LeakyReLU(alpha=-0.1), "alpha"),
    (lambda: L.LeakyReLU(alpha=0.1, negative_slope=0.2), "not both"),
    (lambda: L.ELU(alpha=-1.0), "alpha"),
    (lambda: L.ReLU(max_value=-1.0), "max_value"),
    (lambda: L.ReLU(negative_slope=-0.5), "negative_slope"),
    (lambda: L.ReLU(threshold=-1.0), "threshold"),
    (lambda: L.ThresholdedReLU(theta=-1.0), "theta"),
    (lambda: L.RReLU(lower=0.5, upper=0.1), "lower <= upper"),
])
def test_bad_arguments_raise_clearly(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_prelu_bad_shared_axis():
    with pytest.raises(ValueError, match="shared axis"):
        L.PReLU(shared_axes=[3])(np.zeros((2, 3)))
