"""A training step is committed only when it is finite.

A step whose loss, gradients or new BatchNormalization statistics are NaN or
inf must change nothing: no weight, optimizer slot or iteration counter, no
moving statistic, no noise-layer step counter.  ``train_on_batch`` then
raises ``FloatingPointError``; ``fit`` stops with a warning.  Each way a
step can go non-finite is injected into a model holding every layer with
per-step state, for every optimizer (with and without slots and clipping).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nnlite as keras
from nnlite.layers.base import deferred_updates

L = keras.layers
O = keras.optimizers

OPTIMIZERS = {
    "sgd": lambda: O.SGD(0.01),
    "sgd_nesterov": lambda: O.SGD(0.01, momentum=0.9, nesterov=True),
    "sgd_clipnorm": lambda: O.SGD(0.01, momentum=0.9, clipnorm=1.0),
    "adagrad_clipvalue": lambda: O.Adagrad(0.01, clipvalue=0.5),
    "rmsprop_centered": lambda: O.RMSprop(momentum=0.5, centered=True),
    "adam_amsgrad": lambda: O.Adam(amsgrad=True),
    "adam_global_clipnorm": lambda: O.Adam(global_clipnorm=1.0),
    "adamax": lambda: O.Adamax(),
    "nadam": lambda: O.Nadam(),
    "adamw": lambda: O.AdamW(weight_decay=0.01),
}


class GradientBreaker(L.Layer):
    """The identity, whose backward returns NaN once ``armed``: a finite loss, NaN gradients."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.armed = False
        self.raises = False

    def forward(self, x, training=False):
        return x

    def backward(self, grad_output):
        if self.raises:
            raise KeyboardInterrupt("the user pressed Ctrl-C in the middle of a step")
        return np.full_like(grad_output, np.nan) if self.armed else grad_output


def build(optimizer: str = "adam_amsgrad", units: int = 3):
    """Dense → every layer with per-step state → breaker → Dense head (seeded)."""
    keras.utils.set_random_seed(0)
    breaker = GradientBreaker()
    head = L.Dense(units, activation="softmax") if units > 1 else L.Dense(1)
    model = keras.models.Sequential([
        L.Dense(8, activation="relu", input_shape=[4]), L.BatchNormalization(),
        L.Dropout(0.3), L.AlphaDropout(0.2), L.GaussianNoise(0.1), L.GaussianDropout(0.2),
        L.RReLU(), breaker, head])
    model.compile(loss="sparse_categorical_crossentropy" if units > 1 else "mse",
                  optimizer=OPTIMIZERS[optimizer]())
    return model, breaker


def data(seed: int = 0, n: int = 16, regression: bool = False):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = rng.normal(size=n).astype("float32") if regression else rng.integers(0, 3, n)
    return x, y


def state_of(model) -> dict[str, np.ndarray]:
    """Every number a training step may change, by position (names differ between models)."""
    state = {f"weight {i}": w.numpy() for i, w in enumerate(model.weights)}
    opt = model.optimizer.get_state(model.trainable_weights)  # iterations, slots, lr, u_product
    state.update({f"optimizer {key}": np.asarray(v) for key, v in opt.items()})
    state.update({f"layer {i} step": np.asarray(layer.step)
                  for i, layer in enumerate(model.layers) if hasattr(layer, "step")})
    return state


def assert_same(before: dict, after: dict) -> None:
    """Bit for bit (so −0.0 ≠ 0.0 and a NaN payload would count)."""
    assert before.keys() == after.keys()
    for key in before:
        assert before[key].dtype == after[key].dtype, key
        assert before[key].tobytes() == after[key].tobytes(), f"{key} changed"


def assert_all_finite(state: dict) -> None:
    for key, value in state.items():
        assert np.isfinite(value).all(), f"{key} is not finite"


# ------------------------------------------------ ways a step goes non-finite
def overflowing_input(model, breaker, x, y):
    """Finite inputs whose batch variance overflows float32: BN's new σ̂² is inf."""
    return model.train_on_batch(x * 1e30, y)


def nan_gradient(model, breaker, x, y):
    """A layer whose gradient is NaN while the loss is finite."""
    breaker.armed = True
    return model.train_on_batch(x, y)


def huge_sample_weight(model, breaker, x, y):
    """A finite weight that passes validation but overflows the float32 gradients."""
    return model.train_on_batch(x, y, sample_weight=np.full(len(x), 1e300))


