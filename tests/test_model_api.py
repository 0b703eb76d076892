"""The Keras model API as chapter-10 code uses it (Sequential, functional, fit & co)."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite
import nnlite as keras
from nnlite import examples


@pytest.fixture(autouse=True)
def fresh():
    keras.backend.clear_session()
    keras.utils.set_random_seed(42)


def book_mlp():
    return keras.models.Sequential([
        keras.layers.Flatten(input_shape=[28, 28]),
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


def wide_and_deep():
    """The book's functional regression model (California housing, 8 features)."""
    input_ = keras.layers.Input(shape=[8])
    hidden1 = keras.layers.Dense(30, activation="relu")(input_)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    concat = keras.layers.concatenate([input_, hidden2])
    output = keras.layers.Dense(1)(concat)
    return keras.models.Model(inputs=[input_], outputs=[output])


two_in_two_out = examples.wide_and_deep  # the book's two inputs, two outputs


def small_data(n=60, d=4, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)).astype("float32"), rng.integers(0, k, size=n)


def small_classifier(d=4, k=3):
    model = keras.models.Sequential([keras.layers.Dense(8, activation="relu", input_shape=[d]),
                                     keras.layers.Dense(k, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
                  metrics=["accuracy"])
    return model


def summary_text(model) -> list[str]:
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    return lines


# ------------------------------------------------------------------- package
def test_keras_alias():
    assert nnlite.keras is nnlite
    import nnlite as tf
    assert tf.keras.layers.Dense is keras.layers.Dense
    assert tf.keras.models.Sequential is keras.Sequential
    assert keras.models.Model is keras.Model


@pytest.mark.parametrize("set_seed", ["random.set_seed", "utils.set_random_seed"])
def test_set_seed_reproduces_weights(set_seed):
    """``tf.random.set_seed`` (the book) and ``keras.utils.set_random_seed`` (Keras 3)."""
    module, name = set_seed.split(".")
    kernels = []
    for _ in range(2):
        getattr(getattr(nnlite, module), name)(7)
        dense = keras.layers.Dense(4)
        dense.build((None, 3))
        kernels.append(dense.get_weights()[0])
    np.testing.assert_array_equal(*kernels)


def test_tf_keras_import_lines_work_with_one_word_changed():
    import importlib
    import sys

    from nnlite.keras.datasets import fashion_mnist
    from nnlite.keras.layers import Dense, Flatten
    from nnlite.keras.models import Sequential
    assert Dense is keras.layers.Dense and Flatten is keras.layers.Flatten
    assert Sequential is keras.Sequential and fashion_mnist is keras.datasets.fashion_mnist
    sub = importlib.import_module("nnlite.keras.datasets.fashion_mnist")
    assert sub is sys.modules["nnlite.datasets.fashion_mnist"]   # the same module, no copy
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("nnlite.keras.no_such_module")


# --------------------------------------------------------------- names, layers
def test_automatic_names_and_clear_session():
    model = book_mlp()
    assert [layer.name for layer in model.layers] == ["flatten", "dense", "dense_1", "dense_2"]
    assert model.name == "sequential"
    assert keras.layers.Dense(3).name == "dense_3"
    assert keras.models.Sequential().name == "sequential_1"
    keras.backend.clear_session()
    assert keras.layers.Dense(3).name == "dense"
    assert keras.layers.Dense(3, name="my_dense").name == "my_dense"


def test_functional_names_inputs_and_layers():
    model = wide_and_deep()
    assert model.name == "model"
    assert [layer.name for layer in model.layers] == ["input_1", "dense", "dense_1",
                                                      "concatenate", "dense_2"]
    assert type(model.layers[0]).__name__ == "InputLayer"
    assert model.input_shape == (None, 8)
    assert model.output_shape == (None, 1)
    assert model.layers[3].output_shape == (None, 38)


def test_get_layer_by_name_and_index():
    model = book_mlp()
    hidden1 = model.layers[1]
    assert model.get_layer("dense") is hidden1
    assert model.get_layer(index=1) is hidden1
    with pytest.raises(ValueError, match="dense_9"):
        model.get_layer("dense_9")


def test_sequential_add_and_pop():
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=[4]))
    model.add(keras.layers.Dense(3, activation="relu"))
    model.add(keras.layers.Dense(2))
    assert model.output_shape == (None, 2)
    assert len(model.layers) == 2          # the InputLayer is not listed, as in Keras
    top = model.pop()
    assert top.units == 2 and model.output_shape == (None, 3)


