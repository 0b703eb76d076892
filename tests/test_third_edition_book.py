"""The third edition's chapter 10 and 11 code, typed as the book prints it.

Each test is one section of Géron's notebooks (github.com/ageron/handson-ml3,
``10_neural_nets_with_keras.ipynb`` and ``11_training_deep_neural_networks.ipynb``),
with ``import nnlite as tf`` in place of ``import tensorflow as tf``.  The
code is the printed book's (2022); where the notebook has since changed a
cell for Keras 3 (``.weights.h5`` files, ``optimizer.learning_rate = lr``,
``history.history["learning_rate"]``), the newer spelling runs too.

Changed for speed only: the data are slices (Fashion-MNIST: 5,000 training,
5,000 validation and 1,000 test images; California housing: 2,000 rows, or a
synthetic stand-in with the same 8 features when scikit-learn has not cached
it), and ``epochs=`` is small (the book's value is in a comment).  Plots are
drawn off screen; cells that need TensorFlow itself check that nnlite says so.
The Keras Tuner cells (chapter 10's last section) are in ``test_keras_tuner.py``.
Not here: the scikit-learn cells and the exercises.
"""

from __future__ import annotations

import math
import shutil
from functools import partial
from pathlib import Path
from time import strftime

import matplotlib
import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from sklearn.utils import Bunch

import nnlite as tf
from nnlite.datasets._locate import search_roots
from nnlite.tensorflow_only import TensorFlowOnlyError

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

K = tf.keras.backend


# ------------------------------------------------------------------------- data
@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch):
    """The book writes my_keras_model, my_logs/ … into the working directory."""
    monkeypatch.chdir(tmp_path)
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def fashion_mnist():
    """``tf.keras.datasets.fashion_mnist.load_data()``, sliced: 10,000 + 1,000 images.

    The book then keeps the last 5,000 for validation, so 5,000 train: the
    fewest whose every pixel varies (chapter 11 divides by the pixel stds).
    """
    if not any((root / "fashion-mnist" / "train-images-idx3-ubyte.gz").exists()
               for root in search_roots()):
        pytest.skip("Fashion-MNIST is not on disk (apt install dataset-fashion-mnist)")
    (X_train_full, y_train_full), (X_test, y_test) = tf.keras.datasets.fashion_mnist.load_data()
    return (X_train_full[:10000], y_train_full[:10000]), (X_test[:1000], y_test[:1000])


def fetch_california_housing(n_rows: int = 2000) -> Bunch:
    """scikit-learn's California housing when cached, else a stand-in of the same shape.

    The stand-in has the real data's 8 features (MedInc, HouseAge, AveRooms,
    AveBedrms, Population, AveOccup, Latitude, Longitude) with similar ranges
    and a smooth, learnable target in the real one's range (0.15 to 5).
    """
    from sklearn.datasets import fetch_california_housing as fetch

    try:
        housing = fetch(download_if_missing=False)
        return Bunch(data=housing.data[:n_rows], target=housing.target[:n_rows])
    except OSError:
        pass
    rng = np.random.default_rng(42)
    data = np.column_stack([
        rng.lognormal(1.2, 0.45, n_rows), rng.integers(1, 53, n_rows).astype(float),
        rng.lognormal(1.6, 0.25, n_rows), rng.lognormal(0.05, 0.1, n_rows),
        rng.lognormal(7.0, 0.7, n_rows), rng.lognormal(1.0, 0.3, n_rows),
        rng.uniform(32.5, 42.0, n_rows), rng.uniform(-124.3, -114.3, n_rows)])
    target = (0.45 * data[:, 0] + 0.01 * data[:, 1] - 0.08 * (data[:, 6] - 36)
              + 0.1 * np.sin(data[:, 7]) + rng.normal(0, 0.2, n_rows))
    return Bunch(data=data, target=np.clip(target, 0.15, 5.0))


@pytest.fixture(scope="module")
def housing_splits():
    """The book's split of California housing: X_train, X_valid, X_test and targets."""
    housing = fetch_california_housing()
    X_train_full, X_test, y_train_full, y_test = train_test_split(
        housing.data, housing.target, random_state=42)
    X_train, X_valid, y_train, y_valid = train_test_split(
        X_train_full, y_train_full, random_state=42)
    return X_train, X_valid, X_test, y_train, y_valid, y_test


@pytest.fixture(scope="module")
def wide_and_deep_model_class():
    """The book's subclassed ``WideAndDeepModel`` (its cell, verbatim)."""

    class WideAndDeepModel(tf.keras.Model):
        def __init__(self, units=30, activation="relu", **kwargs):
            super().__init__(**kwargs)  # needed to support naming the model
            self.norm_layer_wide = tf.keras.layers.Normalization()
            self.norm_layer_deep = tf.keras.layers.Normalization()
            self.hidden1 = tf.keras.layers.Dense(units, activation=activation)
            self.hidden2 = tf.keras.layers.Dense(units, activation=activation)
            self.main_output = tf.keras.layers.Dense(1)
            self.aux_output = tf.keras.layers.Dense(1)

        def call(self, inputs):
            input_wide, input_deep = inputs
            norm_wide = self.norm_layer_wide(input_wide)
            norm_deep = self.norm_layer_deep(input_deep)
            hidden1 = self.hidden1(norm_deep)
            hidden2 = self.hidden2(hidden1)
            concat = tf.keras.layers.concatenate([norm_wide, hidden2])
            output = self.main_output(concat)
            aux_output = self.aux_output(hidden2)
            return output, aux_output

    return WideAndDeepModel


def wide_and_deep_data(housing_splits):
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing_splits
    X_train_wide, X_train_deep = X_train[:, :5], X_train[:, 2:]
    X_valid_wide, X_valid_deep = X_valid[:, :5], X_valid[:, 2:]
    X_test_wide, X_test_deep = X_test[:, :5], X_test[:, 2:]
    X_new_wide, X_new_deep = X_test_wide[:3], X_test_deep[:3]
    return (X_train_wide, X_train_deep, X_valid_wide, X_valid_deep, X_test_wide, X_test_deep,
            X_new_wide, X_new_deep)


# ======================================================================= chapter 10
def housing_mlp(X_train, hidden_units, optimizer):
    """The notebook's regression MLP (Normalization, Dense relu layers, Dense(1)), compiled."""
    norm_layer = tf.keras.layers.Normalization(input_shape=X_train.shape[1:])
    model = tf.keras.Sequential([
        norm_layer,
        *[tf.keras.layers.Dense(units, activation="relu") for units in hidden_units],
        tf.keras.layers.Dense(1)
    ])
    model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])
    norm_layer.adapt(X_train)
    return model, norm_layer


def test_10_setup_version_check():
    from packaging import version

    assert version.parse(tf.__version__) >= version.parse("2.8.0")


