"""Normalization: adapt (one array, batches, steps), Keras' numbers and defaults, saving."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nnlite as keras
from nnlite.checking.layer_harness import run_layer_test

Norm = keras.layers.Normalization
ADAPT_2D = np.random.default_rng(5).normal(3.0, 2.0, (12, 4))


# ---------------------------------------------------------------- harness
def test_harness_per_feature():
    run_layer_test(Norm, {}, input_shape=(6, 4), adapt_data=ADAPT_2D,
                   expected_output_shape=(6, 4), expected_num_trainable_weights=0,
                   expected_num_non_trainable_weights=3)


@pytest.mark.parametrize("kwargs", [{"axis": None}, {"invert": True}])
def test_harness_scalar_statistics_and_invert(kwargs):
    run_layer_test(Norm, kwargs, input_shape=(5, 4), adapt_data=ADAPT_2D,
                   expected_num_non_trainable_weights=3)


def test_harness_tuple_axis_on_3d_inputs():
    data = np.random.default_rng(6).normal(1.0, 3.0, (7, 2, 3))
    run_layer_test(Norm, {"axis": (1, 2)}, input_shape=(4, 2, 3), adapt_data=data,
                   expected_num_non_trainable_weights=3)


def test_harness_given_mean_and_variance_has_no_weights():
    run_layer_test(Norm, {"mean": [1.0, -2.0, 0.5], "variance": [4.0, 0.25, 1.0]},
                   input_shape=(5, 3), expected_num_trainable_weights=0,
                   expected_num_non_trainable_weights=0)


# ------------------------------------------------ Keras' documented numbers
def test_axis_none_one_scalar_mean_and_variance():
    layer = Norm(axis=None)
    layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype="float32"))  # μ = 3, σ² = 2
    np.testing.assert_allclose(layer(np.array([1.0, 2.0, 3.0])),
                               [-2 / np.sqrt(2), -1 / np.sqrt(2), 0.0], rtol=1e-6)
    assert layer.adapt_mean.shape == () and layer.adapt_variance.shape == ()


def test_last_axis_statistics_per_feature():
    data = np.array([[0.0, 7.0, 4.0], [2.0, 9.0, 6.0], [0.0, 7.0, 4.0], [2.0, 9.0, 6.0]])
    layer = Norm(axis=-1)
    layer.adapt(data)  # μ = (1, 8, 5), σ² = (1, 1, 1)
    mean, variance, count = layer.get_weights()
    np.testing.assert_array_equal(mean, [1.0, 8.0, 5.0])
    np.testing.assert_array_equal(variance, [1.0, 1.0, 1.0])
    assert count == 4 and count.dtype == np.int64 and count.shape == ()
    np.testing.assert_allclose(layer(np.array([[0.0, 7.0, 4.0]])), [[-1.0, -1.0, -1.0]])
    assert layer.mean.shape == (1, 3)  # Keras' layer.mean broadcasts against the input


def test_invert_turns_standardized_values_back():
    data = np.array([[0.0, 7.0, 4.0], [2.0, 9.0, 6.0], [0.0, 7.0, 4.0], [2.0, 9.0, 6.0]])
    layer = Norm(axis=-1, invert=True)
    layer.adapt(data)
    np.testing.assert_allclose(layer(np.array([[1.0, 2.0, 3.0]])), [[2.0, 10.0, 8.0]])


def test_given_mean_and_variance_broadcast():
    layer = Norm(mean=3.0, variance=2.0)
    np.testing.assert_allclose(layer(np.array([[1.0], [2.0], [3.0]])),
                               [[-np.sqrt(2)], [-1 / np.sqrt(2)], [0.0]], rtol=1e-6)
    assert layer.weights == [] and layer.count_params() == 0
    per_feature = Norm(mean=[0.0, 10.0], variance=[1.0, 4.0])
    np.testing.assert_allclose(per_feature(np.array([[1.0, 14.0]])), [[1.0, 2.0]])


def test_epsilon_bounds_the_standard_deviation_not_the_variance():
    layer = Norm()
    layer.adapt(np.array([[1.0, 2.0], [1.0, 4.0]]))  # σ² = (0, 1): ÷ max(√0, 1e-7)
    y = layer(np.array([[1.5, 3.0]], dtype="float64"))
    np.testing.assert_allclose(y, [[0.5 / 1e-7, 0.0]], rtol=1e-5)
    assert keras.backend.epsilon() == 1e-7


def test_keras_defaults_and_weight_names():
    layer = Norm(name="norm")
    assert (layer.axis, layer.invert, layer.input_mean, layer.input_variance) == \
        ((-1,), False, None, None)
    layer.build((None, 8))
    assert [(w.name, w.shape, w.trainable) for w in layer.weights] == [
        ("norm/mean", (8,), False), ("norm/variance", (8,), False), ("norm/count", (), False)]
    mean, variance, count = layer.get_weights()
    assert mean.sum() == 0 and (variance == 1).all() and count == 0


# --------------------------------------------------------- adapt in batches
def test_batches_give_the_statistics_of_the_whole_array():
    x = np.random.default_rng(0).normal(-4.0, 3.0, (50, 3))
    whole = Norm()
    whole.adapt(x)
    for data, kwargs in [(x, {"batch_size": 7}), ([x[:20], x[20:45], x[45:]], {}),
                         (((xb, xb[:, 0]) for xb in np.array_split(x, 6)), {})]:
        layer = Norm()
        layer.adapt(data, **kwargs)
        for got, want in zip(layer.get_weights(), whole.get_weights()):
            np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(whole.adapt_mean.value, x.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(whole.adapt_variance.value, x.var(axis=0), rtol=1e-6)


def test_merge_is_stable_for_a_large_offset():
    # Σx²/N − μ² loses every digit here (x² ≈ 1e18, float64 keeps ~16); Chan's merge does not
    x = 1e9 + np.random.default_rng(1).standard_normal((400, 2))
    layer = Norm()
    layer.adapt(x, batch_size=16)
    np.testing.assert_allclose(layer.adapt_variance.value, x.var(axis=0), rtol=1e-5)


def test_steps_reads_only_the_first_batches():
    x = np.arange(10.0).reshape(10, 1)
    layer = Norm()
    layer.adapt(x, batch_size=4, steps=1)  # rows 0..3: μ = 1.5, σ² = 1.25
    np.testing.assert_allclose(layer.get_weights()[0], [1.5])
    np.testing.assert_allclose(layer.get_weights()[1], [1.25])
    assert layer.get_weights()[2] == 4


def test_arrays_are_read_32_rows_at_a_time_by_default():
    layer = Norm()
    layer.adapt(np.arange(40.0).reshape(40, 1), steps=1)  # rows 0..31, as tf.keras 2
    assert layer.get_weights()[2] == 32
    np.testing.assert_allclose(layer.get_weights()[0], [15.5])


def test_each_adapt_starts_afresh():
    layer = Norm()
    layer.adapt(np.array([[0.0], [2.0]]))
    layer.adapt(np.array([[10.0], [14.0]]))
    np.testing.assert_allclose(layer.get_weights()[0], [12.0])
    np.testing.assert_allclose(layer.get_weights()[1], [4.0])


# ------------------------------------------------------------------ errors
def test_using_it_before_adapt_says_to_adapt():
    layer = Norm(name="norm_before_adapt")
    layer.build((None, 2))
    with pytest.raises(ValueError, match=r"norm_before_adapt.adapt\(X_train\)"):
        layer(np.ones((3, 2)))


@pytest.mark.parametrize("kwargs, match", [
    ({"mean": 1.0}, "give both mean and variance"),
    ({"mean": [0.0], "variance": [-1.0]}, "variance must be >= 0"),
    ({"axis": "last"}, "axis must be an int"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        Norm(**kwargs)


def test_adapt_errors_repeat_what_was_received():
    with pytest.raises(ValueError, match="cannot be adapted"):
        Norm(mean=0.0, variance=1.0).adapt(np.ones((2, 1)))
    layer = Norm()
    layer.build((None, 3))
    with pytest.raises(ValueError, match=r"\(None, 3\).*\(4, 2\)"):
        layer.adapt(np.ones((4, 2)))
    with pytest.raises(ValueError, match="no data"):
        Norm().adapt([])
    with pytest.raises(ValueError, match="NaN"):
        Norm().adapt(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="out of range"):
        Norm(axis=2).adapt(np.ones((4, 2)))
    with pytest.raises(ValueError, match="batch_size"):
        Norm().adapt(np.ones((4, 2)), batch_size=0)
    with pytest.raises(ValueError, match="cannot be broadcast"):
        Norm(mean=[1.0, 2.0], variance=[1.0, 1.0])(np.ones((2, 3)))


# ------------------------------------------------------------ gradient
def test_input_gradient_is_one_over_the_standard_deviation():
    layer = Norm()
    layer.adapt(np.array([[0.0, 1.0], [4.0, 1.0]]))  # σ = (2, 0) → divide by (2, 1e-7)
    layer(np.ones((1, 2)))
    np.testing.assert_allclose(layer.backward(np.array([[3.0, 1.0]])), [[1.5, 1e7]],
                               rtol=1e-5)
    inverse = Norm(mean=[0.0], variance=[9.0], invert=True)
    inverse(np.ones((1, 1)))
    np.testing.assert_allclose(inverse.backward(np.array([[2.0]])), [[6.0]])


# ------------------------------------------------------ config and saving
def test_config_round_trips_through_json():
    layer = Norm(axis=(1, 2), invert=True, name="n")
    config = json.loads(json.dumps(layer.get_config()))
    clone = Norm.from_config(config)
    assert clone.axis == (1, 2) and clone.invert and clone.get_config() == layer.get_config()
    fixed = Norm.from_config(json.loads(json.dumps(Norm(mean=[1.0, 2.0],
                                                        variance=[1.0, 4.0]).get_config())))
    np.testing.assert_allclose(fixed(np.array([[2.0, 4.0]])), [[1.0, 1.0]])


def _housing_like(rng, n=64):
    x = rng.normal([3.9, 28.0, 5.4, 1.1, 1400.0, 3.0, 35.6, -119.6],
                   [1.9, 12.6, 2.5, 0.5, 1100.0, 10.0, 2.1, 2.0], (n, 8))
    return x, x[:, :1] * 0.5 + rng.normal(0, 0.1, (n, 1))


def test_the_books_regression_mlp_adapts_after_compile_and_saves(tmp_path):
    rng = np.random.default_rng(42)
    X_train, y_train = _housing_like(rng)
    norm_layer = keras.layers.Normalization(input_shape=X_train.shape[1:])
    model = keras.Sequential([norm_layer, keras.layers.Dense(50, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=1e-3))
    norm_layer.adapt(X_train)
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    assert "Non-trainable params: 17" in "\n".join(lines)  # 8 means, 8 variances, 1 count
    history = model.fit(X_train, y_train, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    model.save(tmp_path / "norm.keras")
    loaded = keras.models.load_model(tmp_path / "norm.keras")
    np.testing.assert_array_equal(loaded.predict(X_train[:5], verbose=0),
                                  model.predict(X_train[:5], verbose=0))
    restored = loaded.layers[0]
    assert isinstance(restored, Norm) and int(restored.count.value) == 64
    np.testing.assert_allclose(restored.adapt_mean.value, X_train.mean(axis=0), rtol=1e-5)


def test_wide_and_deep_with_two_normalization_layers():
    rng = np.random.default_rng(0)
    X, y = _housing_like(rng)
    input_wide, input_deep = keras.layers.Input(shape=[5]), keras.layers.Input(shape=[6])
    norm_wide, norm_deep = Norm(), Norm()
    hidden = keras.layers.Dense(30, activation="relu")(norm_deep(input_deep))
    concat = keras.layers.concatenate([norm_wide(input_wide), hidden])
    model = keras.Model(inputs=[input_wide, input_deep],
                        outputs=[keras.layers.Dense(1)(concat)])
    model.compile(loss="mse", optimizer="adam")
    X_wide, X_deep = X[:, :5], X[:, 2:]
    norm_wide.adapt(X_wide)
    norm_deep.adapt(X_deep)
    history = model.fit([X_wide, X_deep], y, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    np.testing.assert_allclose(norm_deep.adapt_variance.value, X_deep.var(axis=0), rtol=1e-5)