def test_input_shape_builds_at_once():
    model = keras.models.Sequential([keras.layers.Dense(3, input_shape=[4]),
                                     keras.layers.Dense(2)])
    assert model.built
    assert model.input_shape == (None, 4)
    assert model.layers[0].kernel.shape == (4, 3)
    assert model.count_params() == 4 * 3 + 3 + 3 * 2 + 2
    assert model.layers[1].input_shape == (None, 3)


def test_lazy_build_from_first_batch():
    model = keras.models.Sequential([keras.layers.Dense(3), keras.layers.Dense(2)])
    assert not model.built and model.weights == []
    with pytest.raises(ValueError, match="not yet been built"):
        model.summary()
    out = model.predict(np.ones((5, 7)), verbose=0)
    assert out.shape == (5, 2)
    assert model.built and model.layers[0].kernel.shape == (7, 3)
    assert model.count_params() == 7 * 3 + 3 + 3 * 2 + 2


def test_build_with_input_shape():
    model = keras.models.Sequential([keras.layers.Dense(3)])
    model.build((None, 4))
    assert model.count_params() == 15


def test_dense_defaults_like_keras():
    layer = keras.layers.Dense(10)
    assert layer.use_bias is True
    assert layer.activation is keras.activations.linear
    assert type(layer.kernel_initializer).__name__ == "GlorotUniform"
    assert type(layer.bias_initializer).__name__ == "Zeros"
    assert layer.kernel is None and not layer.built   # weights are created lazily
    y = layer(np.ones((2, 20)))
    assert y.shape == (2, 10)
    assert layer.kernel.shape == (20, 10) and layer.bias.shape == (10,)
    np.testing.assert_array_equal(layer.bias.value, 0)
    limit = np.sqrt(6 / 30)
    assert np.abs(layer.kernel.value).max() <= limit
    assert [w.name.split("/")[-1] for w in layer.weights] == ["kernel", "bias"]
    assert keras.layers.Dense(4, use_bias=False)(np.ones((1, 2))).shape == (1, 4)


def test_weights_get_set_and_trainable():
    model = book_mlp()
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(784, 300), (300,), (300, 100), (100,), (100, 10),
                                          (10,)]
    zeros = [np.zeros_like(w) for w in weights]
    model.set_weights(zeros)
    assert all(np.all(w == 0) for w in model.get_weights())
    with pytest.raises(ValueError):
        model.set_weights(zeros[:-1])
    hidden1 = model.layers[1]
    hidden1.set_weights(weights[:2])
    np.testing.assert_array_equal(hidden1.get_weights()[0], weights[0])
    assert len(hidden1.variables) == 2
    hidden1.trainable = False
    assert len(model.trainable_weights) == 4 and len(model.non_trainable_weights) == 2
    lines = summary_text(model)
    assert "Trainable params: 31,110" in lines
    assert "Non-trainable params: 235,500" in lines


# -------------------------------------------------------------------- summary
def test_summary_sequential_matches_tf_keras_2():
    lines = summary_text(book_mlp())
    blank = " " * 65
    expected = [
        'Model: "sequential"',
        "_" * 65,
        " Layer (type)                Output Shape              Param #   ",
        "=" * 65,
        " flatten (Flatten)           (None, 784)               0         ",
        blank,
        " dense (Dense)               (None, 300)               235500    ",
        blank,
        " dense_1 (Dense)             (None, 100)               30100     ",
        blank,
        " dense_2 (Dense)             (None, 10)                1010      ",
        blank,
        "=" * 65,
        "Total params: 266,610",
        "Trainable params: 266,610",
        "Non-trainable params: 0",
        "_" * 65,
    ]
    assert lines == expected