def test_10_implementing_mlps_image_classifier_with_the_sequential_api(fashion_mnist):
    # Using Keras to load the dataset
    (X_train_full, y_train_full), (X_test, y_test) = fashion_mnist
    X_train, y_train = X_train_full[:-5000], y_train_full[:-5000]
    X_valid, y_valid = X_train_full[-5000:], y_train_full[-5000:]
    assert X_train.shape == (5000, 28, 28) and X_train.dtype == np.uint8
    X_train, X_valid, X_test = X_train / 255., X_valid / 255., X_test / 255.
    class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    assert class_names[y_train[0]] == tf.keras.datasets.fashion_mnist.CLASS_NAMES[y_train[0]]

    # Creating the model using the Sequential API
    tf.random.set_seed(42)
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.InputLayer(input_shape=[28, 28]))
    model.add(tf.keras.layers.Flatten())
    model.add(tf.keras.layers.Dense(300, activation="relu"))
    model.add(tf.keras.layers.Dense(100, activation="relu"))
    model.add(tf.keras.layers.Dense(10, activation="softmax"))

    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=[28, 28]),
        tf.keras.layers.Dense(300, activation="relu"),
        tf.keras.layers.Dense(100, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax")
    ])
    lines = []
    model.summary(print_fn=lines.append)
    assert any("266,610" in line for line in lines)  # Total params, as printed in the book
    tf.keras.utils.plot_model(model, "my_fashion_mnist_model.png", show_shapes=True)
    assert Path("my_fashion_mnist_model.png").exists()
    assert len(model.layers) == 4
    hidden1 = model.layers[1]
    assert hidden1.name == "dense"
    assert model.get_layer('dense') is hidden1
    weights, biases = hidden1.get_weights()
    assert weights.shape == (784, 300) and biases.shape == (300,)
    assert (biases == 0).all() and 0 < np.abs(weights).max() <= math.sqrt(6 / (784 + 300))

    # Compiling the model
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer="sgd",
                  metrics=["accuracy"])
    model.compile(loss=tf.keras.losses.sparse_categorical_crossentropy,
                  optimizer=tf.keras.optimizers.SGD(),
                  metrics=[tf.keras.metrics.sparse_categorical_accuracy])
    np.testing.assert_array_equal(tf.keras.utils.to_categorical([0, 5, 1, 0], num_classes=10),
                                  np.eye(10)[[0, 5, 1, 0]])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer="sgd",
                  metrics=["accuracy"])

    # Training and evaluating the model
    history = model.fit(X_train, y_train, epochs=2,  # book: epochs=30
                        validation_data=(X_valid, y_valid))
    assert history.params.items() >= {"verbose": 1, "epochs": 2, "steps": 157}.items()
    assert history.epoch == [0, 1]
    assert list(history.history)[:4] == ["loss", "accuracy", "val_loss", "val_accuracy"]
    plt.figure(figsize=(8, 5))
    for key, style in zip(history.history, ["r--", "r--.", "b-", "b-*"]):
        epochs = np.array(history.epoch) + (0 if key.startswith("val_") else -0.5)
        plt.plot(epochs, history.history[key], style, label=key)
    plt.xlabel("Epoch")
    plt.axis([-0.5, 29, 0., 1])
    plt.legend(loc="lower left")
    plt.grid()
    assert history.history["loss"][-1] < history.history["loss"][0]
    test_loss, test_accuracy = model.evaluate(X_test, y_test)
    assert test_accuracy > 0.5

    # Using the model to make predictions
    X_new = X_test[:3]
    y_proba = model.predict(X_new)
    assert y_proba.round(2).shape == (3, 10)
    np.testing.assert_allclose(y_proba.sum(axis=1), 1, rtol=1e-5)
    y_pred = y_proba.argmax(axis=-1)
    assert np.array(class_names)[y_pred].shape == (3,)
    y_new = y_test[:3]
    assert y_new.shape == y_pred.shape


def test_10_regression_mlp_using_the_sequential_api(housing_splits):
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing_splits
    tf.random.set_seed(42)
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model, norm_layer = housing_mlp(X_train, [50, 50, 50], optimizer)
    history = model.fit(X_train, y_train, epochs=5,  # book: epochs=20
                        validation_data=(X_valid, y_valid))
    mse_test, rmse_test = model.evaluate(X_test, y_test)
    X_new = X_test[:3]
    y_pred = model.predict(X_new)
    assert list(history.history)[:4] == ["loss", "root_mean_squared_error", "val_loss",
                                         "val_root_mean_squared_error"]
    assert rmse_test == pytest.approx(math.sqrt(mse_test), rel=1e-4)
    assert y_pred.shape == (3, 1)
    np.testing.assert_allclose(np.ravel(norm_layer.mean), X_train.mean(axis=0), rtol=1e-4)


def test_10_building_complex_models_using_the_functional_api(housing_splits):
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing_splits
    X_new = X_test[:3]
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)

    normalization_layer = tf.keras.layers.Normalization()
    hidden_layer1 = tf.keras.layers.Dense(30, activation="relu")
    hidden_layer2 = tf.keras.layers.Dense(30, activation="relu")
    concat_layer = tf.keras.layers.Concatenate()
    output_layer = tf.keras.layers.Dense(1)

    input_ = tf.keras.layers.Input(shape=X_train.shape[1:])
    normalized = normalization_layer(input_)
    hidden1 = hidden_layer1(normalized)
    hidden2 = hidden_layer2(hidden1)
    concat = concat_layer([normalized, hidden2])
    output = output_layer(concat)

    model = tf.keras.Model(inputs=[input_], outputs=[output])
    model.summary(print_fn=lambda line: None)
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])
    normalization_layer.adapt(X_train)
    history = model.fit(X_train, y_train, epochs=3,  # book: epochs=20
                        validation_data=(X_valid, y_valid))
    mse_test = model.evaluate(X_test, y_test)
    y_pred = model.predict(X_new)
    assert len(mse_test) == 2 and y_pred.shape == (3, 1)

    def wide_and_deep():  # built twice by the notebook: one output, then an auxiliary one too
        input_wide = tf.keras.layers.Input(shape=[5])  # features 0 to 4
        input_deep = tf.keras.layers.Input(shape=[6])  # features 2 to 7
        norm_layer_wide = tf.keras.layers.Normalization()
        norm_layer_deep = tf.keras.layers.Normalization()
        norm_wide = norm_layer_wide(input_wide)
        norm_deep = norm_layer_deep(input_deep)
        hidden1 = tf.keras.layers.Dense(30, activation="relu")(norm_deep)
        hidden2 = tf.keras.layers.Dense(30, activation="relu")(hidden1)
        concat = tf.keras.layers.concatenate([norm_wide, hidden2])
        output = tf.keras.layers.Dense(1)(concat)
        return input_wide, input_deep, norm_layer_wide, norm_layer_deep, hidden2, output

    # several inputs: the wide path and the deep path
    tf.random.set_seed(42)
    input_wide, input_deep, norm_layer_wide, norm_layer_deep, hidden2, output = wide_and_deep()
    model = tf.keras.Model(inputs=[input_wide, input_deep], outputs=[output])

    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])

    X_train_wide, X_train_deep = X_train[:, :5], X_train[:, 2:]
    X_valid_wide, X_valid_deep = X_valid[:, :5], X_valid[:, 2:]
    X_test_wide, X_test_deep = X_test[:, :5], X_test[:, 2:]
    X_new_wide, X_new_deep = X_test_wide[:3], X_test_deep[:3]

    norm_layer_wide.adapt(X_train_wide)
    norm_layer_deep.adapt(X_train_deep)
    history = model.fit((X_train_wide, X_train_deep), y_train, epochs=3,  # book: 20
                        validation_data=((X_valid_wide, X_valid_deep), y_valid))
    mse_test = model.evaluate((X_test_wide, X_test_deep), y_test)
    y_pred = model.predict((X_new_wide, X_new_deep))
    assert y_pred.shape == (3, 1) and len(history.history["val_loss"]) == 3

    # several outputs: an auxiliary output for regularization
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    input_wide, input_deep, norm_layer_wide, norm_layer_deep, hidden2, output = wide_and_deep()
    aux_output = tf.keras.layers.Dense(1)(hidden2)
    model = tf.keras.Model(inputs=[input_wide, input_deep],
                           outputs=[output, aux_output])

    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss=("mse", "mse"), loss_weights=(0.9, 0.1), optimizer=optimizer,
                  metrics=["RootMeanSquaredError"])
    norm_layer_wide.adapt(X_train_wide)
    norm_layer_deep.adapt(X_train_deep)
    history = model.fit(
        (X_train_wide, X_train_deep), (y_train, y_train), epochs=3,  # book: epochs=20
        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid))
    )
    eval_results = model.evaluate((X_test_wide, X_test_deep), (y_test, y_test))
    weighted_sum_of_losses, main_loss, aux_loss, main_rmse, aux_rmse = eval_results
    assert weighted_sum_of_losses == pytest.approx(0.9 * main_loss + 0.1 * aux_loss, rel=1e-4)
    assert main_rmse == pytest.approx(math.sqrt(main_loss), rel=1e-4)
    assert aux_rmse == pytest.approx(math.sqrt(aux_loss), rel=1e-4)
    y_pred_main, y_pred_aux = model.predict((X_new_wide, X_new_deep))
    assert y_pred_main.shape == y_pred_aux.shape == (3, 1)
    y_pred_tuple = model.predict((X_new_wide, X_new_deep))
    y_pred = dict(zip(model.output_names, y_pred_tuple))
    assert len(y_pred) == 2

    # the current notebook's spelling: one metric per output, loss as a list
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer=optimizer,
                  metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
    eval_results = model.evaluate((X_test_wide, X_test_deep), (y_test, y_test))
    weighted_sum_of_losses, main_loss, aux_loss = eval_results[:3]
    assert weighted_sum_of_losses == pytest.approx(0.9 * main_loss + 0.1 * aux_loss, rel=1e-4)


