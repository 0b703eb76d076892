"""Activation functions: values, derivatives, lookup, numerical stability."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import nnlite as keras
from nnlite import activations

Z = np.array([-3.0, -1.0, -0.5, 0.5, 1.0, 3.0])
erf = np.vectorize(math.erf)


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
        "gelu": 0.5 * Z * (1 + erf(Z / math.sqrt(2))),
        "swish": Z * sig,
        "silu": Z * sig,
        "mish": Z * np.tanh(np.log1p(np.exp(Z))),
    }


def expected_derivatives_from_z():
    """φ'(z) of the activations whose backward needs z, differentiated by hand."""
    sig = 1 / (1 + np.exp(-Z))
    t = np.tanh(np.log1p(np.exp(Z)))
    return {
        "gelu": 0.5 * (1 + erf(Z / math.sqrt(2))) + Z * np.exp(-Z**2 / 2) / math.sqrt(2 * math.pi),
        "swish": sig + Z * sig * (1 - sig),
        "silu": sig + Z * sig * (1 - sig),
        "mish": t + Z * sig * (1 - t**2),
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


@pytest.mark.parametrize("name", list(expected_derivatives_from_z()))
def test_derivatives_from_pre_activation(name):
    act = activations.get(name)
    assert act.needs_z and not activations.relu.needs_z
    delta = np.linspace(0.5, 2.0, Z.size)
    np.testing.assert_allclose(act.backward(act(Z), delta, z=Z),
                               delta * expected_derivatives_from_z()[name], rtol=1e-12)
    with pytest.raises(ValueError, match="z is required"):
        act.backward(act(Z), delta)


def test_gelu_swish_mish_at_one_match_the_closed_forms():
    one = np.array([1.0])
    # Φ(1) = ½(1 + erf(1/√2)); σ(1) = 1/(1 + e⁻¹); tanh(log(1 + e))
    np.testing.assert_allclose(activations.gelu(one), [0.8413447460685429], rtol=1e-15)
    np.testing.assert_allclose(activations.swish(one), [0.7310585786300049], rtol=1e-15)
    np.testing.assert_allclose(activations.mish(one), [0.8650983882673103], rtol=1e-15)
    # tanh form: ½(1 + tanh(√(2/π)·1.044715))
    np.testing.assert_allclose(activations.gelu(one, approximate=True),
                               [0.5 * (1 + math.tanh(math.sqrt(2 / math.pi) * 1.044715))],
                               rtol=1e-15)
    assert activations.gelu(np.array([0.0]))[0] == 0.0
    np.testing.assert_allclose(activations.gelu(np.array([-1.0])), [-0.15865525393145707],
                               rtol=1e-15)


def test_gelu_approximate_argument_and_tanh_form():
    z = np.linspace(-4, 4, 17)
    exact, approx = activations.gelu(z), activations.gelu(z, approximate=True)
    np.testing.assert_array_equal(activations.gelu(z, approximate=False), exact)  # Keras default
    np.testing.assert_allclose(
        approx, 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z**3))),
        rtol=1e-14, atol=1e-15)  # 1 + tanh(·) cancels for negative z
    assert 0 < np.abs(exact - approx).max() < 1e-3        # close, but a different function
    tanh_form = activations.gelu.with_approximate(True)
    np.testing.assert_array_equal(tanh_form(z), approx)
    np.testing.assert_array_equal(tanh_form(z, approximate=False), exact)
    assert activations.serialize(tanh_form) == "gelu:approximate"
    assert activations.deserialize("gelu:approximate").approximate is True
    assert activations.serialize("gelu") == "gelu" and not activations.gelu.approximate
    with pytest.raises(TypeError, match="approximate must be True or False, got 'yes'"):
        activations.gelu(z, approximate="yes")
    assert "approximate=False" in activations.gelu.equations
    assert "tanh" in tanh_form.equations


def test_swish_silu_and_mish_lookup_and_names():
    assert activations.get("swish") is activations.swish is activations.silu
    assert activations.get("silu") is activations.swish
    assert activations.get("SiLU") is activations.swish
    assert activations.get("mish") is activations.mish
    assert activations.get("gelu") is activations.gelu
    assert activations.serialize(activations.silu) == "swish"   # tf.keras 2's name
    assert activations.deserialize("silu") is activations.swish  # Keras 3's name loads too
    dense = keras.layers.Dense(2, activation=keras.activations.gelu)
    assert dense.activation is activations.gelu
    assert dense.get_config()["activation"] == "gelu"
    for name in ("gelu", "swish", "mish"):
        assert keras.layers.Activation(name).get_config()["activation"] == name


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
        assert "$" in activations.get(name).equations, name
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
        for act in (activations.gelu, activations.gelu.with_approximate(), activations.swish,
                    activations.mish):
            np.testing.assert_allclose(act(z), [[0.0, 0.0, 1000.0]], atol=1e-300)
            np.testing.assert_allclose(act.backward(act(z), np.ones_like(z), z=z),
                                       [[0.0, 0.5 if act is not activations.mish else 0.6,
                                         1.0]], atol=1e-300)


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
