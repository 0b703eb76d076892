"""``model.compute_gradients``: the loss and ∂L/∂θ of one batch, and nothing changed.

It is the first half of every training step (``fit``, ``train_on_batch``)
and what ``inspect_batch`` and ``check_gradients`` read; here it is checked
against central differences in float64 and for leaving the model untouched.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite.utils.gradient_check import numerical_gradient

L = keras.layers


@pytest.fixture
def float64():
    previous = keras.backend.floatx()
    keras.backend.set_floatx("float64")
    yield
    keras.backend.set_floatx(previous)


def ch11_model(optimizer="adam"):
    """BN, dropout, noise, weight and activity penalties, and a fused softmax output."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(3)
    model = keras.Sequential([
        L.Dense(6, activation="elu", input_shape=[4],
                kernel_regularizer=keras.regularizers.l2(0.01)),
        L.BatchNormalization(),
        L.Dropout(0.3, seed=1),
        L.Dense(5, activation="tanh", activity_regularizer=keras.regularizers.l1(0.01)),
        L.GaussianNoise(0.2, seed=2),
        L.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer)
    return model


def batch(n=8):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 4)), rng.integers(0, 3, size=n)


def test_gradients_match_central_differences(float64):
    model = ch11_model()
    x, y = batch()
    w = np.linspace(0.5, 1.5, len(x))
    loss, grads = model.compute_gradients(x, y, sample_weight=w)
    assert np.isfinite(loss)
    assert [g.shape for g in grads] == [v.shape for v in model.trainable_variables]
    for var, grad in zip(model.trainable_variables, grads):
        numeric = numerical_gradient(lambda: model.compute_gradients(x, y, w)[0], var.value,
                                     h=1e-6)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8, err_msg=var.name)


def test_nothing_in_the_model_changes():
    model = ch11_model()
    x, y = batch()
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)  # optimizer slots and counters exist
    noise = [layer for layer in model.layers if hasattr(layer, "step")]
    before = {"weights": model.get_weights(),  # BN moving statistics included
              "slots": [{k: a.copy() for k, a in model.optimizer.slots(v).items()}
                        for v in model.trainable_variables],
              "iterations": model.optimizer.iterations,
              "steps": [layer.step for layer in noise]}
    first = model.compute_gradients(x, y)
    second = model.compute_gradients(x, y)
    assert first[0] == second[0]  # same dropout mask: the counters did not move
    for g1, g2 in zip(first[1], second[1]):
        np.testing.assert_array_equal(g1, g2)
    for w0, w1 in zip(before["weights"], model.get_weights()):
        np.testing.assert_array_equal(w0, w1)
    for slots, var in zip(before["slots"], model.trainable_variables):
        for name, value in slots.items():
            np.testing.assert_array_equal(value, model.optimizer.slots(var)[name])
    assert model.optimizer.iterations == before["iterations"]
    assert [layer.step for layer in noise] == before["steps"]


def test_compute_then_apply_is_one_training_step():
    """``apply_gradients(zip(grads, trainable_variables))`` repeats ``train_on_batch``."""
    x, y = batch()
    model = ch11_model(optimizer=keras.optimizers.SGD(learning_rate=0.1))
    loss, grads = model.compute_gradients(x, y)
    model.optimizer.apply_gradients(zip(grads, model.trainable_variables))
    by_hand = [v.numpy() for v in model.trainable_variables]
    model = ch11_model(optimizer=keras.optimizers.SGD(learning_rate=0.1))
    assert model.train_on_batch(x, y) == pytest.approx(loss, rel=1e-6)
    for expected, var in zip(by_hand, model.trainable_variables):
        np.testing.assert_allclose(var.value, expected, rtol=1e-6, atol=1e-7)


def test_inference_mode_and_the_compile_check():
    x, y = batch()
    model = ch11_model()
    train_loss, _ = model.compute_gradients(x, y)
    infer_loss, _ = model.compute_gradients(x, y, training=False)
    assert train_loss != infer_loss  # dropout and batch statistics only while training
    assert infer_loss == pytest.approx(model.evaluate(x, y, verbose=0, batch_size=len(x)),
                                       rel=1e-6)
    fresh = keras.Sequential([L.Dense(2, input_shape=[4])])
    with pytest.raises(RuntimeError, match="compile your model before computing gradients"):
        fresh.compute_gradients(x, y)