def test_10_using_the_subclassing_api(housing_splits, wide_and_deep_model_class):
    WideAndDeepModel = wide_and_deep_model_class
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing_splits
    (X_train_wide, X_train_deep, X_valid_wide, X_valid_deep, X_test_wide, X_test_deep,
     X_new_wide, X_new_deep) = wide_and_deep_data(housing_splits)

    model = compiled_wide_and_deep_model(WideAndDeepModel, X_train_wide, X_train_deep)
    history = model.fit(
        (X_train_wide, X_train_deep), (y_train, y_train), epochs=3,  # book: epochs=10
        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)))
    eval_results = model.evaluate((X_test_wide, X_test_deep), (y_test, y_test))
    weighted_sum_of_losses, main_loss, aux_loss, main_rmse, aux_rmse = eval_results
    y_pred_main, y_pred_aux = model.predict((X_new_wide, X_new_deep))
    assert model.name == "my_cool_model"
    assert y_pred_main.shape == y_pred_aux.shape == (3, 1)
    assert history.history["loss"][-1] < history.history["loss"][0]


def compiled_wide_and_deep_model(WideAndDeepModel, X_train_wide, X_train_deep):
    """The book's subclassed model, compiled, its normalization layers adapted."""
    tf.random.set_seed(42)  # extra code – just for reproducibility
    model = WideAndDeepModel(30, activation="relu", name="my_cool_model")
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss="mse", loss_weights=[0.9, 0.1], optimizer=optimizer,
                  metrics=["RootMeanSquaredError"])
    model.norm_layer_wide.adapt(X_train_wide)
    model.norm_layer_deep.adapt(X_train_deep)
    return model


def trained_wide_and_deep_model(housing_splits, wide_and_deep_model_class):
    """The subclassed model as the book leaves it before saving (briefly trained)."""
    (X_train_wide, X_train_deep, X_valid_wide, X_valid_deep, *_) = \
        wide_and_deep_data(housing_splits)
    y_train = housing_splits[3]
    model = compiled_wide_and_deep_model(wide_and_deep_model_class, X_train_wide, X_train_deep)
    model.fit((X_train_wide, X_train_deep), (y_train, y_train), epochs=1, verbose=0)
    return model


def test_10_saving_and_restoring_a_model(housing_splits, wide_and_deep_model_class):
    WideAndDeepModel = wide_and_deep_model_class
    model = trained_wide_and_deep_model(housing_splits, WideAndDeepModel)
    *_, X_new_wide, X_new_deep = wide_and_deep_data(housing_splits)
    expected_main, expected_aux = model.predict((X_new_wide, X_new_deep))
    subclassed = model

    shutil.rmtree("my_keras_model", ignore_errors=True)
    model.save("my_keras_model", save_format="tf")  # nnlite's one-file format under that name
    for path in sorted(Path("my_keras_model").glob("**/*")):
        print(path)
    model = tf.keras.models.load_model("my_keras_model")
    y_pred_main, y_pred_aux = model.predict((X_new_wide, X_new_deep))
    np.testing.assert_allclose(y_pred_main, expected_main, rtol=1e-6)
    np.testing.assert_allclose(y_pred_aux, expected_aux, rtol=1e-6)
    model.save_weights("my_weights")
    model.load_weights("my_weights")
    assert isinstance(model, tf.keras.Model)  # without custom_objects: the graph it ran

    # the current notebook (Keras 3): a SavedModel export is TensorFlow's …
    model = subclassed
    with pytest.raises(TensorFlowOnlyError, match=r'model.save\("my_model.keras"\)'):
        model.export("my_keras_model")
    with pytest.raises(TensorFlowOnlyError, match="SavedModel can only be loaded by TensorFlow"):
        tfsm_layer = tf.keras.layers.TFSMLayer("my_keras_model")
        y_pred_main, y_pred_aux = tfsm_layer((X_new_wide, X_new_deep))
    # … and the .weights.h5 and .keras files are nnlite's
    model.save_weights("my_weights.weights.h5")
    model.load_weights("my_weights.weights.h5")
    model.save("my_model.keras")
    loaded_model = tf.keras.models.load_model(
        "my_model.keras",
        custom_objects={"WideAndDeepModel": WideAndDeepModel}
    )
    assert isinstance(loaded_model, WideAndDeepModel) and loaded_model.name == "my_cool_model"
    np.testing.assert_allclose(loaded_model.predict((X_new_wide, X_new_deep))[0],
                               expected_main, rtol=1e-6)


