"""Bad input gets a clear ValueError naming the layer or loss and the shapes,
and nothing is half-updated: the weights (and the optimizer) are unchanged."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nnlite as keras

pytestmark = pytest.mark.usefixtures("fresh_seeded_session")


def classifier():
    model = keras.models.Sequential([keras.layers.Dense(8, activation="relu", input_shape=[5]),
                                     keras.layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
                  metrics=["accuracy"])
    return model


def data(n=40):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 5)).astype("float32"), rng.integers(0, 3, size=n)


def assert_rejected(model, call, *fragments):
    """``call()`` raises ValueError mentioning every fragment; weights untouched."""
    before = model.get_weights()
    iterations = model.optimizer.iterations if model.optimizer is not None else None
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    for w0, w1 in zip(before, model.get_weights()):
        np.testing.assert_array_equal(w0, w1)
    if iterations is not None:
        assert model.optimizer.iterations == iterations
    return message


# ------------------------------------------------------------------ features
@pytest.mark.parametrize("method", ["fit", "evaluate", "predict", "train_on_batch",
                                    "test_on_batch", "call"])
def test_wrong_feature_count_names_layer_and_shapes(method):
    model = classifier()
    x, y = data()
    bad = x[:, :4]
    calls = {"fit": lambda: model.fit(bad, y, verbose=0),
             "evaluate": lambda: model.evaluate(bad, y, verbose=0),
             "predict": lambda: model.predict(bad, verbose=0),
             "train_on_batch": lambda: model.train_on_batch(bad, y),
             "test_on_batch": lambda: model.test_on_batch(bad, y),
             "call": lambda: model(bad)}
    assert_rejected(model, calls[method], '"dense"', "(None, 5)", "(40, 4)")


def test_wrong_feature_count_on_a_lazily_built_model():
    model = keras.models.Sequential([keras.layers.Dense(4), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    x = np.ones((10, 3))
    model.fit(x, np.ones(10), verbose=0)
    assert_rejected(model, lambda: model.fit(np.ones((10, 2)), np.ones(10), verbose=0),
                    "(10, 2)")


def test_one_dimensional_x():
    model = classifier()
    x, y = data()
    assert_rejected(model, lambda: model.fit(x[:, 0], y, verbose=0), '"dense"', "(40,)")
    assert_rejected(model, lambda: model.predict(x[:, 0], verbose=0), "(40,)")


def test_layer_called_eagerly_with_wrong_shape():
    layer = keras.layers.Dense(3)
    layer(np.ones((2, 4)))
    before = layer.get_weights()
    with pytest.raises(ValueError, match=r'"dense".*\(2, 5\)'):
        layer(np.ones((2, 5)))
    for w0, w1 in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(w0, w1)


# -------------------------------------------------------------------- labels
def test_one_hot_labels_for_sparse_loss():
    model = classifier()
    x, y = data()
    msg = assert_rejected(model, lambda: model.fit(x, np.eye(3)[y], verbose=0),
                          "sparse_categorical_crossentropy", "(40, 3)")
    assert "categorical_crossentropy" in msg


def test_sparse_labels_for_categorical_loss():
    model = classifier()
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    x, y = data()
    assert_rejected(model, lambda: model.fit(x, y, verbose=0), "categorical_crossentropy",
                    "(40,)", "(40, 3)")


def test_wrong_target_width_for_mse():
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[5])])
    model.compile(loss="mse", optimizer="sgd")
    x, _ = data()
    assert_rejected(model, lambda: model.fit(x, np.ones((40, 2)), verbose=0),
                    "mean_squared_error", "(40, 2)", "(40, 1)")


@pytest.mark.parametrize("labels, fragments", [
    (lambda y: y + 3, ["[0, 3)", "(40, 3)", "[3, 5]"]),
    (lambda y: -y - 1, ["[0, 3)", "(40, 3)", "[-3, -1]"]),
    (lambda y: y + 0.5, ["integers", "(40,)"]),
    (lambda y: y.astype(str), ["dtype", "(40,)"]),
], ids=["too_large", "negative", "fractional", "strings"])
def test_bad_sparse_labels(labels, fragments):
    model = classifier()
    x, y = data()
    assert_rejected(model, lambda: model.fit(x, labels(y), verbose=0),
                    "sparse_categorical_crossentropy", *fragments)
    assert_rejected(model, lambda: model.evaluate(x, labels(y), verbose=0),
                    "sparse_categorical_crossentropy", *fragments)


def test_binary_targets_outside_unit_interval():
    model = keras.models.Sequential([keras.layers.Dense(1, activation="sigmoid",
                                                        input_shape=[5])])
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    x, y = data()
    assert_rejected(model, lambda: model.fit(x, y, verbose=0), "binary_crossentropy", "[0, 1]",
                    "(40,)")


def test_sample_count_mismatch():
    model = classifier()
    x, y = data()
    assert_rejected(model, lambda: model.fit(x, y[:30], verbose=0), "40", "30")


def test_validation_data_checked_before_training():
    model = classifier()
    x, y = data()
    assert_rejected(model, lambda: model.fit(x, y, validation_data=(x[:, :4], y), verbose=0),
                    "(40, 4)")


# ------------------------------------------------------------ NaN and empty
def test_nan_in_inputs():
    model = classifier()
    x, y = data()
    x[3, 2] = np.nan
    assert_rejected(model, lambda: model.fit(x, y, verbose=0), "NaN", "(3, 2)")
    assert_rejected(model, lambda: model.predict(x, verbose=0), "NaN")


def test_huge_finite_inputs_are_finite():
    """Their sum overflows to inf; the element-wise check then finds them finite."""
    from nnlite.models.data import all_finite

    x = np.full((40, 5), 3e38, dtype=np.float32)
    assert all_finite(x)
    for bad in (np.inf, -np.inf, np.nan):
        x[5, 1] = bad
        assert not all_finite(x)
    assert all_finite(np.zeros(3)) and not all_finite(np.array([1.0, np.nan]))


def test_nan_in_targets():
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[5])])
    model.compile(loss="mse", optimizer="sgd")
    x, _ = data()
    y = np.ones(40)
    y[7] = np.inf
    assert_rejected(model, lambda: model.fit(x, y, verbose=0), "NaN")


def test_empty_arrays():
    model = classifier()
    x, y = data()
    assert_rejected(model, lambda: model.fit(x[:0], y[:0], verbose=0), "empty", "(0, 5)")
    assert_rejected(model, lambda: model.predict(x[:0], verbose=0), "empty")


def test_bad_arguments():
    model = classifier()
    x, y = data()
    assert_rejected(model, lambda: model.fit(x, y, batch_size=0, verbose=0), "batch_size")
    assert_rejected(model, lambda: model.fit(x, y, validation_split=1.5, verbose=0),
                    "validation_split")
    with pytest.raises(ValueError, match="Unknown loss"):
        model.compile(loss="nonsense", optimizer="sgd")
    with pytest.raises(ValueError, match="Unknown activation"):
        keras.layers.Dense(3, activation="nonsense")


# ------------------------------------------------------------ NaN during fit
class WeightRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.snapshots = []

    def on_train_batch_end(self, batch, logs=None):
        self.snapshots.append(self.model.get_weights())


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_nan_loss_stops_training_without_updating():
    """An exploding learning rate: the step whose loss overflows is not applied."""
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[5])])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=5.0))
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 5)) * 100
    y = rng.normal(size=64) * 100
    recorder = WeightRecorder()
    with pytest.warns(RuntimeWarning, match="loss is"):
        history = model.fit(x, y, batch_size=4, epochs=20, verbose=0, callbacks=[recorder])
    assert model.stop_training
    assert len(history.epoch) < 20
    assert not np.isfinite(history.history["loss"][-1])
    assert len(recorder.snapshots) > 1, "the loss should overflow only after finite steps"
    # the hooks see the non-finite batch too (as in Keras, so TerminateOnNaN can act),
    # but its step was not applied: the weights are those after the last finite step
    last_finite = recorder.snapshots[-2]
    for w_rec, w_nan_batch, w_now in zip(last_finite, recorder.snapshots[-1],
                                         model.get_weights()):
        assert np.all(np.isfinite(w_now))
        np.testing.assert_array_equal(w_rec, w_now)
        np.testing.assert_array_equal(w_nan_batch, w_now)
    assert model.optimizer.iterations == len(recorder.snapshots) - 1


def test_train_on_batch_nan_loss_raises_and_keeps_weights():
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[2])])
    model.compile(loss="mse", optimizer="sgd")
    model.set_weights([np.full((2, 1), 1e30, dtype="float32"), np.zeros(1, "float32")])
    before = model.get_weights()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow inside NumPy
        with pytest.raises(FloatingPointError):
            model.train_on_batch(np.full((4, 2), 1e10), np.zeros(4))
    for w0, w1 in zip(before, model.get_weights()):
        np.testing.assert_array_equal(w0, w1)
