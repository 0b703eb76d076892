"""Reuse: clone_model, shared layers, freezing, functional reuse, cached features,
and the book's transfer-learning recipe on Fashion-MNIST (tasks A and B)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nnlite as keras
from nnlite import examples
from nnlite.examples import split_dataset, transfer_stack


def _model_A(n_out=3, d=10):
    return keras.models.Sequential([
        keras.layers.Dense(16, activation="selu", input_shape=[d]),
        keras.layers.Dense(16, activation="selu"),
        keras.layers.Dense(n_out, activation="softmax"),
    ])


def _frozen_model_A():
    """Model A with every layer but the output frozen, compiled (the book's first stage)."""
    model = _model_A()
    for layer in model.layers[:-1]:
        layer.trainable = False
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    return model


def _data(n=96, d=10, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)).astype("float32")
    return X, (X[:, 0] > 0).astype(int) + (X[:, 1] > 1).astype(int) * (classes - 2)


def _changed(before, after) -> list[bool]:
    return [not np.array_equal(a, b) for a, b in zip(before, after)]


# ------------------------------------------------------------------- cloning
def test_clone_model_same_architecture_fresh_weights():
    model_A = _model_A()
    model_A_clone = keras.models.clone_model(model_A)
    assert model_A_clone.get_config() == model_A.get_config()
    assert all(a is not b for a, b in zip(model_A.layers, model_A_clone.layers))
    assert all(_changed(model_A.get_weights()[::2], model_A_clone.get_weights()[::2]))
    model_A_clone.set_weights(model_A.get_weights())
    X, y = _data()
    np.testing.assert_array_equal(model_A_clone.predict(X, verbose=0),
                                  model_A.predict(X, verbose=0))
    before = model_A.get_weights()
    model_A_clone.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    model_A_clone.fit(X, y, epochs=1, verbose=0)
    assert not any(_changed(before, model_A.get_weights()))


def test_clone_functional_model_with_clone_function_and_input_tensors():
    inp = keras.layers.Input(shape=[4])
    hidden = keras.layers.Dense(5, activation="relu")(inp)
    concat = keras.layers.concatenate([inp, hidden])
    model = keras.models.Model(inputs=inp, outputs=keras.layers.Dense(1)(concat))
    clone = keras.models.clone_model(model)
    assert clone.get_config() == model.get_config()
    assert not set(map(id, clone.layers)) & set(map(id, model.layers))
    shared = keras.models.clone_model(model, clone_function=lambda layer: layer)
    assert shared.layers[1] is model.layers[1]
    new_input = keras.layers.Input(shape=[4], name="my_input")
    on_input = keras.models.clone_model(model, input_tensors=new_input)
    assert on_input.input is new_input


def test_clone_of_sequential_without_input_shape_keeps_custom_activation():
    def cube(z):
        return z ** 3
    cube.derivative = lambda z: 3 * z ** 2
    model = keras.models.Sequential([keras.layers.Dense(3, activation=cube),
                                     keras.layers.Dense(1)])
    clone = keras.models.clone_model(model)
    assert not clone.built and clone.layers[0].activation.fn is cube
    assert clone.predict(np.ones((2, 4)), verbose=0).shape == (2, 1)


# --------------------------------------------------------------- shared layers
def test_sequential_on_model_A_layers_shares_them():
    X, y = _data()
    model_A = _model_A()
    model_A_clone = keras.models.clone_model(model_A)
    model_A_clone.set_weights(model_A.get_weights())
    model_B_on_A = keras.models.Sequential(model_A.layers[:-1])
    model_B_on_A.add(keras.layers.Dense(1, activation="sigmoid"))
    assert model_B_on_A.layers[0] is model_A.layers[0]
    before = model_A.get_weights()
    model_B_on_A.compile(loss="binary_crossentropy", optimizer="sgd")
    model_B_on_A.fit(X, (y > 0).astype("float32"), epochs=1, verbose=0)
    assert all(_changed(before[:4], model_A.get_weights()[:4]))  # model A changed too
    assert not any(_changed(before, model_A_clone.get_weights()))  # the clone did not