def huge_learning_rate_second_step(model, breaker, x, y):
    """After one step at η = 1e30 (weights still finite), the next forward overflows."""
    return model.train_on_batch(x, y)


INJECTIONS = [overflowing_input, nan_gradient, huge_sample_weight,
              huge_learning_rate_second_step]


def warm_up(model, x, y, injection) -> None:
    """Two finite steps, so slots, counters and statistics are all in use."""
    for _ in range(2):
        model.train_on_batch(x, y)
    if injection is huge_learning_rate_second_step:
        model.optimizer.learning_rate = 1e30
        model.train_on_batch(x, y)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's overflow warnings
@pytest.mark.parametrize("injection", INJECTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_a_non_finite_step_changes_nothing(optimizer, injection):
    model, breaker = build(optimizer)
    x, y = data()
    warm_up(model, x, y, injection)
    before, predicted = state_of(model), model.predict(x, verbose=0)
    assert_all_finite(before)
    with pytest.raises(FloatingPointError, match="weights were not updated"):
        injection(model, breaker, x, y)
    assert_same(before, state_of(model))
    np.testing.assert_array_equal(model.predict(x, verbose=0), predicted)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("optimizer", ["sgd", "adam_amsgrad", "nadam"])
def test_a_huge_finite_target_changes_nothing(optimizer):
    model, _ = build(optimizer, units=1)
    x, y = data(regression=True)
    model.train_on_batch(x, y)
    before = state_of(model)
    with pytest.raises(FloatingPointError, match="the loss is inf"):
        model.train_on_batch(x, np.full_like(y, 3e38))  # (3e38)² overflows
    assert_same(before, state_of(model))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("injection, reason", [
    (overflowing_input, "the loss is .* but the new moving statistics of layer "
                        "'batch_normalization.*' are not finite"),
    (nan_gradient, "the loss is .* but the gradients are not finite"),
    (huge_sample_weight, "the gradients are not finite")])
def test_train_on_batch_says_why_the_step_was_refused(injection, reason):
    model, breaker = build()
    x, y = data()
    model.train_on_batch(x, y)
    with pytest.raises(FloatingPointError, match=reason):
        injection(model, breaker, x, y)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("injection", [overflowing_input, nan_gradient],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("optimizer", ["sgd_nesterov", "nadam", "adam_global_clipnorm"])
def test_training_after_a_refused_step_is_as_if_it_never_happened(optimizer, injection):
    """The next batch gets the same noise masks, the same optimizer step number, …"""
    a, breaker = build(optimizer)
    b, _ = build(optimizer)
    x, y = data(0)
    x2, y2 = data(1)
    for model in (a, b):
        model.train_on_batch(x, y)
    with pytest.raises(FloatingPointError):
        injection(a, breaker, x, y)
    breaker.armed = False
    for model in (a, b):
        model.train_on_batch(x2, y2)
    assert_same(state_of(b), state_of(a))


# ----------------------------------------------------------------------- fit
class StateRecorder(keras.callbacks.Callback):
    """The model's state at the start of each batch; arms the breaker at ``fail_at``."""

    def __init__(self, breaker, fail_at: int):
        super().__init__()
        self.breaker, self.fail_at, self.states = breaker, fail_at, []

    def on_train_batch_begin(self, batch, logs=None):
        self.states.append(state_of(self.model))
        self.breaker.armed = batch == self.fail_at


@pytest.mark.parametrize("optimizer", ["sgd_nesterov", "rmsprop_centered", "nadam"])
def test_fit_stops_with_the_state_of_the_last_finite_step(optimizer):
    model, breaker = build(optimizer)
    x, y = data(n=64)
    recorder = StateRecorder(breaker, fail_at=3)
    with pytest.warns(RuntimeWarning, match=r"Epoch 1, batch 3: the loss is .* but the "
                      r"gradients are not finite .*training stopped before updating the "
                      r"weights \(they are those of the last finite step\)"):
        history = model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[recorder])
    assert model.stop_training and len(history.epoch) == 1
    assert len(recorder.states) == 4
    assert_same(recorder.states[3], state_of(model))
    assert model.optimizer.iterations == 3


def test_fit_with_an_exploding_learning_rate_keeps_the_batchnorm_statistics():
    """The issue's case: the failing batch's statistics used to be committed (NaN/inf)."""
    keras.utils.set_random_seed(1)
    model = keras.models.Sequential([
        L.Dense(30, activation="relu", input_shape=[4]), L.BatchNormalization(),
        L.Dense(30, activation="relu"), L.BatchNormalization(),
        L.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=O.SGD(learning_rate=1e4))
    x, y = data(n=256)
    recorder = StateRecorder(GradientBreaker(), fail_at=-1)  # records only
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x * 10, y, epochs=20, batch_size=16, verbose=0, callbacks=[recorder])
    messages = [str(w.message) for w in caught if "training stopped" in str(w.message)]
    assert len(messages) == 1 and "they are those of the last finite step" in messages[0]
    assert_all_finite(state_of(model))
    assert_same(recorder.states[-1], state_of(model))


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_fit_says_so_when_an_update_itself_overflowed():
    """Finite gradients × η = 1e38 give inf weights: the warning must not claim otherwise."""
    keras.utils.set_random_seed(0)
    model = keras.models.Sequential([L.Dense(1, input_shape=[4])])
    model.compile(loss="mse", optimizer=O.SGD(learning_rate=1e38))
    x, y = data(n=32, regression=True)
    with pytest.warns(RuntimeWarning, match="some weights were already NaN or inf"):
        model.fit(x, y + 10, epochs=2, batch_size=8, verbose=0)
    assert model.stop_training


def test_terminate_on_nan_still_sees_the_refused_batch(capsys):
    model, _ = build()
    x, y = data(n=32)
    seen = []
    keep = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(b))
    with pytest.warns(RuntimeWarning, match="training stopped before updating"):
        model.fit(x, y, epochs=1, batch_size=8, verbose=0,
                  sample_weight=np.r_[np.ones(24), np.full(8, 1e300)], shuffle=False,
                  callbacks=[keep, keras.callbacks.TerminateOnNaN()])
    assert seen == [0, 1, 2, 3]                  # the hooks saw the refused batch 3
    assert model.optimizer.iterations == 3