def test_10_using_callbacks(housing_splits, wide_and_deep_model_class, capsys):
    model = trained_wide_and_deep_model(housing_splits, wide_and_deep_model_class)
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing_splits
    (X_train_wide, X_train_deep, X_valid_wide, X_valid_deep, *_) = \
        wide_and_deep_data(housing_splits)

    shutil.rmtree("my_checkpoints", ignore_errors=True)  # extra code
    checkpoint_cb = tf.keras.callbacks.ModelCheckpoint("my_checkpoints",
                                                       save_weights_only=True)
    history = model.fit(
        (X_train_wide, X_train_deep), (y_train, y_train), epochs=2,  # book: epochs=10
        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)),
        callbacks=[checkpoint_cb])
    assert Path("my_checkpoints").is_file()

    early_stopping_cb = tf.keras.callbacks.EarlyStopping(patience=2,  # book: patience=10
                                                         restore_best_weights=True)
    history = model.fit(
        (X_train_wide, X_train_deep), (y_train, y_train), epochs=100,
        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)),
        callbacks=[checkpoint_cb, early_stopping_cb])
    best = int(np.argmin(history.history["val_loss"]))
    assert len(history.epoch) <= 100 and early_stopping_cb.best == pytest.approx(
        history.history["val_loss"][best])
    val_loss = model.evaluate((X_valid_wide, X_valid_deep), (y_valid, y_valid), verbose=0)[0]
    assert val_loss == pytest.approx(early_stopping_cb.best, rel=1e-5)  # the best weights

    class PrintValTrainRatioCallback(tf.keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs):
            ratio = logs["val_loss"] / logs["loss"]
            print(f"Epoch={epoch}, val/train={ratio:.2f}")

    val_train_ratio_cb = PrintValTrainRatioCallback()
    capsys.readouterr()
    history = model.fit(
        (X_train_wide, X_train_deep), (y_train, y_train), epochs=2,  # book: epochs=10
        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)),
        callbacks=[val_train_ratio_cb], verbose=0)
    printed = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in printed] == ["Epoch=0", "Epoch=1"]
    assert printed[1].startswith("Epoch=1, val/train=")


def test_10_using_tensorboard_for_visualization(housing_splits):
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator")
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing_splits
    shutil.rmtree("my_logs", ignore_errors=True)

    def get_run_logdir(root_logdir="my_logs"):
        return Path(root_logdir) / strftime("run_%Y_%m_%d_%H_%M_%S")

    run_logdir = get_run_logdir()

    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    optimizer = tf.keras.optimizers.SGD(learning_rate=1e-3)
    model, norm_layer = housing_mlp(X_train, [30, 30], optimizer)

    tensorboard_cb = tf.keras.callbacks.TensorBoard(run_logdir,
                                                    profile_batch=(100, 200))
    history = model.fit(X_train, y_train, epochs=3,  # book: epochs=20
                        validation_data=(X_valid, y_valid),
                        callbacks=[tensorboard_cb])
    print("my_logs")
    for path in sorted(Path("my_logs").glob("**/*")):
        print("  " * (len(path.parts) - 1) + path.parts[-1])
    assert {path.name for path in run_logdir.iterdir()} == {"train", "validation"}

    test_logdir = get_run_logdir()
    writer = tf.summary.create_file_writer(str(test_logdir))
    with writer.as_default():
        for step in range(1, 100 + 1):  # book: range(1, 1000 + 1)
            tf.summary.scalar("my_scalar", np.sin(step / 10), step=step)

            data = (np.random.randn(100) + 2) * step / 100  # gets larger
            tf.summary.histogram("my_hist", data, buckets=50, step=step)

            images = np.random.rand(2, 32, 32, 3) * step / 100  # gets brighter (book: 1000)
            tf.summary.image("my_images", images, step=step)

            texts = ["The step is " + str(step), "Its square is " + str(step ** 2)]
            tf.summary.text("my_text", texts, step=step)
        with pytest.raises(TensorFlowOnlyError, match="tf.math belongs to TensorFlow"):
            sine_wave = tf.math.sin(tf.range(12000) / 48000 * 2 * np.pi * step)
            audio = tf.reshape(tf.cast(sine_wave, tf.float32), [1, -1, 1])
            tf.summary.audio("my_audio", audio, sample_rate=48000, step=step)
        # the second edition wraps the texts first
        text_tensor = tf.constant(texts)
        tf.summary.text("my_text_tensor", text_tensor, step=step)

    sizes = {kind: 0 for kind in (event_accumulator.SCALARS, event_accumulator.HISTOGRAMS,
                                  event_accumulator.TENSORS)}
    events = event_accumulator.EventAccumulator(str(test_logdir), size_guidance=sizes)
    events.Reload()
    scalars = events.Scalars("my_scalar")
    assert [s.step for s in scalars] == list(range(1, 101))
    np.testing.assert_allclose([s.value for s in scalars], np.sin(np.arange(1, 101) / 10),
                               rtol=1e-6, atol=1e-7)
    histograms = events.Histograms("my_hist")
    assert len(histograms) == 100 and len(histograms[-1].histogram_value.bucket) == 50
    assert histograms[-1].histogram_value.max > histograms[0].histogram_value.max  # larger
    assert len(events.Tensors("my_images")) == 100
    assert list(events.Tensors("my_text")[-1].tensor_proto.string_val) == [
        b"The step is 100", b"Its square is 10000"]
    assert events.Tensors("my_text_tensor")[0].step == 100
    train = event_accumulator.EventAccumulator(str(run_logdir / "train"))
    train.Reload()
    assert [s.step for s in train.Scalars("epoch_loss")] == [0, 1, 2]
    np.testing.assert_allclose([s.value for s in train.Scalars("epoch_loss")],
                               history.history["loss"], rtol=1e-6)


# ======================================================================= chapter 11
@pytest.fixture(scope="module")
def scaled_fashion(fashion_mnist):
    """Chapter 11's Fashion-MNIST cell: the splits, scaled to [0, 1]."""
    (X_train_full, y_train_full), (X_test, y_test) = fashion_mnist
    X_train, y_train = X_train_full[:-5000], y_train_full[:-5000]
    X_valid, y_valid = X_train_full[-5000:], y_train_full[-5000:]
    X_train, X_valid, X_test = X_train / 255, X_valid / 255, X_test / 255
    X_valid, y_valid = X_valid[:1000], y_valid[:1000]  # for speed
    return X_train, y_train, X_valid, y_valid, X_test, y_test


CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def he_relu_mlp(output_layer) -> tf.keras.Sequential:
    """The notebook's Fashion MNIST MLP: Flatten, 3 × Dense(100, relu, he_normal), the output."""
    return tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=[28, 28]),
        *[tf.keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal")
          for _ in range(3)],
        output_layer,
    ])


def fit_with_momentum(model, X, y, validation_data, epochs):
    """The notebook's compile (SGD η = 0.01, momentum 0.9) and fit (book: epochs=10)."""
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    return model.fit(X, y, epochs=epochs, validation_data=validation_data)


def test_11_xavier_and_he_initialization():
    dense = tf.keras.layers.Dense(50, activation="relu",
                                  kernel_initializer="he_normal")
    he_avg_init = tf.keras.initializers.VarianceScaling(scale=2., mode="fan_avg",
                                                        distribution="uniform")
    dense = tf.keras.layers.Dense(50, activation="sigmoid",
                                  kernel_initializer=he_avg_init)
    dense.build((None, 150))
    limit = math.sqrt(3 * 2. / ((150 + 50) / 2))
    assert 0.9 * limit < np.abs(dense.kernel.value).max() <= limit