# ------------------------------------------------------------------- freezing
def test_freezing_excludes_weights_from_training_and_summary():
    X, y = _data()
    model = _frozen_model_A()
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 4
    lines = []
    model.summary(print_fn=lines.append)
    head = 16 * 3 + 3
    assert f"Trainable params: {head:,}" in lines
    assert f"Non-trainable params: {model.count_params() - head:,}" in lines
    before = model.get_weights()
    model.fit(X, y, epochs=2, verbose=0)
    assert _changed(before, model.get_weights()) == [False] * 4 + [True] * 2
    model.trainable = False
    assert model.trainable_weights == [] and not model.trainable


def test_trainable_change_takes_effect_at_compile_and_warns_once():
    X, y = _data()
    model = _model_A()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    model.layers[0].trainable = False  # forgot to recompile
    before = model.get_weights()
    with pytest.warns(UserWarning, match="next compile") as record:
        model.fit(X, y, epochs=1, verbose=0)
        model.fit(X, y, epochs=1, verbose=0)
    assert sum("trainable" in str(w.message) for w in record) == 1
    assert _changed(before, model.get_weights())[0]  # as in Keras: still trained
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    before = model.get_weights()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(X, y, epochs=1, verbose=0)
    assert _changed(before, model.get_weights())[:2] == [False, False]


def test_forgotten_recompile_warns_in_train_on_batch_too():
    X, y = _data()
    model = _frozen_model_A()
    model.trainable = True  # unfreezing without compile: still frozen, as in Keras
    before = model.get_weights()
    with pytest.warns(UserWarning, match="takes effect only at the next compile"):
        model.train_on_batch(X, y)
    assert _changed(before, model.get_weights()) == [False] * 4 + [True] * 2
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    before = model.get_weights()
    model.train_on_batch(X, y)
    assert all(_changed(before, model.get_weights()))


# ----------------------------------------------------------- functional reuse
def test_model_from_an_intermediate_layer_output():
    X, _ = _data()
    model = _model_A()
    hidden = model.layers[1]
    features = keras.models.Model(inputs=model.input,
                                  outputs=model.get_layer(hidden.name).output)
    expected = hidden(model.layers[0](X))
    np.testing.assert_allclose(features.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert model.output is model.layers[-1].output
    assert features.layers[1] is model.layers[0]  # layers are reused, not copied
    inp = keras.layers.Input(shape=[10])
    out = keras.layers.Dense(2, name="out")(keras.layers.Dense(4, name="mid")(inp))
    functional = keras.models.Model(inputs=inp, outputs=out)
    mid = keras.models.Model(inputs=functional.input,
                             outputs=functional.get_layer("mid").output)
    assert mid.output_shape == (None, 4)


def test_new_head_on_a_loaded_models_hidden_layer(tmp_path):
    """Functional reuse of a saved model: its input, a hidden layer's output, a new head."""
    X, y = _data()
    model_A = _model_A()
    model_A.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    model_A.save(tmp_path / "my_model_A.keras")
    model_A = keras.models.load_model(tmp_path / "my_model_A.keras")
    hidden = model_A.layers[-2]
    assert model_A.get_layer(hidden.name) is hidden
    head = keras.layers.Dense(1, activation="sigmoid", name="head")(hidden.output)
    model_B = keras.models.Model(inputs=model_A.input, outputs=head)
    assert model_B.layers[1:3] == model_A.layers[:2]  # shared, not copied
    model_B.compile(loss="binary_crossentropy", optimizer="sgd")
    model_B.fit(X, (y > 0).astype("float32"), epochs=1, verbose=0)
    model_B.save(tmp_path / "model_B.keras")
    loaded = keras.models.load_model(tmp_path / "model_B.keras")
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model_B.predict(X, verbose=0))
    assert loaded.get_config() == model_B.get_config()


