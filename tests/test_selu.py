"""SELU: exact constants, the fixed point, and self-normalization of a 100-layer stack."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite import activations

ALPHA = 1.6732632423543772848170429916717
SCALE = 1.0507009873554804934193349852946


def test_selu_uses_the_exact_keras_constants():
    assert activations.SELU_ALPHA == ALPHA and activations.SELU_SCALE == SCALE
    z = np.linspace(-5, 5, 101)
    expected = SCALE * np.where(z > 0, z, ALPHA * np.expm1(z))
    np.testing.assert_allclose(activations.selu(z), expected, rtol=1e-12, atol=1e-15)
    assert activations.get("selu") is activations.selu
    assert activations.get("elu") is activations.elu


def test_selu_fixed_point_mean_0_variance_1():
    # E[selu(z)] = 0 and E[selu(z)²] = 1 for z ~ N(0, 1), by quadrature
    z = np.linspace(-12, 12, 200001)
    pdf = np.exp(-z ** 2 / 2) / np.sqrt(2 * np.pi)
    a = activations.selu(z)
    dz = z[1] - z[0]
    assert abs(np.sum(a * pdf) * dz) < 1e-6
    assert abs(np.sum(a ** 2 * pdf) * dz - 1.0) < 1e-6


def _stack_stats(activation: str, initializer: str, depth: int = 100):
    keras.utils.set_random_seed(42)
    model = keras.models.Sequential(
        [keras.layers.Dense(100, activation=activation, kernel_initializer=initializer,
                            input_shape=[100])]
        + [keras.layers.Dense(100, activation=activation, kernel_initializer=initializer)
           for _ in range(depth - 1)])
    x = np.random.default_rng(0).standard_normal((1000, 100)).astype("float32")
    stats = []
    for layer in model.layers:
        x = layer(x)
        stats.append((float(x.mean()), float(x.std())))
    return stats


def test_100_layer_selu_stack_self_normalizes():
    stats = _stack_stats("selu", "lecun_normal")
    for depth, (mean, std) in enumerate(stats):
        assert abs(mean) < 0.25, f"layer {depth}: mean {mean:.3f}"
        assert 0.7 < std < 1.3, f"layer {depth}: std {std:.3f}"


def test_without_selu_activations_vanish():
    # the same stack with ReLU and LeCun init loses half the variance per layer
    std = _stack_stats("relu", "lecun_normal")[-1][1]
    assert std < 1e-5


@pytest.mark.parametrize("rate", [0.1, 0.2])
def test_alpha_dropout_keeps_a_selu_stack_normalized(rate):
    keras.utils.set_random_seed(1)
    x = np.random.default_rng(2).standard_normal((2000, 100))
    for _ in range(20):
        x = keras.layers.Dense(100, activation="selu", kernel_initializer="lecun_normal")(x)
        x = keras.layers.AlphaDropout(rate)(x, training=True)
    assert abs(x.mean()) < 0.25 and 0.7 < x.std() < 1.3
