"""Every argument of fit / evaluate / predict × a bad value: an error naming the argument
and the value, raised before anything runs (no epoch, no batch, weights unchanged)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nnlite as keras
from nnlite.models import fit_arguments
from nnlite.models.fit_arguments import ArgumentError

pytestmark = pytest.mark.usefixtures("fresh_seeded_session")


class Recorder(keras.callbacks.Callback):
    """Counts the hooks that fire, so a test can show that nothing ran."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append("epoch")

    def on_test_begin(self, logs=None):
        self.calls.append("test_begin")

    def on_predict_begin(self, logs=None):
        self.calls.append("predict_begin")


def model_and_data():
    model = keras.models.Sequential([keras.layers.Dense(4, activation="relu", input_shape=[3]),
                                     keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    rng = np.random.default_rng(0)
    return model, rng.normal(size=(20, 3)).astype("float32"), rng.normal(size=(20, 1))


X3 = np.zeros((20, 3))
BAD_FIT = [
    ("epochs", 1.5, "1.5"), ("epochs", -1, "-1"), ("epochs", "10", "'10'"),
    ("epochs", None, "None"), ("epochs", True, "True"),
    ("initial_epoch", -1, "-1"), ("initial_epoch", 0.5, "0.5"),
    ("batch_size", 0, "0"), ("batch_size", -4, "-4"), ("batch_size", 2.5, "2.5"),
    ("batch_size", "32", "'32'"),
    ("validation_split", 1.0, "1.0"), ("validation_split", -0.1, "-0.1"),
    ("validation_split", "0.2", "'0.2'"), ("validation_split", None, "None"),
    ("validation_data", (X3,), "1 item"), ("validation_data", X3, "shape (20, 3)"),
    ("validation_data", (X3, X3, X3, X3), "4 items"),
    ("validation_freq", 0, "0"), ("validation_freq", -2, "-2"), ("validation_freq", 1.5, "1.5"),
    ("validation_freq", [1, 0], "[1, 0]"), ("validation_freq", "2", "'2'"),
    ("steps_per_epoch", 0, "0"), ("steps_per_epoch", 1.5, "1.5"),
    ("validation_steps", 0, "0"), ("validation_batch_size", 0, "0"),
    ("shuffle", "batch", "'batch'"), ("shuffle", None, "None"), ("shuffle", 1, "1"),
    ("verbose", 3, "3"), ("verbose", -1, "-1"), ("verbose", "loud", "'loud'"),
    ("verbose", 1.0, "1.0"),
    ("callbacks", keras.callbacks.Callback, "Callback"), ("callbacks", ["stop"], "'stop'"),
    ("callbacks", "history", "'history'"),
    ("class_weight", [1.0, 2.0], "[1.0, 2.0]"), ("class_weight", 2.0, "2.0"),
]


@pytest.mark.parametrize("name, value, shown", BAD_FIT,
                         ids=[f"{n}={v!r:.20}" for n, v, _ in BAD_FIT])
def test_fit_refuses_a_bad_argument_before_anything_runs(name, value, shown):
    model, x, y = model_and_data()
    before = model.get_weights()
    recorder = Recorder()
    kwargs = {"verbose": 0, "callbacks": [recorder], name: value}
    if name == "validation_freq":
        kwargs["validation_split"] = 0.25
    with pytest.raises(ArgumentError) as info:
        model.fit(x, y, **kwargs)
    message = str(info.value)
    assert message.startswith(f"fit: {name} must be "), message
    assert shown in message, message
    assert recorder.calls == []
    assert model.optimizer.iterations == 0
    for w0, w1 in zip(before, model.get_weights()):
        np.testing.assert_array_equal(w0, w1)


def test_the_error_is_both_a_value_error_and_a_type_error():
    model, x, y = model_and_data()
    with pytest.raises(ValueError, match="epochs"):
        model.fit(x, y, epochs=-1, verbose=0)
    with pytest.raises(TypeError, match="epochs"):
        model.fit(x, y, epochs=1.5, verbose=0)


BAD_EVALUATE = [("batch_size", 0), ("batch_size", 1.5), ("verbose", 5), ("steps", 0),
                ("steps", 2.0), ("callbacks", Recorder()), ("return_dict", "yes")]
BAD_PREDICT = [("batch_size", 0), ("batch_size", "8"), ("verbose", "quiet"), ("steps", -1),
               ("callbacks", [object()]), ("training", "yes")]


@pytest.mark.parametrize("method, name, value", [("evaluate", *bad) for bad in BAD_EVALUATE]
                         + [("predict", *bad) for bad in BAD_PREDICT])
def test_evaluate_and_predict_refuse_a_bad_argument(method, name, value):
    model, x, y = model_and_data()
    recorder = Recorder()
    kwargs = {"verbose": 0, "callbacks": [recorder], name: value}
    with pytest.raises(ArgumentError, match=f"^{method}: {name} must be .*got"):
        model.evaluate(x, y, **kwargs) if method == "evaluate" else model.predict(x, **kwargs)
    assert recorder.calls == []


@pytest.mark.parametrize("method", ["evaluate", "predict"])
def test_unknown_keyword_arguments_are_refused(method):
    model, x, y = model_and_data()
    args = (x, y) if method == "evaluate" else (x,)
    with pytest.raises(TypeError, match="unexpected argument.*epochs"):
        getattr(model, method)(*args, epochs=3, verbose=0)


def test_good_values_are_accepted():
    model, x, y = model_and_data()
    assert model.fit(x, y, epochs=0, verbose=0).epoch == []  # Keras: trains nothing
    assert model.optimizer.iterations == 0
    history = model.fit(x, y, epochs=np.int64(2), batch_size=np.int32(8), verbose=False,
                        shuffle=np.bool_(False), validation_split=np.float32(0.25),
                        callbacks=(Recorder(),), validation_freq=np.array([2]))
    assert history.epoch == [0, 1]
    assert model.evaluate(x, y, verbose=0, batch_size=None) > 0
    assert model.predict(x, verbose="auto", training=None).shape == (20, 1)


def test_validation_freq_counts_epochs_from_one_like_keras():
    model, x, y = model_and_data()
    history = model.fit(x, y, epochs=4, validation_split=0.25, validation_freq=2, verbose=0)
    assert len(history.history["loss"]) == 4 and len(history.history["val_loss"]) == 2
    assert [fit_arguments.validates_after(e, 2) for e in range(4)] == [False, True, False, True]
    assert [fit_arguments.validates_after(e, [1, 4]) for e in range(4)] == \
        [True, False, False, True]
    model, x, y = model_and_data()
    logged = []

    class Logs(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logged.append("val_loss" in logs)

    model.fit(x, y, epochs=3, validation_data=(x, y), validation_freq={1, 3}, verbose=0,
              callbacks=[Logs()])
    assert logged == [True, False, True]


def test_initial_epoch_beyond_epochs_warns_that_nothing_runs():
    model, x, y = model_and_data()
    with pytest.warns(UserWarning, match="initial_epoch=5 is greater than epochs=2"):
        history = model.fit(x, y, epochs=2, initial_epoch=5, verbose=0)
    assert history.epoch == [] and model.optimizer.iterations == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert model.fit(x, y, epochs=3, initial_epoch=2, verbose=0).epoch == [2]


def test_steps_limits_evaluate_and_predict_to_the_first_batches():
    model, x, y = model_and_data()
    assert model.predict(x, batch_size=8, steps=2, verbose=0).shape == (16, 1)
    np.testing.assert_allclose(model.predict(x, batch_size=8, steps=2, verbose=0),
                               model.predict(x[:16], verbose=0))
    assert model.evaluate(x, y, batch_size=8, steps=1, verbose=0) == pytest.approx(
        model.evaluate(x[:8], y[:8], verbose=0))
    assert model.predict(x, batch_size=8, steps=10, verbose=0).shape == (20, 1)


def test_describe_shows_arrays_by_shape_and_short_reprs():
    assert fit_arguments.describe(np.zeros((3, 2))) == "an array of shape (3, 2)"
    assert fit_arguments.describe(1.5) == "1.5 (float)"
    assert fit_arguments.describe((np.zeros(4),)) == "a tuple of 1 item: (<array of shape (4,)>)"
    assert fit_arguments.describe(list(range(10))).endswith("[0, 1, 2, 3, ...]")
    assert len(fit_arguments.describe("x" * 500)) < 100


def test_every_fit_argument_has_a_rule():
    import inspect
    skipped = {"self", "x", "y", "sample_weight", "kwargs"}  # checked with the data
    for method, rules in fit_arguments.RULES.items():
        params = set(inspect.signature(getattr(keras.models.Model, method)).parameters)
        assert params - skipped == set(rules), method


def test_validation_steps_validates_on_the_first_batches():
    model, x, y = model_and_data()
    history = model.fit(x, y, epochs=1, shuffle=False, verbose=0, validation_data=(x, y),
                        validation_steps=1, validation_batch_size=5)
    model_copy = keras.models.clone_model(model)
    model_copy.set_weights(model.get_weights())
    model_copy.compile(loss="mse", optimizer="sgd")
    assert history.history["val_loss"][0] == pytest.approx(
        model_copy.evaluate(x[:5], y[:5], verbose=0), rel=1e-6)
    assert history.history["val_loss"][0] != pytest.approx(
        model_copy.evaluate(x, y, verbose=0), rel=1e-6)
