"""Saving and loading: round trips, resumed training, bad files, atomic writes, no pickle."""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest

import nnlite as keras
from nnlite import backend, examples
from nnlite.saving import archive

# ----------------------------------------------------------------- helpers


def _data(n=64, d=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)).astype("float32"), rng.integers(0, classes, n)


def _mlp(optimizer="sgd", d=6):
    model = keras.models.Sequential([
        keras.layers.Dense(8, activation="relu", input_shape=[d]),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    return model


def _continue(model, X, y, epochs=2):
    model.fit(X, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    return model.get_weights()


def _assert_same_weights(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


# -------------------------------------------------------------- round trips
@pytest.mark.parametrize("name", ["my_keras_model.h5", "m.keras", "m.hdf5", "m.nnlite",
                                  "my_model_final.ckpt", "no_extension"])
def test_any_extension_round_trip(tmp_path, name):
    X, y = _data()
    model = _mlp()
    model.fit(X, y, epochs=1, verbose=0)
    model.save(tmp_path / name)
    assert os.listdir(tmp_path) == [name]  # one plain file, no temp files left
    loaded = keras.models.load_model(str(tmp_path / name))
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert loaded.get_config() == model.get_config()
    assert loaded.metrics_names == model.metrics_names


def test_the_books_chapter_10_code_runs_unchanged(tmp_path, monkeypatch):
    """save/load_model, save/load_weights(.ckpt), ModelCheckpoint + EarlyStopping."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(2)
    X_train, X_valid, X_test = (rng.standard_normal((n, 8)) for n in (96, 32, 32))
    y_train, y_valid, y_test = (x @ np.linspace(-1, 1, 8) for x in (X_train, X_valid, X_test))
    X_new = X_test[:3]
    model = keras.models.Sequential([
        keras.layers.Dense(30, activation="relu", input_shape=X_train.shape[1:]),
        keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
    model.fit(X_train, y_train, epochs=2, validation_data=(X_valid, y_valid), verbose=0)
    y_pred = model.predict(X_new, verbose=0)

    model.save("my_keras_model.h5")
    model = keras.models.load_model("my_keras_model.h5")
    np.testing.assert_array_equal(model.predict(X_new, verbose=0), y_pred)
    model.save_weights("my_keras_weights.ckpt")
    model.load_weights("my_keras_weights.ckpt")
    np.testing.assert_array_equal(model.predict(X_new, verbose=0), y_pred)

    checkpoint_cb = keras.callbacks.ModelCheckpoint("my_keras_model.h5", save_best_only=True)
    early_stopping_cb = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
    history = model.fit(X_train, y_train, epochs=5, validation_data=(X_valid, y_valid),
                        callbacks=[checkpoint_cb, early_stopping_cb], verbose=0)
    model = keras.models.load_model("my_keras_model.h5")  # the best model
    best = int(np.argmin(history.history["val_loss"]))
    assert model.evaluate(X_valid, y_valid, verbose=0) == \
        pytest.approx(history.history["val_loss"][best], rel=1e-5)
    assert sorted(os.listdir(tmp_path)) == ["my_keras_model.h5", "my_keras_weights.ckpt"]


def test_functional_multi_input_multi_output_round_trip(tmp_path):
    model = examples.wide_and_deep()
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1],
                  optimizer=keras.optimizers.SGD(learning_rate=1e-3))
    rng = np.random.default_rng(1)
    xa, xb, y = rng.random((40, 5)), rng.random((40, 6)), rng.random(40)
    model.fit([xa, xb], [y, y], epochs=1, verbose=0)
    model.save(tmp_path / "wide_deep.h5")
    loaded = keras.models.load_model(tmp_path / "wide_deep.h5")
    for a, b in zip(model.predict([xa, xb], verbose=0), loaded.predict([xa, xb], verbose=0)):
        np.testing.assert_array_equal(a, b)
    assert loaded.loss_weights == [0.9, 0.1]
    assert [t.shape for t in loaded.inputs] == [(None, 5), (None, 6)]
    assert loaded.get_config() == model.get_config()
    _assert_same_weights(_continue(model, [xa, xb], [y, y], 1),
                         _continue(loaded, [xa, xb], [y, y], 1))


def test_config_of_initializers_regularizers_constraints_activations(tmp_path):
    layer = keras.layers.Dense(4, activation=keras.activations.leaky_relu.with_alpha(0.3),
                               kernel_initializer="he_normal",
                               kernel_regularizer=keras.regularizers.l2(0.01),
                               bias_regularizer=keras.regularizers.l1(0.02),
                               activity_regularizer=keras.regularizers.l1_l2(0.001, 0.002),
                               kernel_constraint=keras.constraints.max_norm(1.0),
                               input_shape=[3])
    model = keras.models.Sequential([layer, keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.layers[0].get_config() == layer.get_config()
    assert loaded.layers[0].activation.alpha == pytest.approx(0.3)
    assert loaded.layers[0].kernel.constraint is not None
    assert loaded.layers[0].kernel.regularizer is not None


# Each layer with non-default arguments, so that a parameter lost between
# get_config and from_config shows up; a layer exported by nnlite.layers but
# missing here is saved with its defaults (new layers are covered automatically).
LAYER_ARGS = {
    "Dense": ((3,), dict(activation="elu", use_bias=False,
                         kernel_initializer=keras.initializers.VarianceScaling(
                             scale=2.0, mode="fan_avg", distribution="uniform"),
                         kernel_regularizer=keras.regularizers.l1_l2(1e-3, 1e-2),
                         kernel_constraint=keras.constraints.max_norm(2.0))),
    "Activation": (("tanh",), {}),
    "Reshape": (((2, 2),), {}),
    "Flatten": ((), {}),
    "BatchNormalization": ((), dict(momentum=0.9, epsilon=0.01, center=False,
                                    gamma_initializer=keras.initializers.Constant(1.5),
                                    moving_variance_initializer="zeros",
                                    gamma_regularizer=keras.regularizers.l2(1e-3))),
    "Dropout": ((0.3,), {}),
    "AlphaDropout": ((0.2,), dict(seed=7)),
    "GaussianNoise": ((0.1,), {}),
    "GaussianDropout": ((0.2,), {}),
    "LeakyReLU": ((), dict(alpha=0.2)),
    "PReLU": ((), dict(alpha_initializer=keras.initializers.Constant(0.25),
                       alpha_regularizer=keras.regularizers.l2(1e-3),
                       alpha_constraint=keras.constraints.non_neg())),
    "ELU": ((), dict(alpha=0.5)),
    "ReLU": ((), dict(max_value=6.0, negative_slope=0.1, threshold=0.05)),
    "Softmax": ((), dict(axis=-1)),
    "RReLU": ((), dict(lower=0.05, upper=0.25)),
    "ThresholdedReLU": ((), dict(theta=0.5)),
    "Normalization": ((), dict(mean=[0.5, 0.0, -1.0, 2.0], variance=[2.0, 1.0, 0.5, 4.0])),
}
NOT_IN_A_STACK = {"Layer", "InputLayer", "Concatenate", "StochasticLayer"}


def _layer_classes():
    from nnlite.layers.base import Layer
    names = sorted(n for n in dir(keras.layers) if isinstance(getattr(keras.layers, n), type)
                   and issubclass(getattr(keras.layers, n), Layer))
    return [n for n in names if n not in NOT_IN_A_STACK]


@pytest.mark.parametrize("class_name", _layer_classes())
def test_every_layer_type_round_trip_and_resume(tmp_path, class_name):
    cls = getattr(keras.layers, class_name)
    args, kwargs = LAYER_ARGS.get(class_name, ((), {}))
    try:
        layer = cls(*args, **kwargs)
    except TypeError as exc:
        pytest.skip(f"{class_name} needs constructor arguments ({exc}); add it to LAYER_ARGS")
    np.random.seed(3)
    model = keras.models.Sequential([keras.layers.Dense(4, input_shape=[4]), layer,
                                     keras.layers.Dense(2)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(0.01, momentum=0.9))
    rng = np.random.default_rng(0)
    X = rng.standard_normal((48, 4)).astype("float32")
    y = rng.standard_normal((48,) + model.output_shape[1:]).astype("float32")
    model.fit(X, y, epochs=1, batch_size=16, verbose=0)
    model.save(tmp_path / "layer.h5")
    loaded = keras.models.load_model(tmp_path / "layer.h5")
    assert type(loaded.layers[1]) is cls
    assert loaded.layers[1].get_config() == model.layers[1].get_config()
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    _assert_same_weights(_continue(model, X, y), _continue(loaded, X, y))


# --------------------------------------------------------- resumed training
def _optimizers():
    from nnlite.optimizers import OPTIMIZERS
    built = [pytest.param(lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                          id="SGD-momentum"),
             pytest.param(lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9,
                                                       nesterov=True), id="SGD-nesterov")]
    for cls in sorted(set(OPTIMIZERS.names.values()), key=lambda c: c.__name__):
        built.append(pytest.param(cls, id=cls.__name__))
    return built


def _dropout_mlp(optimizer):
    model = keras.models.Sequential([
        keras.layers.Dense(8, activation="relu", input_shape=[6]),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    return model


@pytest.mark.parametrize("make_optimizer", _optimizers())
def test_fit_after_load_continues_exactly(tmp_path, make_optimizer):
    """fit(4 epochs) == fit(2), save, new session, load, fit(2): slots, iterations,
    dropout masks and (seed fixed) the shuffles all continue where they stopped."""
    X, y = _data()
    backend.clear_session()
    keras.utils.set_random_seed(42)
    uninterrupted = _dropout_mlp(make_optimizer())
    uninterrupted.fit(X, y, epochs=4, batch_size=16, verbose=0)

    backend.clear_session()
    keras.utils.set_random_seed(42)
    model = _dropout_mlp(make_optimizer())
    model.fit(X, y, epochs=2, batch_size=16, verbose=0)
    model.save(tmp_path / "ckpt.h5")
    backend.clear_session()  # a new Python session (same NumPy generator state)
    loaded = keras.models.load_model(tmp_path / "ckpt.h5")
    assert loaded.optimizer.iterations == model.optimizer.iterations == 8
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    loaded.fit(X, y, epochs=2, batch_size=16, verbose=0)
    assert loaded.optimizer.iterations == 16
    _assert_same_weights(loaded.get_weights(), uninterrupted.get_weights())


def test_load_model_leaves_the_global_generator_alone(tmp_path):
    _dropout_mlp("adam").save(tmp_path / "m.h5")
    np.random.seed(5)
    expected = np.random.random(3)
    np.random.seed(5)
    keras.models.load_model(tmp_path / "m.h5")
    np.testing.assert_array_equal(np.random.random(3), expected)


def test_resume_with_schedule_dropout_and_batch_norm(tmp_path):
    X, y = _data(n=80)
    np.random.seed(7)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=5,
                                                           decay_rate=0.5)
    model = keras.models.Sequential([
        keras.layers.Dense(16, activation="elu", input_shape=[6]),
        keras.layers.BatchNormalization(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.Adam(learning_rate=schedule))
    model.fit(X, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    model.save(tmp_path / "sched.keras")
    loaded = keras.models.load_model(tmp_path / "sched.keras")
    assert loaded.optimizer.current_learning_rate() == model.optimizer.current_learning_rate()
    _assert_same_weights(_continue(model, X, y), _continue(loaded, X, y))


def test_include_optimizer_false_restarts_the_optimizer(tmp_path):
    X, y = _data()
    model = _mlp(keras.optimizers.SGD(momentum=0.9))
    model.fit(X, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.h5", include_optimizer=False)
    with zipfile.ZipFile(tmp_path / "m.h5") as zf:
        assert archive.OPTIMIZER not in zf.namelist()
    loaded = keras.models.load_model(tmp_path / "m.h5")
    assert loaded.optimizer.iterations == 0 and loaded.optimizer.momentum == 0.9


def test_uncompiled_model_loads_with_a_warning(tmp_path):
    model = keras.models.Sequential([keras.layers.Dense(2, input_shape=[3])])
    model.save(tmp_path / "raw.h5")
    with pytest.warns(UserWarning, match="not\\* compiled"):
        loaded = keras.models.load_model(tmp_path / "raw.h5")
    _assert_same_weights(loaded.get_weights(), model.get_weights())
    compiled = _mlp()
    compiled.save(tmp_path / "c.h5")
    assert not keras.models.load_model(tmp_path / "c.h5", compile=False)._compiled


def test_frozen_flags_are_saved(tmp_path):
    model = _mlp()
    model.layers[0].trainable = False
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    model.save(tmp_path / "frozen.h5")
    loaded = keras.models.load_model(tmp_path / "frozen.h5")
    assert [layer.trainable for layer in loaded.layers] == [False, True]
    assert len(loaded.trainable_weights) == 2 and len(loaded.non_trainable_weights) == 2


def test_loaded_names_do_not_collide_with_new_layers(tmp_path):
    """The ch. 11 flow in a fresh session: load model A, stack a new Dense on it."""
    backend.clear_session()
    model_A = _mlp()
    model_A.save(tmp_path / "my_model_A.h5")
    backend.clear_session()  # a new Python session
    model_A = keras.models.load_model(tmp_path / "my_model_A.h5")
    model_B_on_A = keras.models.Sequential(model_A.layers[:-1])
    model_B_on_A.add(keras.layers.Dense(1, activation="sigmoid"))
    names = [layer.name for layer in model_B_on_A.layers]
    assert len(set(names)) == len(names)
    model_B_on_A.compile(loss="binary_crossentropy", optimizer="sgd")
    model_B_on_A.save(tmp_path / "my_model_B_on_A.h5")
    keras.models.load_model(tmp_path / "my_model_B_on_A.h5")


# ------------------------------------------------------------ custom objects
def _scaled_tanh(z):
    return 1.7159 * np.tanh(2.0 / 3.0 * z)


_scaled_tanh.derivative = lambda z: 1.7159 * 2.0 / 3.0 * (1 - np.tanh(2.0 / 3.0 * z) ** 2)


def _my_mse(y_true, y_pred):
    return np.mean((y_pred - y_true) ** 2, axis=-1)


_my_mse.gradient = lambda y_true, y_pred: 2.0 * (y_pred - y_true) / y_pred.shape[-1]


class MyDense(keras.layers.Dense):
    """A user layer: a Dense with a fixed extra scale."""

    def __init__(self, units, scale=2.0, **kwargs):
        super().__init__(units, **kwargs)
        self.scale = scale

    def forward(self, x, training=False):
        return super().forward(x, training) * self.scale

    def backward(self, grad_output, fused=False):
        return super().backward(grad_output * self.scale, fused)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def _my_l1(w):
    return 0.01 * float(np.abs(w).sum())


_my_l1.gradient = lambda w: 0.01 * np.sign(w)


class MyL2(keras.regularizers.Regularizer):
    """A user regularizer class with a parameter (saved through get_config)."""

    def __init__(self, factor=0.01):
        self.factor = factor

    def __call__(self, w):
        return self.factor * float(np.square(w).sum())

    def gradient(self, w):
        return 2 * self.factor * w

    def get_config(self):
        return {"factor": self.factor}


def _my_init(shape, dtype=None):
    return np.random.normal(0.0, 0.1, shape).astype(dtype)


def _my_non_neg(w):
    return np.maximum(w, 0.0)


CUSTOM = {"MyDense": MyDense, "_scaled_tanh": _scaled_tanh, "_my_mse": _my_mse,
          "_my_l1": _my_l1, "MyL2": MyL2, "_my_init": _my_init, "_my_non_neg": _my_non_neg}


def _custom_model():
    model = keras.models.Sequential([
        MyDense(4, scale=0.5, activation=_scaled_tanh, kernel_regularizer=_my_l1,
                kernel_initializer=_my_init, input_shape=[3]),
        keras.layers.Dense(1, kernel_regularizer=MyL2(0.05), bias_constraint=_my_non_neg),
    ])
    model.compile(loss=_my_mse, optimizer="sgd")
    return model


def test_custom_objects_round_trip(tmp_path):
    model = _custom_model()
    X, y = np.random.default_rng(0).random((20, 3)), np.random.default_rng(1).random(20)
    model.fit(X, y, epochs=1, verbose=0)
    model.save(tmp_path / "custom.h5")
    loaded = keras.models.load_model(tmp_path / "custom.h5", custom_objects=CUSTOM)
    assert isinstance(loaded.layers[0], MyDense) and loaded.layers[0].scale == 0.5
    assert loaded.layers[0].kernel_regularizer.fn is _my_l1
    assert isinstance(loaded.layers[1].kernel_regularizer, MyL2)
    assert loaded.layers[1].kernel_regularizer.factor == 0.05
    assert loaded.get_config() == model.get_config()
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    assert loaded.evaluate(X, y, verbose=0) == model.evaluate(X, y, verbose=0)  # penalties too
    _assert_same_weights(_continue(model, X, y, 1), _continue(loaded, X, y, 1))


@pytest.mark.parametrize("missing", sorted(CUSTOM))
def test_a_missing_custom_object_is_named(tmp_path, missing):
    _custom_model().save(tmp_path / "custom.h5")
    partial = {k: v for k, v in CUSTOM.items() if k != missing}
    with pytest.raises(ValueError, match=f"{missing}.*custom_objects"):
        keras.models.load_model(tmp_path / "custom.h5", custom_objects=partial)


# ----------------------------------------------------------- save_weights
@pytest.mark.parametrize("name", ["my_weights.ckpt", "w.h5", "weights"])
def test_save_and_load_weights(tmp_path, name):
    model = _mlp()
    model.save_weights(tmp_path / name)
    other = _mlp()
    other.load_weights(tmp_path / name)
    _assert_same_weights(other.get_weights(), model.get_weights())
    with pytest.raises(ValueError, match="only weights"):
        keras.models.load_model(tmp_path / name)


def test_load_weights_from_a_full_model_file(tmp_path):
    model = _mlp()
    model.save(tmp_path / "full.h5")
    other = _mlp()
    other.load_weights(tmp_path / "full.h5")
    _assert_same_weights(other.get_weights(), model.get_weights())


def test_shape_mismatch_names_layer_and_shapes_and_changes_nothing(tmp_path):
    model = _mlp()
    model.save_weights(tmp_path / "w.ckpt")
    other = keras.models.Sequential([
        keras.layers.Dense(8, activation="relu", input_shape=[6]),
        keras.layers.Dense(5, activation="softmax", name="head"),
    ])
    before = other.get_weights()
    with pytest.raises(ValueError) as info:
        other.load_weights(tmp_path / "w.ckpt")
    message = str(info.value)
    assert "'head'" in message and "(8, 5)" in message and "(8, 3)" in message
    _assert_same_weights(other.get_weights(), before)  # the first layer was not loaded either


def test_layer_count_mismatch_and_by_name(tmp_path):
    model = _mlp()
    model.save_weights(tmp_path / "w.h5")
    bigger = keras.models.Sequential([
        keras.layers.Dense(8, activation="relu", input_shape=[6], name=model.layers[0].name),
        keras.layers.Dense(4), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="2 layers"):
        bigger.load_weights(tmp_path / "w.h5")
    bigger.load_weights(tmp_path / "w.h5", by_name=True)
    _assert_same_weights(bigger.layers[0].get_weights(), model.layers[0].get_weights())


def test_unbuilt_model_cannot_load_weights(tmp_path):
    _mlp().save_weights(tmp_path / "w.h5")
    model = keras.models.Sequential([keras.layers.Dense(8), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="not built"):
        model.load_weights(tmp_path / "w.h5")


# ---------------------------------------------------------------- bad files
def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No file or directory found"):
        keras.models.load_model(tmp_path / "nope.h5")


def test_foreign_files_are_not_nnlite_files(tmp_path):
    (tmp_path / "notes.h5").write_text("hello, this is not a model")
    (tmp_path / "keras.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(100))
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("readme.txt", "a zip, but not ours")
    with zipfile.ZipFile(tmp_path / "other_format.zip", "w") as zf:
        zf.writestr("config.json", json.dumps({"format": "something-else"}))
    for name in ("notes.h5", "keras.h5", "other.zip", "other_format.zip"):
        with pytest.raises(ValueError, match="not an nnlite model file"):
            keras.models.load_model(tmp_path / name)
    with pytest.raises(ValueError, match="HDF5"):
        keras.models.load_model(tmp_path / "keras.h5")


@pytest.mark.parametrize("keep", [0.0, 0.01, 0.5, 0.99])
def test_truncated_files(tmp_path, keep):
    model = _mlp()
    model.save(tmp_path / "m.h5")
    data = (tmp_path / "m.h5").read_bytes()
    (tmp_path / "cut.h5").write_bytes(data[:int(len(data) * keep)])
    with pytest.raises(ValueError, match="file is truncated"):
        keras.models.load_model(tmp_path / "cut.h5")
    with pytest.raises(ValueError, match="file is truncated"):
        model.load_weights(tmp_path / "cut.h5")


def test_corrupt_bytes_are_detected(tmp_path):
    model = _mlp()
    model.save(tmp_path / "m.h5")
    data = bytearray((tmp_path / "m.h5").read_bytes())
    with zipfile.ZipFile(tmp_path / "m.h5") as zf:
        info = zf.getinfo(archive.WEIGHTS)
    middle = info.header_offset + 60 + info.compress_size // 2
    data[middle] ^= 0xFF
    (tmp_path / "bad.h5").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="corrupt"):
        keras.models.load_model(tmp_path / "bad.h5")


def test_newer_format_version_is_refused(tmp_path):
    _mlp().save(tmp_path / "m.h5")
    with zipfile.ZipFile(tmp_path / "m.h5") as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    config = json.loads(entries["config.json"])
    config["format_version"] = archive.FORMAT_VERSION + 1
    entries["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "future.h5", "w") as zf:
        for n, d in entries.items():
            zf.writestr(n, d)
    with pytest.raises(ValueError, match=f"newer format version \\({archive.FORMAT_VERSION + 1}"
                                         f" > {archive.FORMAT_VERSION}\\); upgrade nnlite"):
        keras.models.load_model(tmp_path / "future.h5")


def _rewrite_config(src, dst, change):
    """Copy the nnlite file ``src`` to ``dst`` with ``change(config)`` applied."""
    with zipfile.ZipFile(src) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    config = json.loads(entries["config.json"])
    change(config)
    entries["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)


def test_a_config_that_does_not_describe_a_model_is_corrupt(tmp_path):
    _mlp().save(tmp_path / "m.h5")
    _rewrite_config(tmp_path / "m.h5", tmp_path / "bad.h5",
                    lambda c: c["model"]["config"]["layers"][0].pop("class_name"))
    with pytest.raises(ValueError, match="file is corrupt: layer 'dense_.*'class_name'"):
        keras.models.load_model(tmp_path / "bad.h5")
    _rewrite_config(tmp_path / "m.h5", tmp_path / "bad2.h5",
                    lambda c: c["weights"][0]["weights"][0].update(key="nowhere"))
    with pytest.raises(ValueError, match="file is corrupt: .*'nowhere'"):
        keras.models.load_model(tmp_path / "bad2.h5")


@pytest.mark.parametrize("class_name", ["Input", "concatenate", "__class__", "Model"])
def test_saved_class_names_only_resolve_to_layer_classes(tmp_path, class_name):
    """A crafted config.json cannot make load_model call an arbitrary function."""
    _mlp().save(tmp_path / "m.h5")

    def change(config):
        config["model"]["config"]["layers"][0]["class_name"] = class_name
    _rewrite_config(tmp_path / "m.h5", tmp_path / "crafted.h5", change)
    with pytest.raises(ValueError, match=f"Unknown layer class '{class_name}'"):
        keras.models.load_model(tmp_path / "crafted.h5")


def test_unbuilt_model_round_trip(tmp_path):
    model = keras.models.Sequential([keras.layers.Dense(4, activation="relu"),
                                     keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=0.01))
    model.save(tmp_path / "unbuilt.keras")
    loaded = keras.models.load_model(tmp_path / "unbuilt.keras")
    assert not loaded.built and loaded.get_config() == model.get_config()
    assert loaded.optimizer.learning_rate == 0.01
    loaded.fit(np.ones((8, 5)), np.ones(8), verbose=0)
    assert loaded.layers[0].kernel.shape == (5, 4)


# ------------------------------------------------------------------- pickle
MARKER = []


def _payload(path):
    """Would run if the file were unpickled: leaves a marker file."""
    with open(path, "w") as f:
        f.write("pwned")


class _Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (_payload, (self.path,))


@pytest.mark.parametrize("entry", [archive.WEIGHTS, archive.OPTIMIZER])
def test_pickle_payload_is_refused(tmp_path, entry):
    model = _mlp(keras.optimizers.SGD(momentum=0.9))
    model.fit(*_data(), epochs=1, verbose=0)
    model.save(tmp_path / "m.h5")
    with zipfile.ZipFile(tmp_path / "m.h5") as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    marker = tmp_path / "marker.txt"
    with np.load(io.BytesIO(entries[entry]), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    first = sorted(arrays)[0]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for key, value in arrays.items():
            with zf.open(f"{key}.npy", "w") as f:
                if key == first:
                    evil = np.array([_Evil(str(marker))], dtype=object)
                    np.lib.format.write_array(f, evil, allow_pickle=True)
                else:
                    np.lib.format.write_array(f, value)
    entries[entry] = buf.getvalue()
    with zipfile.ZipFile(tmp_path / "evil.h5", "w") as zf:
        for n, d in entries.items():
            zf.writestr(n, d)
    with pytest.raises(ValueError, match="pickle"):
        keras.models.load_model(tmp_path / "evil.h5")
    assert not marker.exists()


def test_saved_files_hold_no_pickle(tmp_path):
    model = _mlp(keras.optimizers.SGD(momentum=0.9))
    model.fit(*_data(), epochs=1, verbose=0)
    model.save(tmp_path / "m.h5")
    with zipfile.ZipFile(tmp_path / "m.h5") as zf:
        assert sorted(zf.namelist()) == sorted([archive.CONFIG, archive.WEIGHTS,
                                                archive.OPTIMIZER])
        json.loads(zf.read(archive.CONFIG))
        for entry in (archive.WEIGHTS, archive.OPTIMIZER):
            with np.load(io.BytesIO(zf.read(entry)), allow_pickle=False) as npz:
                assert all(npz[k].dtype != object for k in npz.files)


# ------------------------------------------------------------ atomic writes
def _good_file(tmp_path):
    model = _mlp()
    model.save(tmp_path / "model.h5")
    return model, (tmp_path / "model.h5").read_bytes()


def test_failure_mid_write_keeps_the_old_file(tmp_path, monkeypatch):
    model, old = _good_file(tmp_path)
    model.fit(*_data(), epochs=1, verbose=0)  # new weights to save
    real_writestr = zipfile.ZipFile.writestr

    def crash_on_weights(self, name, data, *args, **kwargs):
        if name == archive.WEIGHTS:
            real_writestr(self, name, data[: len(data) // 2])
            raise KeyboardInterrupt  # Ctrl-C half-way through the weights
        return real_writestr(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", crash_on_weights)
    with pytest.raises(KeyboardInterrupt):
        model.save(tmp_path / "model.h5")
    monkeypatch.undo()
    assert (tmp_path / "model.h5").read_bytes() == old
    assert os.listdir(tmp_path) == ["model.h5"]
    keras.models.load_model(tmp_path / "model.h5")


def test_failed_fsync_keeps_the_old_file(tmp_path, monkeypatch):
    model, old = _good_file(tmp_path)

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        model.save_weights(tmp_path / "model.h5")
    monkeypatch.undo()
    assert (tmp_path / "model.h5").read_bytes() == old
    assert os.listdir(tmp_path) == ["model.h5"]


def test_overwrite_false_and_new_folders(tmp_path):
    model, _ = _good_file(tmp_path)
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "model.h5", overwrite=False)
    model.save(tmp_path / "new" / "folder" / "model.h5")
    keras.models.load_model(tmp_path / "new" / "folder" / "model.h5")