def test_11_nonsaturating_activation_functions(scaled_fashion):
    X_train, y_train, X_valid, y_valid, X_test, y_test = scaled_fashion
    # Leaky ReLU
    leaky_relu = tf.keras.layers.LeakyReLU(alpha=0.2)  # defaults to alpha=0.3
    dense = tf.keras.layers.Dense(50, activation=leaky_relu,
                                  kernel_initializer="he_normal")
    z = np.ones((1, 4)) @ np.ones((4, 50))
    dense.build((None, 4))
    dense.set_weights([np.ones((4, 50)), np.zeros(50)])
    np.testing.assert_allclose(dense(-np.ones((1, 4))), -0.2 * z)
    model = tf.keras.models.Sequential([
        # [...]  # more layers
        tf.keras.layers.Dense(50, kernel_initializer="he_normal"),  # no activation
        tf.keras.layers.LeakyReLU(alpha=0.2),  # activation as a separate layer
        # [...]  # more layers
    ])
    np.testing.assert_allclose(model.layers[1](np.array([[-1.0, 2.0]])), [[-0.2, 2.0]])
    prelu = tf.keras.layers.PReLU()  # the book: "Keras includes … LeakyReLU and PReLU"
    assert prelu(np.array([[-1.0, 2.0]])).tolist() == [[0.0, 2.0]]  # alpha starts at 0
    # ELU
    dense = tf.keras.layers.Dense(50, activation="elu",
                                  kernel_initializer="he_normal")
    # SELU
    dense = tf.keras.layers.Dense(50, activation="selu",
                                  kernel_initializer="lecun_normal")
    def deep_mlp(activation, kernel_initializer):  # the book's 100 hidden layers, twice
        tf.random.set_seed(42)
        model = tf.keras.Sequential()
        model.add(tf.keras.layers.Flatten(input_shape=[28, 28]))
        for layer in range(100):
            model.add(tf.keras.layers.Dense(100, activation=activation,
                                            kernel_initializer=kernel_initializer))
        model.add(tf.keras.layers.Dense(10, activation="softmax"))
        model.compile(loss="sparse_categorical_crossentropy",
                      optimizer=tf.keras.optimizers.SGD(learning_rate=0.001),
                      metrics=["accuracy"])
        return model

    model = deep_mlp("selu", "lecun_normal")
    pixel_means = X_train.mean(axis=0, keepdims=True)
    pixel_stds = X_train.std(axis=0, keepdims=True)
    X_train_scaled = (X_train - pixel_means) / pixel_stds
    X_valid_scaled = (X_valid - pixel_means) / pixel_stds
    X_test_scaled = (X_test - pixel_means) / pixel_stds
    history = model.fit(X_train_scaled[:1000], y_train[:1000], epochs=1,  # book: all, 5
                        validation_data=(X_valid_scaled, y_valid))
    assert np.isfinite(history.history["loss"]).all() and len(model.layers) == 102
    # self-normalizing: the last hidden layer's outputs keep mean ≈ 0 and std ≈ 1
    activations = tf.keras.Sequential(model.layers[:-1]).predict(X_test_scaled[:200])
    assert abs(activations.mean()) < 0.5 and 0.5 < activations.std() < 1.5

    model = deep_mlp("relu", "he_normal")
    history = model.fit(X_train_scaled[:1000], y_train[:1000], epochs=1,  # book: all, 5
                        validation_data=(X_valid_scaled, y_valid))
    assert np.isfinite(history.history["loss"]).all()


def test_11_gelu_swish_and_mish(scaled_fashion):
    X_train, y_train, X_valid, y_valid, X_test, y_test = scaled_fashion
    # extra code – this cell generates Figure 11–4
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def swish(z, beta=1):
        return z * sigmoid(beta * z)

    def approx_gelu(z):
        return swish(z, beta=1.702)

    def softplus(z):
        return np.log(1 + np.exp(z))

    def mish(z):
        return z * np.tanh(softplus(z))

    z = np.linspace(-4, 2, 50)

    beta = 0.6
    plt.plot(z, approx_gelu(z), "b-", linewidth=2, label=r"GELU$(z) = z\,\Phi(z)$")
    plt.plot(z, swish(z), "r--", linewidth=2, label=r"Swish$(z) = z\,\sigma(z)$")
    plt.plot(z, swish(z, beta), "r:", linewidth=2,
             label=fr"Swish$_{{\beta={beta}}}(z)=z\,\sigma({beta}\,z)$")
    plt.plot(z, mish(z), "k-.", linewidth=2, label=r"Mish$(z) = z\,\tanh($softplus$(z))$")
    plt.plot([-4, 2], [0, 0], "k-")
    plt.plot([0, 0], [-2.2, 3.2], "k-")
    plt.grid(True)
    plt.axis([-4, 2, -1, 2])
    plt.gca().set_aspect("equal")
    plt.xlabel("$z$")
    plt.legend(loc="upper left")
    plt.close("all")

    # the book's NumPy curves are nnlite's activations (GELU: z·σ(1.702 z) ≈ z·Φ(z))
    np.testing.assert_allclose(tf.keras.activations.swish(z), swish(z), rtol=1e-12)
    np.testing.assert_allclose(tf.keras.activations.mish(z), mish(z), rtol=1e-9, atol=1e-12)
    assert np.abs(tf.keras.activations.gelu(z) - approx_gelu(z)).max() < 0.03
    assert np.abs(tf.keras.activations.gelu(z, approximate=True)
                  - tf.keras.activations.gelu(z)).max() < 1e-3
    # "Keras supports GELU and Swish out of the box": activation="gelu" / "swish"
    for activation in ("gelu", "swish", "mish", tf.keras.activations.gelu):
        tf.random.set_seed(42)
        model = tf.keras.Sequential([
            tf.keras.layers.Flatten(input_shape=[28, 28]),
            tf.keras.layers.Dense(100, activation=activation, kernel_initializer="he_normal"),
            tf.keras.layers.Dense(10, activation="softmax"),
        ])
        model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      optimizer=tf.keras.optimizers.SGD(learning_rate=0.01))
        history = model.fit(X_train[:1000], y_train[:1000], epochs=2,
                            validation_data=(X_valid[:500], y_valid[:500]))
        assert history.history["loss"][1] < history.history["loss"][0]


def test_11_batch_normalization(scaled_fashion):
    X_train, y_train, X_valid, y_valid, X_test, y_test = scaled_fashion
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=[28, 28]),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Dense(300, activation="relu",
                              kernel_initializer="he_normal"),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Dense(100, activation="relu",
                              kernel_initializer="he_normal"),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Dense(10, activation="softmax")
    ])
    lines = []
    model.summary(print_fn=lines.append)
    assert any("Non-trainable params: 2,368" in line for line in lines)  # as in the book
    variables = [(var.name, var.trainable) for var in model.layers[1].variables]
    assert [trainable for _, trainable in variables] == [True, True, False, False]
    assert [name.split("/")[-1].split(":")[0] for name, _ in variables] == [
        "gamma", "beta", "moving_mean", "moving_variance"]
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
                  metrics=["accuracy"])
    model.fit(X_train[:1500], y_train[:1500], epochs=1,  # book: all, epochs=2
              validation_data=(X_valid, y_valid))

    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=[28, 28]),
        tf.keras.layers.Dense(300, kernel_initializer="he_normal", use_bias=False),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Activation("relu"),
        tf.keras.layers.Dense(100, kernel_initializer="he_normal", use_bias=False),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Activation("relu"),
        tf.keras.layers.Dense(10, activation="softmax")
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
                  metrics=["accuracy"])
    history = model.fit(X_train[:1500], y_train[:1500], epochs=1,  # book: all, epochs=2
                        validation_data=(X_valid, y_valid))
    assert len(model.layers[1].get_weights()) == 1  # no bias before BN

    # Gradient Clipping
    optimizer = tf.keras.optimizers.SGD(clipvalue=1.0)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer)
    optimizer = tf.keras.optimizers.SGD(clipnorm=1.0)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer)
    model.fit(X_train[:64], y_train[:64], epochs=1, verbose=0)
    assert optimizer.clipnorm == 1.0


