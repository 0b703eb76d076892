"""Activation functions: values, derivatives, lookup, numerical stability."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nnlite as keras
from nnlite import activations

Z = np.array([-3.0, -1.0, -0.5, 0.5, 1.0, 3.0])


def expected_values():
    sig = 1 / (1 + np.exp(-Z))
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    return {
        "linear": Z,
        "sigmoid": sig,
        "tanh": np.tanh(Z),
        "relu": np.maximum(Z, 0),
        "softplus": np.log1p(np.exp(Z)),
        "elu": np.where(Z > 0, Z, np.exp(Z) - 1),
        "selu": lam * np.where(Z > 0, Z, alpha * (np.exp(Z) - 1)),
        "leaky_relu": np.where(Z > 0, Z, 0.2 * Z),
        "softmax": np.exp(Z) / np.exp(Z).sum(),
    }


def expected_derivatives():
    sig = 1 / (1 + np.exp(-Z))
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    return {
        "linear": np.ones_like(Z),
        "sigmoid": sig * (1 - sig),
        "tanh": 1 - np.tanh(Z) ** 2,
        "relu": (Z > 0).astype(float),
        "softplus": sig,
        "elu": np.where(Z > 0, 1.0, np.exp(Z)),
        "selu": lam * np.where(Z > 0, 1.0, alpha * np.exp(Z)),
        "leaky_relu": np.where(Z > 0, 1.0, 0.2),
    }


@pytest.mark.parametrize("name", list(expected_values()))
def test_values(name):
    np.testing.assert_allclose(activations.get(name)(Z), expected_values()[name], rtol=1e-12)


@pytest.mark.parametrize("name", list(expected_derivatives()))
def test_derivatives_from_output(name):
    act = activations.get(name)
    delta = np.linspace(0.5, 2.0, Z.size)
    np.testing.assert_allclose(act.backward(act(Z), delta), delta * expected_derivatives()[name],
                               rtol=1e-10)


def test_softmax_jacobian_vector_product():
    a = activations.softmax(Z[None, :])
    delta = np.linspace(-1, 1, Z.size)[None, :]
    jacobian = np.diag(a[0]) - np.outer(a[0], a[0])
    np.testing.assert_allclose(activations.softmax.backward(a, delta)[0], jacobian @ delta[0],
                               rtol=1e-12, atol=1e-15)


def test_lookup_by_name_callable_and_none():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.get("ReLU") is activations.relu
    assert activations.get(activations.tanh) is activations.tanh
    assert keras.layers.Dense(2, activation=keras.activations.selu).activation is \
        activations.selu
    with pytest.raises(ValueError, match="Unknown activation 'rleu'"):
        activations.get("rleu")
    with pytest.raises(TypeError):
        activations.get(42)


def test_constants_and_defaults():
    assert activations.SELU_ALPHA == pytest.approx(1.6732632423543772)
    assert activations.SELU_SCALE == pytest.approx(1.0507009873554805)
    assert activations.elu.alpha == 1.0
    assert activations.leaky_relu.alpha == pytest.approx(0.2)
    np.testing.assert_allclose(activations.leaky_relu(np.array([-1.0]), alpha=0.3), [-0.3])
    slope = activations.leaky_relu.with_alpha(0.01)
    np.testing.assert_allclose(slope(np.array([-2.0, 2.0])), [-0.02, 2.0])
    assert activations.deserialize(activations.serialize(slope)).alpha == pytest.approx(0.01)
    assert activations.serialize("relu") == "relu"


def test_every_activation_documents_its_equation():
    for name in expected_values():
        assert activations.get(name).equation, name
    assert "φ" in activations.__doc__ or "\\varphi" in activations.__doc__


def test_numerically_stable_for_huge_inputs():
    z = np.array([[-1000.0, 0.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # no overflow warnings
        np.testing.assert_allclose(activations.sigmoid(z), [[0.0, 0.5, 1.0]])
        np.testing.assert_allclose(activations.softmax(z), [[0.0, 0.0, 1.0]])
        np.testing.assert_allclose(activations.softplus(z), [[0.0, np.log(2), 1000.0]])
        assert np.all(np.isfinite(activations.elu(z)))
        assert np.all(np.isfinite(activations.selu(z)))


def test_softmax_rows_sum_to_one_and_preserves_dtype():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4, 7)).astype("float32") * 10
    a = activations.softmax(z)
    assert a.dtype == np.float32
    np.testing.assert_allclose(a.sum(axis=-1), 1, rtol=1e-6)
    assert activations.relu(np.array([-1, 2])).tolist() == [0, 2]   # ints work too


def test_custom_activation_needs_a_derivative_to_train():
    def swish(z):
        return z / (1 + np.exp(-z))
    keras.backend.clear_session()
    model = keras.models.Sequential([keras.layers.Dense(2, activation=swish, input_shape=[3]),
                                     keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    x = np.ones((4, 3))
    assert model.predict(x, verbose=0).shape == (4, 1)      # inference works
    with pytest.raises(TypeError, match="derivative"):
        model.train_on_batch(x, np.ones(4))
    swish.derivative = lambda z: (1 + np.exp(-z) + z * np.exp(-z)) / (1 + np.exp(-z)) ** 2
    model.train_on_batch(x, np.ones(4))


def test_activation_layer():
    layer = keras.layers.Activation("relu")
    np.testing.assert_array_equal(layer(np.array([[-1.0, 2.0]])), [[0.0, 2.0]])
    assert layer.get_config()["activation"] == "relu"
    assert layer.count_params() == 0
