"""The book's models (Géron, ch. 10–11), written once for scripts, tests and tutorials.

Each function returns a fresh model exactly as the book builds it (uncompiled,
but for the two ``build_model`` functions the hyperparameter searches call)
(seed first with :func:`nnlite.utils.set_random_seed` to reproduce a run).
Read them here; the tutorials print their source before using them.

==========================  ======================================================
batch_norm_model            Flatten → BN → Dense(300) → BN → Dense(100) → BN → 10
deep_model                  Dense(300) then 99 × Dense(100): the 100-layer SELU net
transfer_stack              models A and B of the transfer-learning recipe
split_dataset               Fashion-MNIST into task A (8 classes) and task B (shirt?)
model_B_on_A                model A's layers (a clone) under a new sigmoid head
wide_and_deep               ch. 10's functional model: two inputs, main and auxiliary outputs
WideAndDeepModel            the same model written with the subclassing API
regression_mlp              ch. 10's ``build_model`` for the scikit-learn wrapper
tuner_classifier            ch. 10's ``build_model(hp)`` for Keras Tuner
tuner_hypermodel            ch. 10's ``MyClassificationHyperModel`` (it tunes fit too)
==========================  ======================================================
"""

from __future__ import annotations

import numpy as np

from . import layers, optimizers
from .layers import Input
from .models import Model, Sequential, clone_model

__all__ = ["batch_norm_model", "deep_model", "transfer_stack", "split_dataset", "model_B_on_A",
           "wide_and_deep", "WideAndDeepModel", "regression_mlp", "tuner_classifier",
           "tuner_hypermodel"]

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


def wide_and_deep(n_wide: int = 5, n_deep: int = 6) -> Model:
    """The book's functional wide & deep model with an auxiliary output.

    Inputs ``wide_input`` (the book's features 0–4) and ``deep_input``
    (features 2–7); outputs ``main_output`` and ``aux_output``.
    """
    input_A = Input(shape=[n_wide], name="wide_input")
    input_B = Input(shape=[n_deep], name="deep_input")
    hidden1 = layers.Dense(30, activation="relu")(input_B)
    hidden2 = layers.Dense(30, activation="relu")(hidden1)
    concat = layers.concatenate([input_A, hidden2])
    output = layers.Dense(1, name="main_output")(concat)
    aux_output = layers.Dense(1, name="aux_output")(hidden2)
    return Model(inputs=[input_A, input_B], outputs=[output, aux_output])


class WideAndDeepModel(Model):
    """The book's subclassing-API model: layers made in ``__init__``, the graph in ``call``.

    Inputs (wide, deep): the deep one goes through two hidden layers, then is
    concatenated with the wide one for the main output; the auxiliary output
    reads the second hidden layer.
    """

    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = layers.Dense(units, activation=activation)
        self.hidden2 = layers.Dense(units, activation=activation)
        self.main_output = layers.Dense(1)
        self.aux_output = layers.Dense(1)

    def call(self, inputs):
        input_A, input_B = inputs
        hidden1 = self.hidden1(input_B)
        hidden2 = self.hidden2(hidden1)
        concat = layers.concatenate([input_A, hidden2])
        return self.main_output(concat), self.aux_output(hidden2)


def regression_mlp(n_hidden: int = 1, n_neurons: int = 30, learning_rate: float = 3e-3,
                   input_shape=(8,)) -> Sequential:
    """The book's ``build_model`` for ``KerasRegressor``: ReLU layers, one output, compiled.

    Every argument is a hyperparameter a search can set (``input_shape``:
    California housing's 8 features).
    """
    model = Sequential()
    model.add(layers.InputLayer(input_shape=input_shape))
    for _ in range(n_hidden):
        model.add(layers.Dense(n_neurons, activation="relu"))
    model.add(layers.Dense(1))
    model.compile(loss="mse", optimizer=optimizers.SGD(learning_rate=learning_rate))
    return model


def tuner_classifier(hp) -> Sequential:
    """The book's ``build_model(hp)`` for Keras Tuner: it asks ``hp`` for each hyperparameter."""
    n_hidden = hp.Int("n_hidden", min_value=0, max_value=8, default=2)
    n_neurons = hp.Int("n_neurons", min_value=16, max_value=256)
    learning_rate = hp.Float("learning_rate", min_value=1e-4, max_value=1e-2,
                             sampling="log")
    optimizer = hp.Choice("optimizer", values=["sgd", "adam"])
    if optimizer == "sgd":
        optimizer = optimizers.SGD(learning_rate=learning_rate)
    else:
        optimizer = optimizers.Adam(learning_rate=learning_rate)
    model = Sequential()
    model.add(layers.Flatten())
    for _ in range(n_hidden):
        model.add(layers.Dense(n_neurons, activation="relu"))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    return model


def tuner_hypermodel(kt):
    """The book's ``MyClassificationHyperModel``, a subclass of ``kt.HyperModel``.

    ``build`` is :func:`tuner_classifier`; its ``fit`` normalizes the inputs
    when ``hp.Boolean("normalize")`` says so.  ``kt`` is the ``keras_tuner``
    module (an optional extra, so the caller imports it).
    """
    class MyClassificationHyperModel(kt.HyperModel):
        def build(self, hp):
            return tuner_classifier(hp)

        def fit(self, hp, model, X, y, **kwargs):
            if hp.Boolean("normalize"):
                norm_layer = layers.Normalization()
                norm_layer.adapt(X)
                X = norm_layer(X)
            return model.fit(X, y, **kwargs)

    return MyClassificationHyperModel()