def test_summary_functional_matches_tf_keras_2():
    model = wide_and_deep()
    lines = summary_text(model)
    assert model.count_params() == 1239
    assert lines[0] == 'Model: "model"'
    assert lines[2].rstrip() == (" Layer (type)                   Output Shape         "
                                 "Param #     Connected to")
    assert all(len(line) == 98 for line in lines[1:-5])
    rows = [line.rstrip() for line in lines if line.strip()]
    assert " input_1 (InputLayer)           [(None, 8)]          0           []" in rows
    assert (" dense (Dense)                  (None, 30)           270         "
            "['input_1[0][0]']") in rows
    # a long "Connected to" list continues on the next line, as tf.keras 2 prints it
    i = rows.index(" concatenate (Concatenate)      (None, 38)           0           "
                   "['input_1[0][0]',")
    assert rows[i + 1] == " " * 66 + "'dense_1[0][0]']"
    assert lines[-4:-1] == ["Total params: 1,239", "Trainable params: 1,239",
                            "Non-trainable params: 0"]


def test_summary_prints(capsys):
    book_mlp().summary()
    out = capsys.readouterr().out
    assert "Total params: 266,610" in out and "dense_2 (Dense)" in out


# ------------------------------------------------------------------------ fit
def test_history_keys_params_and_epoch():
    model = small_classifier()
    x, y = small_data()
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0, validation_data=(x, y))
    assert list(history.history)[:4] == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr",
                                    "learning_rate"}  # tf.keras <= 2.10 and >= 2.11 names
    assert history.epoch == [0, 1, 2]
    assert all(len(v) == 3 for v in history.history.values())
    assert history.history["lr"] == [pytest.approx(0.01)] * 3
    assert history.params["epochs"] == 3
    assert history.params["steps"] == 4          # ceil(60 / 16)
    assert history.params["verbose"] == 0
    assert model.history is history
    # the last val_loss is evaluate() on the same data after training
    assert history.history["val_loss"][-1] == pytest.approx(
        model.evaluate(x, y, verbose=0)[0], rel=1e-5)


def test_initial_epoch_and_metric_function_names():
    model = keras.models.Sequential([keras.layers.Dense(3, activation="softmax",
                                                        input_shape=[4])])
    model.compile(loss=keras.losses.sparse_categorical_crossentropy,
                  optimizer=keras.optimizers.SGD(),
                  metrics=[keras.metrics.sparse_categorical_accuracy])
    x, y = small_data()
    history = model.fit(x, y, epochs=4, initial_epoch=2, verbose=0)
    assert history.epoch == [2, 3]
    assert "sparse_categorical_accuracy" in history.history


def test_fit_verbose_prints_progress_bar(capsys):
    model = small_classifier()
    x, y = small_data()
    model.fit(x, y, epochs=2, verbose=1, validation_split=0.25)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "2/2 [==============================]" in out
    assert " - loss: " in out and " - accuracy: " in out and " - val_accuracy: " in out


def test_validation_split_takes_the_last_fraction():
    model = small_classifier()
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(100, 4)).astype("float32"), rng.integers(0, 3, size=100)
    history = model.fit(x, y, epochs=1, verbose=0, validation_split=0.29, shuffle=True)
    # Keras: split_at = floor(n · (1 − split)) = 71, so the last 29 samples validate
    assert history.params["samples"] == 71
    assert history.params["steps"] == 3
    val_loss = history.history["val_loss"][0]
    assert val_loss == pytest.approx(model.evaluate(x[71:], y[71:], verbose=0)[0], rel=1e-5)
    assert val_loss != pytest.approx(model.evaluate(x[:29], y[:29], verbose=0)[0], rel=1e-5)


# ------------------------------------------------------- evaluate and predict
def test_evaluate_scalar_or_list():
    x, y = small_data()
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[4])])
    model.compile(loss="mse", optimizer="sgd")
    yf = y.astype("float32")
    loss = model.evaluate(x, yf, verbose=0)
    assert isinstance(loss, float)
    pred = model.predict(x, verbose=0)[:, 0]
    assert loss == pytest.approx(np.mean((pred - yf) ** 2), rel=1e-5)
    model.compile(loss="mse", optimizer="sgd", metrics=["mae"])
    result = model.evaluate(x, yf, verbose=0)
    assert isinstance(result, list) and len(result) == 2
    assert result[1] == pytest.approx(np.mean(np.abs(pred - yf)), rel=1e-5)
    assert model.metrics_names == ["loss", "mae"]
    logs = model.evaluate(x, yf, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "mae"}


def test_evaluate_batches_average_over_samples():
    model = small_classifier()
    x, y = small_data(n=50)
    full = model.evaluate(x, y, batch_size=50, verbose=0)
    batched = model.evaluate(x, y, batch_size=7, verbose=0)
    np.testing.assert_allclose(full, batched, rtol=1e-5)