def test_cached_frozen_features_train_the_head_identically():
    """Ch. 11: predict the frozen part once, train the head on the cache."""
    X, y = _data(n=128)
    np.random.seed(0)
    model = _model_A()
    head_start = model.layers[-1].get_weights()
    for layer in model.layers[:-1]:
        layer.trainable = False
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9))
    lower = model.get_weights()[:4]
    np.random.seed(1)  # the same shuffles in both runs
    model.fit(X, y, epochs=3, batch_size=16, verbose=0)
    assert not any(_changed(lower, model.get_weights()[:4]))

    frozen = keras.models.Model(inputs=model.input, outputs=model.layers[-2].output)
    cached = frozen.predict(X, verbose=0)
    head = keras.models.Sequential([keras.layers.Dense(3, activation="softmax",
                                                       input_shape=[16])])
    head.set_weights(head_start)
    head.compile(loss="sparse_categorical_crossentropy",
                 optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9))
    np.random.seed(1)
    head.fit(cached, y, epochs=3, batch_size=16, verbose=0)
    for a, b in zip(head.get_weights(), model.layers[-1].get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# ---------------------------------------------- the book's recipe, real data
def _fashion_mnist_or_skip():
    from nnlite.datasets import _locate, fashion_mnist
    if _locate.locate(fashion_mnist.NAME, [list(fashion_mnist.SHA256)]) is None:
        pytest.skip("Fashion-MNIST is not on disk (apt install dataset-fashion-mnist)")
    return fashion_mnist.load_data()


def test_transfer_learning_recipe_on_fashion_mnist(tmp_path):
    (X_full, y_full), (X_test, y_test) = _fashion_mnist_or_skip()
    X_full, X_test = X_full / 255.0, X_test / 255.0
    (X_A, y_A), (X_B, y_B) = split_dataset(X_full[:3000], y_full[:3000])
    (_, _), (X_test_B, y_test_B) = split_dataset(X_test[:2000], y_test[:2000])
    X_B, y_B = X_B[:200], y_B[:200]

    np.random.seed(42)
    model_A = transfer_stack(8, "softmax")
    model_A.compile(loss="sparse_categorical_crossentropy",
                    optimizer=keras.optimizers.SGD(learning_rate=1e-2), metrics=["accuracy"])
    model_A.fit(X_A, y_A, epochs=1, verbose=0)
    model_A.save(tmp_path / "my_model_A.h5")

    model_A = keras.models.load_model(tmp_path / "my_model_A.h5")
    model_B_on_A = examples.model_B_on_A(model_A)

    for layer in model_B_on_A.layers[:-1]:
        layer.trainable = False
    model_B_on_A.compile(loss="binary_crossentropy",
                         optimizer=keras.optimizers.SGD(learning_rate=1e-3),
                         metrics=["accuracy"])
    reused = model_A.get_weights()[:-2]
    model_B_on_A.fit(X_B, y_B, epochs=4, verbose=0)
    assert not any(_changed(reused, model_B_on_A.get_weights()[:-2]))

    for layer in model_B_on_A.layers[:-1]:
        layer.trainable = True
    model_B_on_A.compile(loss="binary_crossentropy",
                         optimizer=keras.optimizers.SGD(learning_rate=1e-3),
                         metrics=["accuracy"])
    history = model_B_on_A.fit(X_B, y_B, epochs=16, verbose=0)
    assert all(_changed(reused, model_B_on_A.get_weights()[:-2]))
    assert not any(_changed(reused, model_A.get_weights()[:-2]))  # A was cloned first
    assert history.history["loss"][-1] < history.history["loss"][0]
    _, accuracy = model_B_on_A.evaluate(X_test_B, y_test_B, verbose=0)
    assert accuracy > 0.85
