"""The book's models (Géron, ch. 11), written once for scripts, tests and tutorials.

Each function returns a fresh, uncompiled model exactly as the book builds it
(seed first with :func:`nnlite.utils.set_random_seed` to reproduce a run).
Read them here; the tutorials print their source before using them.

==========================  ======================================================
batch_norm_model            Flatten → BN → Dense(300) → BN → Dense(100) → BN → 10
deep_model                  Dense(300) then 99 × Dense(100): the 100-layer SELU net
transfer_stack              models A and B of the transfer-learning recipe
split_dataset               Fashion-MNIST into task A (8 classes) and task B (shirt?)
model_B_on_A                model A's layers (a clone) under a new sigmoid head
==========================  ======================================================
"""

from __future__ import annotations

import numpy as np

from . import layers
from .models import Sequential, clone_model

__all__ = ["batch_norm_model", "deep_model", "transfer_stack", "split_dataset", "model_B_on_A"]

SANDAL, SHIRT = 5, 6


def batch_norm_model(input_shape=(28, 28), n_classes: int = 10) -> Sequential:
    """The book's batch-normalization model: BN after the input and each hidden layer."""
    return Sequential([
        layers.Flatten(input_shape=list(input_shape)),
        layers.BatchNormalization(),
        layers.Dense(300, activation="elu", kernel_initializer="he_normal"),
        layers.BatchNormalization(),
        layers.Dense(100, activation="elu", kernel_initializer="he_normal"),
        layers.BatchNormalization(),
        layers.Dense(n_classes, activation="softmax"),
    ])


def deep_model(activation: str = "selu", kernel_initializer: str = "lecun_normal",
               n_hidden: int = 100, input_shape=(28, 28), n_classes: int = 10) -> Sequential:
    """Dense(300) then ``n_hidden − 1`` × Dense(100), all with ``activation``.

    With SELU and LeCun initialization (and standardized inputs) the net
    self-normalizes; with ReLU and He initialization it is the book's
    comparison.
    """
    model = Sequential()
    model.add(layers.Flatten(input_shape=list(input_shape)))
    model.add(layers.Dense(300, activation=activation, kernel_initializer=kernel_initializer))
    for _ in range(n_hidden - 1):
        model.add(layers.Dense(100, activation=activation, kernel_initializer=kernel_initializer))
    model.add(layers.Dense(n_classes, activation="softmax"))
    return model


def transfer_stack(n_out: int, activation: str, input_shape=(28, 28)) -> Sequential:
    """Flatten, five SELU hidden layers (300, 100, 50, 50, 50) and the output layer.

    ``transfer_stack(8, "softmax")`` is model A, ``transfer_stack(1, "sigmoid")``
    model B trained from scratch.
    """
    model = Sequential()
    model.add(layers.Flatten(input_shape=list(input_shape)))
    for n_neurons in (300, 100, 50, 50, 50):
        model.add(layers.Dense(n_neurons, activation="selu"))
    model.add(layers.Dense(n_out, activation=activation))
    return model


def split_dataset(X: np.ndarray, y: np.ndarray):
    """Task A: the 8 classes other than sandal (5) and shirt (6), labels 7–9 moved to 5–7;
    task B: sandal (0) or shirt (1).  Returns ``(X_A, y_A), (X_B, y_B)``."""
    y = np.asarray(y)
    y_5_or_6 = (y == SANDAL) | (y == SHIRT)
    y_A = y[~y_5_or_6].astype(np.int64)
    y_A[y_A > SHIRT] -= 2  # class indices 7, 8, 9 move to 5, 6, 7
    y_B = (y[y_5_or_6] == SHIRT).astype(np.float32)  # is it a shirt?
    return (X[~y_5_or_6], y_A), (X[y_5_or_6], y_B)


def model_B_on_A(model_A) -> Sequential:
    """Every layer of model A but its output, cloned, under a new ``Dense(1, sigmoid)``.

    ``Sequential(model_A.layers[:-1])`` alone would *share* the layers with
    model A, so training model B would change model A too: the book clones
    A first (``clone_model`` gives fresh weights, ``set_weights`` copies them).
    """
    model_A_clone = clone_model(model_A)
    model_A_clone.set_weights(model_A.get_weights())
    model = Sequential(model_A_clone.layers[:-1])
    model.add(layers.Dense(1, activation="sigmoid"))
    return model