def test_predict_shapes_and_call():
    model = book_mlp()
    x = np.random.default_rng(0).random((70, 28, 28)).astype("float32")
    proba = model.predict(x, verbose=0)
    assert proba.shape == (70, 10) and proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(model.predict(x, batch_size=9, verbose=0), proba, rtol=1e-5)
    np.testing.assert_allclose(model(x[:3]), proba[:3], rtol=1e-5)
    np.testing.assert_allclose(model.predict_on_batch(x[:5]), proba[:5], rtol=1e-5)
    assert model.predict(x[:1], verbose=0).shape == (1, 10)


def test_compile_required():
    model = small_classifier()
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[4])])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.ones((4, 4)), np.ones(4), verbose=0)
    with pytest.raises(RuntimeError, match="compile"):
        model.evaluate(np.ones((4, 4)), np.ones(4), verbose=0)


# ------------------------------------------------------------------- on_batch
def test_train_test_predict_on_batch():
    model = small_classifier()
    x, y = small_data(n=32)
    optimizer = model.optimizer
    before = model.get_weights()
    loss, acc = model.test_on_batch(x, y)
    assert [loss, acc] == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-5)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    train_loss, _ = model.train_on_batch(x, y)
    assert train_loss == pytest.approx(loss, rel=1e-5)   # loss before the update
    assert optimizer.iterations == 1
    assert not all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert model.test_on_batch(x, y)[0] < loss
    assert model.predict_on_batch(x).shape == (32, 3)
    logs = model.train_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}


# ------------------------------------------------- multi-input / multi-output
def test_multi_input_multi_output_with_loss_weights():
    model = two_in_two_out()
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer="sgd")
    rng = np.random.default_rng(0)
    xa, xb = rng.normal(size=(40, 5)), rng.normal(size=(40, 6))
    y = rng.normal(size=(40, 1))
    history = model.fit((xa, xb), (y, y), epochs=2, verbose=0,
                        validation_data=((xa, xb), (y, y)))
    assert list(history.history)[:3] == ["loss", "main_output_loss", "aux_output_loss"]
    assert "val_main_output_loss" in history.history
    total, main_loss, aux_loss = model.evaluate((xa, xb), (y, y), verbose=0)
    assert total == pytest.approx(0.9 * main_loss + 0.1 * aux_loss, rel=1e-5)
    main_pred, aux_pred = model.predict((xa, xb), verbose=0)
    assert main_pred.shape == aux_pred.shape == (40, 1)
    assert main_loss == pytest.approx(np.mean((main_pred - y) ** 2), rel=1e-4)
    assert aux_loss == pytest.approx(np.mean((aux_pred - y) ** 2), rel=1e-4)
    # inputs and targets may be dicts keyed by Input / output layer names
    by_name = model.evaluate({"wide_input": xa, "deep_input": xb},
                             {"main_output": y, "aux_output": y}, verbose=0)
    np.testing.assert_allclose(by_name, [total, main_loss, aux_loss], rtol=1e-6)
    with pytest.raises(ValueError, match="2 input"):
        model.predict(xa, verbose=0)


def test_single_input_model_accepts_a_one_item_list():
    model = wide_and_deep()
    model.compile(loss="mse", optimizer="sgd")
    x = np.random.default_rng(0).normal(size=(10, 8))
    y = np.ones((10, 1))
    np.testing.assert_allclose(model.predict([x], verbose=0), model.predict(x, verbose=0))
    assert model.evaluate([x], [y], verbose=0) == pytest.approx(
        model.evaluate(x, y, verbose=0))
    assert len(model.fit([x], [y], verbose=0).epoch) == 1
    # a list of numbers is still one sample's features, not a list of inputs
    assert model.predict([list(range(8))], verbose=0).shape == (1, 1)


def test_one_output_accepts_loss_and_weights_in_a_list_or_dict():
    model = wide_and_deep()
    x, y = np.random.default_rng(0).normal(size=(10, 8)), np.ones((10, 1))
    model.compile(loss="mse", optimizer="sgd")
    plain = model.evaluate(x, y, verbose=0)
    model.compile(loss=["mse"], loss_weights=[0.5], optimizer="sgd")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(0.5 * plain)
    model.compile(loss={"dense_2": "mse"}, optimizer="sgd")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(plain)


