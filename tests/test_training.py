"""End-to-end training, determinism and the SGD optimizer (steps, lr, aliases)."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite.variables import Variable


@pytest.fixture(autouse=True)
def fresh():
    keras.backend.clear_session()


@pytest.fixture(scope="module")
def digits():
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    return (x_train / 16.0, y_train), (x_test / 16.0, y_test)


def digits_mlp(input_shape):
    return keras.models.Sequential([
        keras.layers.Flatten(input_shape=input_shape),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


# ------------------------------------------------------------------ end to end
def test_digits_reaches_90_percent_test_accuracy(digits):
    """The chapter-10 recipe on scikit-learn digits: ≥ 0.90 test accuracy in 15 epochs."""
    (x_train, y_train), (x_test, y_test) = digits
    keras.utils.set_random_seed(42)
    model = digits_mlp(x_train.shape[1:])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.1), metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=15, validation_split=0.1, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 3
    assert history.history["val_accuracy"][-1] >= 0.88
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert test_accuracy >= 0.90
    predicted = model.predict(x_test[:50], verbose=0).argmax(axis=1)
    assert np.mean(predicted == y_test[:50]) >= 0.85


def test_regression_learns_a_linear_function():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 3))
    y = x @ np.array([1.5, -2.0, 0.5]) + 0.3
    keras.utils.set_random_seed(0)
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[3])])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.05))
    model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel[:, 0], [1.5, -2.0, 0.5], atol=1e-2)
    np.testing.assert_allclose(bias, [0.3], atol=1e-2)
    assert model.evaluate(x, y, verbose=0) < 1e-4


def test_determinism_with_set_random_seed(digits):
    (x_train, y_train), _ = digits
    x, y = x_train[:300], y_train[:300]

    def run():
        keras.backend.clear_session()
        keras.utils.set_random_seed(42)
        model = digits_mlp(x.shape[1:])
        model.compile(loss="sparse_categorical_crossentropy",
                      optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                      metrics=["accuracy"])
        history = model.fit(x, y, epochs=3, batch_size=32, validation_split=0.2, verbose=0)
        return history.history, model.get_weights()

    history1, weights1 = run()
    history2, weights2 = run()
    assert history1 == history2
    for w1, w2 in zip(weights1, weights2):
        np.testing.assert_array_equal(w1, w2)
    keras.utils.set_random_seed(43)
    other = digits_mlp(x.shape[1:]).get_weights()
    assert not np.array_equal(other[0], weights1[0])


def test_shuffle_false_is_deterministic_without_seed():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(40, 4)), rng.normal(size=(40, 1))
    keras.utils.set_random_seed(5)
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[4])])
    model.compile(loss="mse", optimizer="sgd")
    start = model.get_weights()
    h1 = model.fit(x, y, epochs=2, shuffle=False, verbose=0).history
    model.set_weights(start)
    h2 = model.fit(x, y, epochs=2, shuffle=False, verbose=0).history
    assert h1["loss"] == pytest.approx(h2["loss"], rel=1e-6)


# ------------------------------------------------------------------------ SGD
def one_weight(value=1.0):
    return Variable(np.array([value], dtype=np.float64), name="w")


def run_steps(optimizer, grads):
    var = one_weight()
    values = []
    for g in grads:
        optimizer.apply_gradients([(np.array([g]), var)])
        values.append(float(var.value[0]))
    return values


def test_sgd_defaults():
    opt = keras.optimizers.SGD()
    assert float(opt.learning_rate) == pytest.approx(0.01)
    assert opt.momentum == 0.0 and opt.nesterov is False
    by_name = keras.optimizers.get("sgd")
    assert isinstance(by_name, keras.optimizers.SGD)
    assert float(by_name.lr) == pytest.approx(0.01)


def test_sgd_plain_steps():
    # θ ← θ − ηg
    assert run_steps(keras.optimizers.SGD(learning_rate=0.1), [0.5, -1.0]) == \
        pytest.approx([0.95, 1.05])


def test_sgd_momentum_first_steps_by_hand():
    # m ← βm − ηg; θ ← θ + m   with η = 0.1, β = 0.9, g = 0.5, 0.5, −1
    # m: −0.05, −0.095, 0.0145;  θ: 0.95, 0.855, 0.8695
    opt = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    assert run_steps(opt, [0.5, 0.5, -1.0]) == pytest.approx([0.95, 0.855, 0.8695])
    assert opt.iterations == 3


def test_sgd_nesterov_first_steps_by_hand():
    # m ← βm − ηg; θ ← θ + βm − ηg
    # step 1: m = −0.05,  θ = 1 − 0.045 − 0.05 = 0.905
    # step 2: m = −0.095, θ = 0.905 − 0.0855 − 0.05 = 0.7695
    opt = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    assert run_steps(opt, [0.5, 0.5]) == pytest.approx([0.905, 0.7695])


def test_sgd_step_inside_a_model_matches_hand_update():
    keras.utils.set_random_seed(3)
    model = keras.models.Sequential([keras.layers.Dense(2, input_shape=[3])])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.5))
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(4, 3)).astype("float32"), rng.normal(size=(4, 2)).astype("float32")
    W, b = model.get_weights()
    velocity_W, velocity_b = np.zeros_like(W), np.zeros_like(b)
    for _ in range(2):
        err = x @ W + b - y                    # MSE: ∂L/∂ŷ = 2(ŷ − y) / (n·k)
        g = 2 * err / err.size
        velocity_W = 0.5 * velocity_W - 0.1 * (x.T @ g)
        velocity_b = 0.5 * velocity_b - 0.1 * g.sum(axis=0)
        W, b = W + velocity_W, b + velocity_b
        model.train_on_batch(x, y)
    np.testing.assert_allclose(model.get_weights()[0], W, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.get_weights()[1], b, rtol=1e-5, atol=1e-6)


def test_lr_alias_warns_deprecation():
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        opt = keras.optimizers.SGD(lr=0.2)
    assert float(opt.learning_rate) == pytest.approx(0.2)


def test_learning_rate_readable_and_settable():
    opt = keras.optimizers.SGD(learning_rate=0.1)
    assert float(opt.lr) == pytest.approx(0.1) and opt.lr == opt.learning_rate
    assert opt.lr * 2 == pytest.approx(0.2)
    opt.lr = 0.3
    assert float(opt.learning_rate) == pytest.approx(0.3)
    opt.learning_rate = 0.05
    assert float(opt.lr) == pytest.approx(0.05)
    keras.backend.set_value(opt.lr, 0.5)
    assert keras.backend.get_value(opt.lr) == pytest.approx(0.5)
    assert keras.backend.get_value(opt.learning_rate) == pytest.approx(0.5)
    assert run_steps(opt, [1.0]) == pytest.approx([0.5])   # the new rate is used
    with pytest.raises(ValueError):
        keras.optimizers.SGD(learning_rate=-1.0)


def test_set_value_between_epochs_shows_in_history():
    class Halve(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            lr = self.model.optimizer.lr
            keras.backend.set_value(lr, keras.backend.get_value(lr) / 2)

    rng = np.random.default_rng(0)
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[2])])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.08))
    history = model.fit(rng.normal(size=(8, 2)), rng.normal(size=8), epochs=3, verbose=0,
                        callbacks=[Halve()])
    assert history.history["lr"] == pytest.approx([0.08, 0.04, 0.02])
    assert float(model.optimizer.lr) == pytest.approx(0.01)