def test_11_reusing_a_keras_model_transfer_learning(scaled_fashion):
    X_train, y_train, X_valid, y_valid, X_test, y_test = scaled_fashion
    class_names = CLASS_NAMES
    pos_class_id = class_names.index("Pullover")
    neg_class_id = class_names.index("T-shirt/top")

    def split_dataset(X, y):
        y_for_B = (y == pos_class_id) | (y == neg_class_id)
        y_A = y[~y_for_B]
        y_B = (y[y_for_B] == pos_class_id).astype(np.float32)
        old_class_ids = list(set(range(10)) - set([neg_class_id, pos_class_id]))
        for old_class_id, new_class_id in zip(old_class_ids, range(8)):
            y_A[y_A == old_class_id] = new_class_id  # reorder class ids for A
        return ((X[~y_for_B], y_A), (X[y_for_B], y_B))

    (X_train_A, y_train_A), (X_train_B, y_train_B) = split_dataset(X_train, y_train)
    (X_valid_A, y_valid_A), (X_valid_B, y_valid_B) = split_dataset(X_valid, y_valid)
    (X_test_A, y_test_A), (X_test_B, y_test_B) = split_dataset(X_test, y_test)
    X_train_B = X_train_B[:200]
    y_train_B = y_train_B[:200]
    X_train_A, y_train_A = X_train_A[:1500], y_train_A[:1500]  # for speed

    def train_from_scratch(output_layer, loss, X, y, validation_data):  # book: epochs=20
        tf.random.set_seed(42)
        model = he_relu_mlp(output_layer)
        model.compile(loss=loss, optimizer=tf.keras.optimizers.SGD(learning_rate=0.001),
                      metrics="accuracy")
        model.fit(X, y, epochs=2, validation_data=validation_data)
        return model

    model_A = train_from_scratch(tf.keras.layers.Dense(8, activation="softmax"),
                                 "sparse_categorical_crossentropy", X_train_A, y_train_A,
                                 (X_valid_A, y_valid_A))
    model_A.save("my_model_A")
    model_B = train_from_scratch(tf.keras.layers.Dense(1, activation="sigmoid"),
                                 "binary_crossentropy", X_train_B, y_train_B,
                                 (X_valid_B, y_valid_B))
    model_B.evaluate(X_test_B, y_test_B)

    model_A = tf.keras.models.load_model("my_model_A")
    model_B_on_A = tf.keras.Sequential(model_A.layers[:-1])
    model_B_on_A.add(tf.keras.layers.Dense(1, activation="sigmoid"))
    assert model_B_on_A.layers[0] is model_A.layers[0]  # shared layers

    tf.random.set_seed(42)
    model_A_clone = tf.keras.models.clone_model(model_A)
    model_A_clone.set_weights(model_A.get_weights())
    model_B_on_A = tf.keras.Sequential(model_A_clone.layers[:-1])
    model_B_on_A.add(tf.keras.layers.Dense(1, activation="sigmoid"))

    def train_B_on_A(trainable):  # the book's two rounds: frozen (4 epochs), then all (16)
        for layer in model_B_on_A.layers[:-1]:
            layer.trainable = trainable
        optimizer = tf.keras.optimizers.SGD(learning_rate=0.001)
        model_B_on_A.compile(loss="binary_crossentropy", optimizer=optimizer,
                             metrics=["accuracy"])
        return model_B_on_A.fit(X_train_B, y_train_B, epochs=2,
                                validation_data=(X_valid_B, y_valid_B))

    frozen = model_B_on_A.layers[1].get_weights()[0].copy()
    history = train_B_on_A(trainable=False)
    np.testing.assert_array_equal(model_B_on_A.layers[1].get_weights()[0], frozen)
    history = train_B_on_A(trainable=True)
    assert not np.array_equal(model_B_on_A.layers[1].get_weights()[0], frozen)
    loss, accuracy = model_B_on_A.evaluate(X_test_B, y_test_B)
    np.testing.assert_array_equal(model_A.layers[1].get_weights()[0],
                                  tf.keras.models.load_model("my_model_A").layers[1]
                                  .get_weights()[0])  # model_A untouched by the clone
    assert 0 <= accuracy <= 1
    # the current notebook saves to "my_model_A.keras"
    model_A.save("my_model_A.keras")
    assert tf.keras.models.load_model("my_model_A.keras").count_params() == \
        model_A.count_params()


def book_model_builder(scaled_fashion, epochs=1):
    """The notebook's ``build_model`` and ``build_and_train_model`` (book: epochs=10)."""
    X_train, y_train, X_valid, y_valid, X_test, y_test = scaled_fashion
    X_train, y_train = X_train[:2000], y_train[:2000]  # for speed

    def build_model(seed=42):
        tf.random.set_seed(seed)
        return he_relu_mlp(tf.keras.layers.Dense(10, activation="softmax"))

    def build_and_train_model(optimizer):
        model = build_model()
        model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                      metrics=["accuracy"])
        return model.fit(X_train, y_train, epochs=epochs,
                         validation_data=(X_valid, y_valid))

    return build_model, build_and_train_model, X_train, y_train


def test_11_faster_optimizers(scaled_fashion):
    build_model, build_and_train_model, *_ = book_model_builder(scaled_fashion)
    optimizers = {  # the book's cells, one optimizer each
        "SGD": tf.keras.optimizers.SGD(learning_rate=0.001),
        "Momentum": tf.keras.optimizers.SGD(learning_rate=0.001, momentum=0.9),
        "Nesterov": tf.keras.optimizers.SGD(learning_rate=0.001, momentum=0.9,
                                            nesterov=True),
        "AdaGrad": tf.keras.optimizers.Adagrad(learning_rate=0.001),
        "RMSProp": tf.keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9),
        "Adam": tf.keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999),
        "Adamax": tf.keras.optimizers.Adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999),
        "Nadam": tf.keras.optimizers.Nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999),
        "AdamW": tf.keras.optimizers.AdamW(weight_decay=1e-5, learning_rate=0.001,
                                           beta_1=0.9, beta_2=0.999),
    }
    histories = {name: build_and_train_model(optimizer)  # extra code
                 for name, optimizer in optimizers.items()}

    for loss in ("loss", "val_loss"):
        plt.figure(figsize=(12, 8))
        for opt_name, history in histories.items():
            plt.plot(history.history[loss], label=f"{opt_name}", linewidth=3)
    first_losses = {name: h.history["loss"][0] for name, h in histories.items()}
    assert all(np.isfinite(list(first_losses.values())))
    assert first_losses["Adam"] < first_losses["SGD"]  # the book's point, already in epoch 1