def test_loss_weights_as_dict_and_metrics_per_output():
    model = two_in_two_out()
    model.compile(loss={"main_output": "mse", "aux_output": "mae"},
                  loss_weights={"main_output": 1.0, "aux_output": 0.5},
                  optimizer="sgd", metrics=["mae"])
    rng = np.random.default_rng(1)
    xa, xb, y = rng.normal(size=(20, 5)), rng.normal(size=(20, 6)), rng.normal(size=(20, 1))
    logs = model.evaluate((xa, xb), (y, y), verbose=0, return_dict=True)
    assert set(logs) == {"loss", "main_output_loss", "aux_output_loss", "main_output_mae",
                         "aux_output_mae"}
    assert logs["loss"] == pytest.approx(logs["main_output_loss"] +
                                         0.5 * logs["aux_output_loss"], rel=1e-5)
    assert logs["aux_output_loss"] == pytest.approx(logs["aux_output_mae"], rel=1e-5)


# ------------------------------------------------------------------- callbacks
def test_callback_hooks_and_stop_training():
    calls = []

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append("train_begin")

        def on_epoch_end(self, epoch, logs=None):
            calls.append(("epoch_end", epoch, sorted(logs)))
            if epoch == 1:
                self.model.stop_training = True

        def on_train_batch_end(self, batch, logs=None):
            calls.append("batch")

    model = small_classifier()
    x, y = small_data()
    history = model.fit(x, y, epochs=5, batch_size=30, verbose=0, callbacks=[Recorder()])
    assert calls[0] == "train_begin"
    assert calls.count("batch") == 4
    assert ("epoch_end", 0, ["accuracy", "loss", "lr"]) in calls
    assert history.epoch == [0, 1]


WideAndDeepModel = examples.WideAndDeepModel  # the book's subclassing-API example


def test_subclassing_api_trains_with_tuples_of_inputs_and_targets():
    rng = np.random.default_rng(0)
    xa, xb = rng.normal(size=(64, 5)), rng.normal(size=(64, 6))
    y = xa[:, :1] - xb[:, 1:2]
    model = WideAndDeepModel(30, activation="relu")
    assert model.name == "wide_and_deep_model" and not model.built
    model.compile(loss="mse", loss_weights=[0.9, 0.1], optimizer=keras.optimizers.SGD(0.01))
    history = model.fit((xa, xb), (y, y), epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    total, main, aux = model.evaluate((xa, xb), (y, y), verbose=0)
    assert total == pytest.approx(0.9 * main + 0.1 * aux, rel=1e-5)
    main_pred, aux_pred = model.predict((xa[:3], xb[:3]), verbose=0)
    assert main_pred.shape == aux_pred.shape == (3, 1)
    # 5+30 → 1 and 30 → 1 on top of 6 → 30 → 30
    assert model.count_params() == (6 * 30 + 30) + (30 * 30 + 30) + (35 + 1) + (30 + 1)


def test_predict_classes_of_tf_keras_2_5_still_works():
    x, y = small_data()
    model = small_classifier()
    with pytest.warns(DeprecationWarning, match="predict_classes"):
        classes = model.predict_classes(x)
    np.testing.assert_array_equal(classes, np.argmax(model.predict(x, verbose=0), axis=-1))
    binary = keras.models.Sequential([keras.layers.Dense(1, activation="sigmoid",
                                                         input_shape=[4])])
    with pytest.warns(DeprecationWarning):
        labels = binary.predict_classes(x)
    assert labels.shape == (60, 1) and set(np.unique(labels)) <= {0, 1}
    np.testing.assert_array_equal(labels, (binary.predict(x, verbose=0) > 0.5).astype("int32"))


def test_import_is_light_and_heavy_parts_load_on_first_use():
    import subprocess
    import sys
    code = ("import sys, nnlite as keras; heavy = ('sklearn', 'matplotlib', 'tqdm');"
            "print(sorted(m for m in heavy if m in sys.modules));"
            "print(keras.plot.__name__, keras.inspect.__name__, keras.wrappers.__name__,"
            " keras.Perceptron.__name__, keras.utils.plot_model.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "[]", "nnlite.plot nnlite.inspect nnlite.wrappers Perceptron plot_model"]
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        keras.nope  # noqa: B018
