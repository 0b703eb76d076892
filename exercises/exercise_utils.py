"""What every exercise needs besides the learner's code: quick mode, the book's
data and model, and the equations shown from their one home.

* ``QUICK`` — ``NNLITE_TUTORIAL_QUICK=1`` (the tutorials' switch) trains on a
  small slice for one epoch, so that every exercise runs in seconds (CI mode).
* ``show_equations(obj)`` — a class's ``Equations`` docstring section
  (``obj.equations``): rendered under the cell in a notebook, printed otherwise.
* ``load_fashion_mnist(n_train)`` — the book's images scaled to [0, 1];
  scikit-learn's bundled digits when Fashion-MNIST is not available.
* ``book_mlp(...)`` — the book's 784-300-100-10 classifier, built from any
  dense layer class (yours: ``MyDense``) and activations given as layers.
* ``train_book_model(model, optimizer, ...)`` — compile, fit, print the losses,
  and refuse to call a run with a non-finite loss a success.
* ``train_with_kernels(kernels, model, optimizer, ...)`` — the same, with your
  kernels registered as the backend ``"mine"`` and switched on for the run.

Import it from an exercise (the notebook's folder is on ``sys.path``)::

    from exercise_utils import QUICK, book_mlp, show_equations, train_book_model
"""

from __future__ import annotations

import functools
import math
import os

import numpy as np

import nnlite as keras

QUICK = os.environ.get("NNLITE_TUTORIAL_QUICK", "0") == "1"


def pick(quick_value, full_value):
    """``quick_value`` in quick mode, ``full_value`` otherwise."""
    return quick_value if QUICK else full_value


def show_equations(obj) -> None:
    """Show ``obj.equations`` (markdown with LaTeX): rendered in a notebook, printed otherwise."""
    text = obj.equations
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(Markdown(text))
    else:
        print(text)


@functools.lru_cache(maxsize=1)
def _training_images():
    """(X, y, pixel scale) of the training set, loaded once per Python session."""
    try:
        (X_full, y_full), _ = keras.datasets.fashion_mnist.load_data()
        return X_full, y_full, 255.0
    except keras.datasets.DatasetUnavailableError as exc:
        print("Fashion-MNIST unavailable, using scikit-learn's digits:",
              str(exc).splitlines()[0])
        (X_full, y_full), _ = keras.datasets.digits.load_data()
        return X_full, y_full, 16.0


def load_fashion_mnist(n_train: int | None = None, n_valid: int = 5000):
    """``(X_train, y_train), (X_valid, y_valid)`` scaled to [0, 1], validation first (book)."""
    X_full, y_full, scale = _training_images()
    if scale == 16.0:  # the digits: 1,797 images in all
        n_valid = min(n_valid, 300)
    end = None if n_train is None else n_valid + n_train
    X_valid, y_valid = X_full[:n_valid] / scale, y_full[:n_valid]
    X_train, y_train = X_full[n_valid:end] / scale, y_full[n_valid:end]
    return (X_train.astype(np.float32), y_train), (X_valid.astype(np.float32), y_valid)


def book_mlp(input_shape, dense=None, activation: str = "relu", hidden=(300, 100),
             output: str = "softmax", n_classes: int = 10, between=()) -> keras.Sequential:
    """Flatten → [dense(n), *between, Activation(activation)] per hidden n → dense(10) → output.

    ``dense`` is a class called as ``dense(units)`` (default: ``Dense`` with He
    initialization); ``between`` are layer factories put after each hidden
    dense layer (e.g. ``BatchNormalization``, ``lambda: Dropout(0.2)``);
    ``output="linear"`` leaves logits (a loss with ``from_logits=True``).
    """
    if dense is None:
        def dense(units):
            return keras.layers.Dense(units, kernel_initializer="he_normal")
    model = keras.Sequential([keras.layers.Flatten(input_shape=list(input_shape))])
    for units in hidden:
        model.add(dense(units))
        for make in between:
            model.add(make())
        model.add(keras.layers.Activation(activation))
    model.add(dense(n_classes))
    if output != "linear":
        model.add(keras.layers.Activation(output))
    return model


def train_book_model(model, optimizer="sgd", loss="sparse_categorical_crossentropy",
                     epochs: int | None = None, n_train: int | None = None,
                     batch_size: int = 32):
    """Fit ``model`` on Fashion-MNIST (a small slice in quick mode); return the History.

    Raises ``RuntimeError`` when a loss is not finite: the code under test
    diverged (or wrote NaN) although its check passed.
    """
    n_train = pick(512, None) if n_train is None else n_train
    epochs = pick(1, 5) if epochs is None else epochs
    (X_train, y_train), (X_valid, y_valid) = load_fashion_mnist(
        n_train, n_valid=pick(256, 5000))
    model.compile(loss=loss, optimizer=optimizer, metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=epochs, batch_size=batch_size,
                        validation_data=(X_valid, y_valid), verbose=0)
    for epoch, (train, valid) in enumerate(zip(history.history["loss"],
                                               history.history["val_loss"]), start=1):
        accuracy = history.history["val_accuracy"][epoch - 1]
        print(f"epoch {epoch}: loss {train:.4f}, validation loss {valid:.4f}, "
              f"validation accuracy {accuracy:.3f}")
    if not all(math.isfinite(v) for v in history.history["loss"]):
        raise RuntimeError(f"the training loss is not finite: {history.history['loss']}")
    return history


def train_with_kernels(kernels: dict, model: keras.Model, **training):
    """``train_book_model(model, **training)`` with ``kernels`` (name → your function)
    as the backend: ``keras.register_backend("mine", kernels)``, then the training
    inside ``with keras.backend("mine"):``, where nnlite calls your kernels (and its
    NumPy reference for every kernel you did not write)."""
    keras.register_backend("mine", kernels)
    with keras.backend("mine"):
        return train_book_model(model, **training)