def test_11_learning_rate_scheduling(scaled_fashion, capsys):
    build_model, build_and_train_model, X_train, y_train = book_model_builder(scaled_fashion)
    X_valid, y_valid = scaled_fashion[2:4]

    # Power Scheduling
    optimizer = tf.keras.optimizers.legacy.SGD(learning_rate=0.01, decay=1e-4)  # DEPRECATED
    lr_schedule = tf.keras.optimizers.schedules.InverseTimeDecay(
        initial_learning_rate=0.01, decay_steps=10_000, decay_rate=1.0, staircase=False)
    optimizer = tf.keras.optimizers.SGD(learning_rate=lr_schedule)
    history_power_scheduling = build_and_train_model(optimizer)  # extra code
    assert lr_schedule(10_000) == pytest.approx(0.005)

    # Exponential Scheduling
    lr_schedule = tf.keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate=0.01, decay_steps=20_000, decay_rate=0.1, staircase=False)
    optimizer = tf.keras.optimizers.SGD(learning_rate=lr_schedule)
    history_exponential_scheduling = build_and_train_model(optimizer)  # extra code
    assert lr_schedule(20_000) == pytest.approx(0.001)

    def exponential_decay(lr0, s):
        def exponential_decay_fn(epoch):
            return lr0 * 0.1 ** (epoch / s)
        return exponential_decay_fn

    exponential_decay_fn = exponential_decay(lr0=0.01, s=20)
    tf.random.set_seed(42)
    model = build_model()
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.001)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    n_epochs = 2  # book: 20
    lr_scheduler = tf.keras.callbacks.LearningRateScheduler(exponential_decay_fn)
    history = model.fit(X_train, y_train, epochs=n_epochs,
                        validation_data=(X_valid, y_valid),
                        callbacks=[lr_scheduler])
    np.testing.assert_allclose(history.history["lr"], [0.01, 0.01 * 0.1 ** (1 / 20)],
                               rtol=1e-6)

    def exponential_decay_fn(epoch, lr):
        return lr * 0.1 ** (1 / 20)

    class ExponentialDecay(tf.keras.callbacks.Callback):
        def __init__(self, n_steps=40_000):
            super().__init__()
            self.n_steps = n_steps

        def on_batch_begin(self, batch, logs=None):
            # Note: the `batch` argument is reset at each epoch
            lr = K.get_value(self.model.optimizer.learning_rate)
            new_learning_rate = lr * 0.1 ** (1 / self.n_steps)
            K.set_value(self.model.optimizer.learning_rate, new_learning_rate)

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            logs['lr'] = K.get_value(self.model.optimizer.learning_rate)

    lr0 = 0.01
    model = build_model()
    optimizer = tf.keras.optimizers.SGD(learning_rate=lr0)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    batch_size = 32
    n_steps = n_epochs * math.ceil(len(X_train) / batch_size)
    exp_decay = ExponentialDecay(n_steps)
    history = model.fit(X_train, y_train, epochs=n_epochs,
                        validation_data=(X_valid, y_valid),
                        callbacks=[exp_decay])
    assert history.history["lr"][-1] == pytest.approx(lr0 * 0.1, rel=1e-4)

    # Piecewise Constant Scheduling
    lr_schedule = tf.keras.optimizers.schedules.PiecewiseConstantDecay(
        boundaries=[50_000, 80_000],
        values=[0.01, 0.005, 0.001]
    )
    optimizer = tf.keras.optimizers.SGD(learning_rate=lr_schedule)
    history_piecewise_scheduling = build_and_train_model(optimizer)  # extra code
    assert [float(lr_schedule(step)) for step in (0, 50_001, 90_000)] == [0.01, 0.005, 0.001]

    def piecewise_constant(boundaries, values):
        boundaries = np.array([0] + boundaries)
        values = np.array(values)
        def piecewise_constant_fn(epoch):
            return values[(boundaries > epoch).argmax() - 1]
        return piecewise_constant_fn

    piecewise_constant_fn = piecewise_constant([1, 15], [0.01, 0.005, 0.001])  # book: [5, 15]
    lr_scheduler = tf.keras.callbacks.LearningRateScheduler(piecewise_constant_fn)
    model = build_model()
    optimizer = tf.keras.optimizers.Nadam(learning_rate=lr0)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=n_epochs,
                        validation_data=(X_valid, y_valid),
                        callbacks=[lr_scheduler])
    np.testing.assert_allclose(history.history["lr"], [0.01, 0.005])

    for name in sorted(dir(tf.keras.optimizers.schedules)):
        if name[0] == name[0].lower():  # must start with capital letter
            continue
        scheduler_class = getattr(tf.keras.optimizers.schedules, name)
        print(f"• {name} – {scheduler_class.__doc__.splitlines()[0]}")
    assert "• ExponentialDecay – " in capsys.readouterr().out

    # Performance Scheduling
    model = build_model()
    optimizer = tf.keras.optimizers.SGD(learning_rate=lr0)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    lr_scheduler = tf.keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=5)
    history = model.fit(X_train, y_train, epochs=n_epochs,
                        validation_data=(X_valid, y_valid),
                        callbacks=[lr_scheduler])
    plt.plot(history.epoch, history.history["lr"], "bo-")
    ax2 = plt.gca().twinx()
    ax2.plot(history.epoch, history.history["val_loss"], "r^-")
    assert history.history["learning_rate"] == history.history["lr"]  # the new notebook's key