# -------------------------------------------- outside a model's training step
def test_eager_calls_and_mc_predictions_still_commit_at_once():
    drop = L.Dropout(0.5, seed=1)
    x = np.ones((4, 50), dtype="float32")
    first, second = drop(x, training=True), drop(x, training=True)
    assert drop.step == 2 and not np.array_equal(first, second)
    bn = L.BatchNormalization(momentum=0.5)
    bn(np.arange(8, dtype="float32").reshape(4, 2), training=True)
    np.testing.assert_allclose(bn.moving_mean.numpy(), [1.5, 2.0])
    model, _ = build()
    x, _ = data()
    steps = [layer.step for layer in model.layers if hasattr(layer, "step")]
    a, b = model.predict(x, training=True, verbose=0), model.predict(x, training=True, verbose=0)
    assert not np.array_equal(a, b)
    assert [layer.step for layer in model.layers if hasattr(layer, "step")] == \
        [s + 2 for s in steps]  # one noise draw per predict


def test_a_step_interrupted_by_an_exception_changes_nothing():
    model, breaker = build()
    x, y = data()
    model.train_on_batch(x, y)
    before = state_of(model)
    breaker.raises = True
    with pytest.raises(KeyboardInterrupt):
        model.train_on_batch(x, y)
    assert_same(before, state_of(model))
    assert not any(layer.defer_updates for layer in model.layers)


def test_deferred_updates_stage_until_commit():
    bn, noise = L.BatchNormalization(momentum=0.5), L.GaussianNoise(1.0, seed=3)
    x = np.arange(8, dtype="float32").reshape(4, 2)
    bn(x), noise(x)  # build
    with deferred_updates([bn, noise]):
        bn(x, training=True)
        noise(x, training=True)
        assert bn.moving_mean.numpy().tolist() == [0.0, 0.0] and noise.step == 0
        assert bn.updates_are_finite()
        bn.commit_updates()
        noise.commit_updates()
    np.testing.assert_allclose(bn.moving_mean.numpy(), [1.5, 2.0])
    assert noise.step == 1
    with deferred_updates([bn, noise]):  # not committed: discarded at the end
        bn(x * 1e30, training=True)
        noise(x, training=True)
        assert not bn.updates_are_finite()
    np.testing.assert_allclose(bn.moving_mean.numpy(), [1.5, 2.0])
    assert noise.step == 1
