"""The core layers through the shared layer harness (nnlite/checking/layer_harness.py)."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite.checking.layer_harness import run_layer_test

ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus",
               "softmax", "gelu", "gelu:approximate", "swish", "silu", "mish"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_every_activation(activation):
    run_layer_test(keras.layers.Dense, {"units": 3, "activation": activation},
                   input_shape=(5, 4), expected_output_shape=(5, 3),
                   expected_num_trainable_weights=2, expected_num_non_trainable_weights=0)


def test_dense_without_bias_on_3d_inputs():
    run_layer_test(keras.layers.Dense, {"units": 2, "use_bias": False, "activation": "elu"},
                   input_shape=(3, 2, 4), expected_output_shape=(3, 2, 2),
                   expected_num_trainable_weights=1)


def test_dense_with_regularizers_and_constraints_round_trips():
    run_layer_test(keras.layers.Dense,
                   {"units": 3, "kernel_regularizer": keras.regularizers.l2(0.01),
                    "bias_regularizer": keras.regularizers.l1(0.01),
                    "kernel_constraint": keras.constraints.max_norm(2.0)},
                   input_shape=(4, 3), check_grads=False)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_layer(activation):
    run_layer_test(keras.layers.Activation, {"activation": activation}, input_shape=(4, 5),
                   expected_output_shape=(4, 5), expected_num_trainable_weights=0)


def test_flatten():
    run_layer_test(keras.layers.Flatten, {}, input_shape=(3, 2, 4),
                   expected_output_shape=(3, 8), expected_num_trainable_weights=0)


def test_reshape():
    run_layer_test(keras.layers.Reshape, {"target_shape": (2, -1)}, input_shape=(3, 6),
                   expected_output_shape=(3, 2, 3))


def test_concatenate():
    run_layer_test(keras.layers.Concatenate, {}, input_shape=[(4, 2), (4, 3)],
                   expected_output_shape=(4, 5))


def test_concatenate_other_axis():
    run_layer_test(keras.layers.Concatenate, {"axis": 1}, input_shape=[(4, 2, 3), (4, 1, 3)],
                   expected_output_shape=(4, 3, 3))


def test_build_called_directly_marks_the_layer_built():
    dense = keras.layers.Dense(3, activation=keras.layers.LeakyReLU(alpha=0.2))
    dense.build((None, 4))
    assert dense.built
    dense.set_weights([np.ones((4, 3)), np.zeros(3)])
    np.testing.assert_allclose(dense(-np.ones((1, 4))), np.full((1, 3), -0.8))  # kept
    with pytest.raises(ValueError):
        dense(np.ones((1, 5)))  # the built shape is checked as after a first call

    class Scale(keras.layers.Layer):  # a user layer whose build skips super().build
        def build(self, input_shape):
            self.w = self.add_weight("w", (input_shape[-1],), "ones")

        def forward(self, x, training=False):
            return x * self.w.value

    layer = Scale()
    layer.build((None, 2))
    layer.set_weights([np.array([2.0, 3.0])])
    assert layer.built
    np.testing.assert_allclose(layer(np.ones((1, 2))), [[2.0, 3.0]])