def test_11_1cycle_scheduling(scaled_fashion):
    build_model, _, X_train, y_train = book_model_builder(scaled_fashion)
    X_valid, y_valid = scaled_fashion[2:4]

    class ExponentialLearningRate(tf.keras.callbacks.Callback):
        def __init__(self, factor):
            self.factor = factor
            self.rates = []
            self.losses = []

        def on_epoch_begin(self, epoch, logs=None):
            self.sum_of_epoch_losses = 0

        def on_batch_end(self, batch, logs=None):
            mean_epoch_loss = logs["loss"]  # the epoch's mean loss so far
            new_sum_of_epoch_losses = mean_epoch_loss * (batch + 1)
            batch_loss = new_sum_of_epoch_losses - self.sum_of_epoch_losses
            self.sum_of_epoch_losses = new_sum_of_epoch_losses
            self.rates.append(K.get_value(self.model.optimizer.learning_rate))
            self.losses.append(batch_loss)
            K.set_value(self.model.optimizer.learning_rate,
                        self.model.optimizer.learning_rate * self.factor)

    def find_learning_rate(model, X, y, epochs=1, batch_size=32, min_rate=1e-4,
                           max_rate=1):
        init_weights = model.get_weights()
        iterations = math.ceil(len(X) / batch_size) * epochs
        factor = (max_rate / min_rate) ** (1 / iterations)
        init_lr = K.get_value(model.optimizer.learning_rate)
        K.set_value(model.optimizer.learning_rate, min_rate)
        exp_lr = ExponentialLearningRate(factor)
        history = model.fit(X, y, epochs=epochs, batch_size=batch_size,
                            callbacks=[exp_lr])
        K.set_value(model.optimizer.learning_rate, init_lr)
        model.set_weights(init_weights)
        return exp_lr.rates, exp_lr.losses

    def plot_lr_vs_loss(rates, losses):
        plt.plot(rates, losses, "b")
        plt.gca().set_xscale('log')
        max_loss = losses[0] + min(losses)
        plt.hlines(min(losses), min(rates), max(rates), color="k")
        plt.axis([min(rates), max(rates), 0, max_loss])
        plt.xlabel("Learning rate")
        plt.ylabel("Loss")
        plt.grid()

    model = build_model()
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=tf.keras.optimizers.SGD(learning_rate=0.001),
                  metrics=["accuracy"])
    initial_weights = model.get_weights()
    batch_size = 128
    rates, losses = find_learning_rate(model, X_train, y_train, epochs=1,
                                       batch_size=batch_size)
    plot_lr_vs_loss(rates, losses)
    assert len(rates) == math.ceil(len(X_train) / batch_size)
    assert rates[0] == pytest.approx(1e-4) and rates[-1] < 1 < rates[-1] * (1 / 1e-4) ** (
        1 / len(rates)) * 1.0001
    assert float(model.optimizer.learning_rate) == pytest.approx(0.001)
    np.testing.assert_array_equal(model.get_weights()[0], initial_weights[0])

    class OneCycleScheduler(tf.keras.callbacks.Callback):
        def __init__(self, iterations, max_lr=1e-3, start_lr=None,
                     last_iterations=None, last_lr=None):
            self.iterations = iterations
            self.max_lr = max_lr
            self.start_lr = start_lr or max_lr / 10
            self.last_iterations = last_iterations or iterations // 10 + 1
            self.half_iteration = (iterations - self.last_iterations) // 2
            self.last_lr = last_lr or self.start_lr / 1000
            self.iteration = 0

        def _interpolate(self, iter1, iter2, lr1, lr2):
            return (lr2 - lr1) * (self.iteration - iter1) / (iter2 - iter1) + lr1

        def on_batch_begin(self, batch, logs):
            if self.iteration < self.half_iteration:
                lr = self._interpolate(0, self.half_iteration, self.start_lr,
                                       self.max_lr)
            elif self.iteration < 2 * self.half_iteration:
                lr = self._interpolate(self.half_iteration, 2 * self.half_iteration,
                                       self.max_lr, self.start_lr)
            else:
                lr = self._interpolate(2 * self.half_iteration, self.iterations,
                                       self.start_lr, self.last_lr)
            self.iteration += 1
            K.set_value(self.model.optimizer.learning_rate, lr)

    model = build_model()
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=tf.keras.optimizers.SGD(),
                  metrics=["accuracy"])
    n_epochs = 3  # book: 25
    onecycle = OneCycleScheduler(math.ceil(len(X_train) / batch_size) * n_epochs,
                                 max_lr=0.1)
    history = model.fit(X_train, y_train, epochs=n_epochs, batch_size=batch_size,
                        validation_data=(X_valid, y_valid),
                        callbacks=[onecycle])
    assert onecycle.iteration == 16 * 3
    assert float(model.optimizer.learning_rate) < onecycle.start_lr  # the final annealing
    # the current notebook's spelling of the same callbacks
    model.optimizer.learning_rate = 0.02
    assert model.optimizer.learning_rate.numpy() == pytest.approx(0.02)


def test_11_l1_and_l2_regularization(scaled_fashion):
    build_model, _, X_train, y_train = book_model_builder(scaled_fashion)
    X_valid, y_valid = scaled_fashion[2:4]
    layer = tf.keras.layers.Dense(100, activation="relu",
                                  kernel_initializer="he_normal",
                                  kernel_regularizer=tf.keras.regularizers.l2(0.01))
    tf.random.set_seed(42)  # extra code – for reproducibility

    RegularizedDense = partial(tf.keras.layers.Dense,
                               activation="relu",
                               kernel_initializer="he_normal",
                               kernel_regularizer=tf.keras.regularizers.l2(0.01))

    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=[28, 28]),
        RegularizedDense(100),
        RegularizedDense(100),
        RegularizedDense(10, activation="softmax")
    ])
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.02)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=1,  # book: epochs=2
                        validation_data=(X_valid, y_valid))
    penalty = sum(0.01 * np.sum(layer.get_weights()[0] ** 2) for layer in model.layers[1:])
    loss_only = model.evaluate(X_valid, y_valid, verbose=0)[0]
    assert loss_only > penalty > 0  # the evaluated loss includes the l2 penalty


def test_11_dropout_and_mc_dropout(scaled_fashion):
    _, _, X_train, y_train = book_model_builder(scaled_fashion)
    X_valid, y_valid, X_test, y_test = scaled_fashion[2:]
    tf.random.set_seed(42)  # extra code – for reproducibility
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=[28, 28]),
        tf.keras.layers.Dropout(rate=0.2),
        tf.keras.layers.Dense(100, activation="relu",
                              kernel_initializer="he_normal"),
        tf.keras.layers.Dropout(rate=0.2),
        tf.keras.layers.Dense(100, activation="relu",
                              kernel_initializer="he_normal"),
        tf.keras.layers.Dropout(rate=0.2),
        tf.keras.layers.Dense(10, activation="softmax")
    ])
    history = fit_with_momentum(model, X_train, y_train, (X_valid, y_valid), epochs=2)
    model.evaluate(X_train, y_train)
    model.evaluate(X_test, y_test)

    # MC Dropout
    tf.random.set_seed(42)  # extra code – for reproducibility
    y_probas = np.stack([model(X_test, training=True)
                         for sample in range(100)])
    y_proba = y_probas.mean(axis=0)
    assert model.predict(X_test[:1]).round(3).shape == (1, 10)
    y_std = y_probas.std(axis=0)
    assert y_std[0].round(3).max() > 0  # dropout active: the samples differ
    y_pred = y_proba.argmax(axis=1)
    accuracy = (y_pred == y_test).sum() / len(y_test)
    assert accuracy > 0.5

    class MCDropout(tf.keras.layers.Dropout):
        def call(self, inputs, training=None):
            return super().call(inputs, training=True)

    Dropout = tf.keras.layers.Dropout
    mc_model = tf.keras.Sequential([
        MCDropout(layer.rate) if isinstance(layer, Dropout) else layer
        for layer in model.layers
    ])
    mc_model.set_weights(model.get_weights())
    mc_model.summary(print_fn=lambda line: None)
    tf.random.set_seed(42)
    samples = [mc_model.predict(X_test[:1]) for sample in range(100)]
    assert np.std(samples, axis=0).max() > 0  # predict() keeps dropout on
    np.mean(samples, axis=0).round(2)


def test_11_max_norm(scaled_fashion):
    _, _, X_train, y_train = book_model_builder(scaled_fashion)
    X_valid, y_valid = scaled_fashion[2:4]
    dense = tf.keras.layers.Dense(
        100, activation="relu", kernel_initializer="he_normal",
        kernel_constraint=tf.keras.constraints.max_norm(1.))

    MaxNormDense = partial(tf.keras.layers.Dense,
                           activation="relu", kernel_initializer="he_normal",
                           kernel_constraint=tf.keras.constraints.max_norm(1.))

    tf.random.set_seed(42)
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=[28, 28]),
        MaxNormDense(100),
        MaxNormDense(100),
        tf.keras.layers.Dense(10, activation="softmax")
    ])
    history = fit_with_momentum(model, X_train, y_train, (X_valid, y_valid), epochs=1)
    for layer in model.layers[1:3]:
        assert np.linalg.norm(layer.get_weights()[0], axis=0).max() <= 1 + 1e-5
