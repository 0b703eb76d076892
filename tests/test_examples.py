"""The book's models in nnlite.examples: shapes, counts and the transfer recipe's promises."""

from __future__ import annotations

import numpy as np

import nnlite as keras
from nnlite import examples


def test_deep_model_is_the_books_100_layer_net():
    model = examples.deep_model()
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert len(dense) == 101  # 100 hidden layers + the output layer
    assert [layer.units for layer in dense[:3]] == [300, 100, 100] and dense[-1].units == 10
    assert {layer.get_config()["activation"] for layer in dense[:-1]} == {"selu"}
    assert dense[0].get_config()["kernel_initializer"]["class_name"] == "LecunNormal"
    relu = examples.deep_model("relu", "he_normal", n_hidden=3)
    assert len(relu.layers) == 5  # Flatten, 3 hidden, output


def test_split_dataset_tasks():
    y = np.array([0, 5, 6, 7, 9, 6, 1], dtype=np.uint8)
    X = np.arange(len(y))
    (X_A, y_A), (X_B, y_B) = examples.split_dataset(X, y)
    np.testing.assert_array_equal(X_A, [0, 3, 4, 6])
    np.testing.assert_array_equal(y_A, [0, 5, 7, 1])  # 7 → 5, 9 → 7
    np.testing.assert_array_equal(X_B, [1, 2, 5])
    np.testing.assert_array_equal(y_B, [0.0, 1.0, 1.0])  # is it a shirt?


def test_model_B_on_A_leaves_model_A_alone():
    keras.utils.set_random_seed(3)
    model_A = examples.transfer_stack(8, "softmax", input_shape=(4, 4))
    before = model_A.get_weights()
    model_B = examples.model_B_on_A(model_A)
    assert model_B.layers[-1].units == 1 and len(model_B.layers) == len(model_A.layers)
    assert not set(map(id, model_B.layers)) & set(map(id, model_A.layers))
    for a, b in zip(before[:-2], model_B.get_weights()[:-2]):
        np.testing.assert_array_equal(a, b)  # A's weights copied
    model_B.compile(loss="binary_crossentropy", optimizer="sgd")
    X = np.random.default_rng(0).random((16, 4, 4))
    model_B.fit(X, (X.sum(axis=(1, 2)) > 8).astype("float32"), epochs=1, verbose=0)
    for a, b in zip(before, model_A.get_weights()):
        np.testing.assert_array_equal(a, b)  # training B did not touch A
