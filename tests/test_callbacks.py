"""Callbacks of ch. 10–11: early stopping, checkpoints, lr schedulers, plateau,
NaN termination, CSV, lambda, TensorBoard event files, and the book's 1cycle."""

from __future__ import annotations

import csv
import glob
import math
import os
import struct

import numpy as np
import pytest

import nnlite as keras
from nnlite import backend as K


@pytest.fixture(autouse=True)
def fresh():
    keras.backend.clear_session()


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 4))
    y = x @ np.array([[1.0], [-2.0], [0.5], [0.0]]) + 0.1 * rng.normal(size=(96, 1))
    return x[:64], y[:64], x[64:], y[64:]


def make_model(lr: float = 0.01, optimizer=None):
    keras.utils.set_random_seed(3)
    model = keras.models.Sequential([keras.layers.Dense(8, activation="relu", input_shape=[4]),
                                     keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=optimizer or keras.optimizers.SGD(learning_rate=lr))
    return model


def weights_recorder(model, store: list):
    """A LambdaCallback that keeps a copy of the weights at each epoch end."""
    return keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: store.append((logs["val_loss"], model.get_weights())))


def drive(callback, model, values, key="val_loss"):
    """Call on_epoch_end with ``values`` of ``key``; returns the last epoch run."""
    callback.set_model(model)
    callback.on_train_begin({})
    for epoch, value in enumerate(values):
        model.set_weights([np.full_like(w, epoch) for w in model.get_weights()])
        callback.on_epoch_end(epoch, {key: value})
        if model.stop_training:
            return epoch
    return len(values) - 1


# ---------------------------------------------------------------- EarlyStopping
def test_early_stopping_patience_and_restore_on_stop():
    model = make_model()
    model.stop_training = False
    es = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    last = drive(es, model, [1.0, 0.5, 0.6, 0.7, 0.4])
    assert last == 3 and es.stopped_epoch == 3 and es.best_epoch == 1
    es.on_train_end({})
    assert all(np.all(w == 1) for w in model.get_weights())   # the weights of epoch 1


def test_early_stopping_min_delta_mode_and_baseline():
    model = make_model()
    model.stop_training = False
    es = keras.callbacks.EarlyStopping(monitor="val_accuracy", min_delta=0.05, patience=1)
    assert es.mode == "max"
    assert drive(es, model, [0.5, 0.52, 0.9], key="val_accuracy") == 1   # +0.02 < min_delta
    model.stop_training = False
    es = keras.callbacks.EarlyStopping(patience=1, baseline=0.1)
    assert drive(es, model, [0.5, 0.4, 0.3]) == 1             # improving, but not below 0.1
    model.stop_training = False
    es = keras.callbacks.EarlyStopping(patience=0, start_from_epoch=2)
    assert drive(es, model, [0.5, 0.9, 0.8, 0.9]) == 3


def test_early_stopping_restores_best_weights_even_without_stopping(data):
    """nnlite restores at the end of training whether or not it stopped early."""
    x, y, xv, yv = data
    model = make_model(lr=0.05)
    seen: list = []
    es = keras.callbacks.EarlyStopping(patience=100, restore_best_weights=True)
    history = model.fit(x, y, epochs=6, validation_data=(xv, yv), verbose=0,
                        callbacks=[weights_recorder(model, seen), es])
    assert len(history.epoch) == 6 and es.stopped_epoch == 0
    best = int(np.argmin([v for v, _ in seen]))
    for got, expected in zip(model.get_weights(), seen[best][1]):
        np.testing.assert_array_equal(got, expected)


def test_early_stopping_stops_fit(data):
    x, y, xv, yv = data
    model = make_model()
    es = keras.callbacks.EarlyStopping(monitor="loss", min_delta=1e6, patience=2)
    history = model.fit(x, y, epochs=20, verbose=0, callbacks=[es])
    assert len(history.epoch) == 3 and es.stopped_epoch == 2
    with pytest.warns(RuntimeWarning, match="not available"):
        keras.callbacks.EarlyStopping(monitor="val_nope").on_epoch_end(0, {"loss": 1.0})


# -------------------------------------------------------------- ModelCheckpoint
def test_checkpoint_filepath_formatting():
    cb = keras.callbacks.ModelCheckpoint("ckpt-{epoch:02d}-{val_loss:.2f}.keras")
    assert cb.format_path(4, None, {"val_loss": 0.12345, "loss": 1.0}) == "ckpt-05-0.12.keras"
    with pytest.raises(KeyError, match="val_accuracy"):
        keras.callbacks.ModelCheckpoint("m-{val_accuracy:.2f}.h5").format_path(0, None, {})
    with pytest.raises(ValueError, match="save_freq"):
        keras.callbacks.ModelCheckpoint("m.h5", save_freq="sometimes")


@pytest.mark.parametrize("extension", [".h5", ".keras"])
def test_checkpoint_best_only_saves_the_best_model(data, tmp_path, extension):
    x, y, xv, yv = data
    model = make_model(lr=0.05)
    seen: list = []
    path = str(tmp_path / "sub" / ("my_keras_model" + extension))
    checkpoint = keras.callbacks.ModelCheckpoint(path, save_best_only=True)
    model.fit(x, y, epochs=5, validation_data=(xv, yv), verbose=0,
              callbacks=[weights_recorder(model, seen), checkpoint])
    assert checkpoint.best == pytest.approx(min(v for v, _ in seen))
    best = min(range(len(seen)), key=lambda i: seen[i][0])
    loaded = keras.models.load_model(path)
    for got, expected in zip(loaded.get_weights(), seen[best][1]):
        np.testing.assert_array_equal(got, expected)
    assert loaded.evaluate(xv, yv, verbose=0) == pytest.approx(checkpoint.best, rel=1e-5)


@pytest.mark.parametrize("extension", [".ckpt", ".hdf5", ".weights.h5"])
def test_checkpoint_weights_only_round_trip_every_epoch(data, tmp_path, extension):
    x, y, xv, yv = data
    model = make_model()
    pattern = str(tmp_path / ("w-{epoch:02d}-{val_loss:.2f}" + extension))
    model.fit(x, y, epochs=3, validation_data=(xv, yv), verbose=0,
              callbacks=[keras.callbacks.ModelCheckpoint(pattern, save_weights_only=True)])
    files = sorted(glob.glob(str(tmp_path / ("w-*" + extension))))
    assert [os.path.basename(f)[:4] for f in files] == ["w-01", "w-02", "w-03"]
    fresh_model = make_model()
    fresh_model.load_weights(files[-1])
    for got, expected in zip(fresh_model.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, expected)
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".") or "tmp" in f]


def test_checkpoint_save_freq_in_batches(data, tmp_path):
    x, y, _, _ = data
    model = make_model()
    pattern = str(tmp_path / "b-{epoch}-{batch}.keras")
    model.fit(x, y, epochs=2, batch_size=16, verbose=0,       # 4 batches per epoch
              callbacks=[keras.callbacks.ModelCheckpoint(pattern, save_freq=3,
                                                         save_weights_only=True)])
    assert sorted(os.listdir(tmp_path)) == ["b-1-3.keras", "b-2-2.keras"]


def test_checkpoint_interrupted_write_keeps_the_previous_file(data, tmp_path, monkeypatch):
    """Atomic writes: a crash while saving leaves the last complete checkpoint."""
    import zipfile

    x, y, _, _ = data
    model = make_model()
    path = tmp_path / "model.keras"
    checkpoint = keras.callbacks.ModelCheckpoint(str(path), monitor="loss")
    model.fit(x, y, epochs=1, verbose=0, callbacks=[checkpoint])
    saved = model.get_weights()

    def crash(self, name, data, *args, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C in the middle of writing the archive

    monkeypatch.setattr(zipfile.ZipFile, "writestr", crash)
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[checkpoint])
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["model.keras"]            # no temporary file left
    for got, expected in zip(keras.models.load_model(path).get_weights(), saved):
        np.testing.assert_array_equal(got, expected)


# ------------------------------------------------------ learning-rate callbacks
def test_learning_rate_scheduler_epoch_and_epoch_lr_forms(data):
    x, y, _, _ = data

    def exponential_decay_fn(epoch):
        return 0.01 * 0.1 ** (epoch / 20)

    model = make_model()
    history = model.fit(x, y, epochs=3, verbose=0,
                        callbacks=[keras.callbacks.LearningRateScheduler(exponential_decay_fn)])
    np.testing.assert_allclose(history.history["lr"], [exponential_decay_fn(e) for e in range(3)])

    model = make_model(lr=0.02)
    cb = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[cb])
    np.testing.assert_allclose(history.history["lr"], [0.01, 0.005, 0.0025])
    with pytest.raises(ValueError, match="should be float"):
        make_model().fit(x, y, epochs=1, verbose=0,
                         callbacks=[keras.callbacks.LearningRateScheduler(lambda e: "fast")])


def test_reduce_lr_on_plateau_defaults_and_reduction(data):
    x, y, _, _ = data
    default = keras.callbacks.ReduceLROnPlateau()
    assert (default.monitor, default.factor, default.patience, default.min_delta) == \
        ("val_loss", 0.1, 10, 1e-4)
    model = make_model(lr=0.01)
    # min_delta so large that only the first epoch counts as an improvement
    cb = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2,
                                           min_delta=1e9)
    history = model.fit(x, y, epochs=6, verbose=0, callbacks=[cb])
    np.testing.assert_allclose(history.history["lr"],
                               [0.01, 0.01, 0.01, 0.005, 0.005, 0.0025])
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0025)
    with pytest.raises(ValueError, match="factor >= 1.0"):
        keras.callbacks.ReduceLROnPlateau(factor=2.0)


def test_reduce_lr_on_plateau_cooldown_and_min_lr():
    model = make_model(lr=0.01)
    cb = keras.callbacks.ReduceLROnPlateau(factor=0.1, patience=1, cooldown=2, min_lr=5e-4)
    lrs = []
    cb.set_model(model)
    cb.on_train_begin({})
    for epoch, value in enumerate([1.0, 1.0, 1.0, 1.0, 1.0, 1.0]):
        cb.on_epoch_end(epoch, {"val_loss": value})
        lrs.append(float(model.optimizer.learning_rate))
    np.testing.assert_allclose(lrs, [0.01, 0.001, 0.001, 5e-4, 5e-4, 5e-4])


# ------------------------------------------------------------ NaN, CSV, Lambda
def test_terminate_on_nan_stops_training(capsys):
    model = make_model()
    model.stop_training = False
    cb = keras.callbacks.TerminateOnNaN()
    cb.set_model(model)
    cb.on_train_batch_end(0, {"loss": 1.0})
    assert not model.stop_training
    cb.on_train_batch_end(1, {"loss": float("nan")})
    assert model.stop_training
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_inside_fit_sees_the_nan_batch(data, capsys):
    x, y, _, _ = data
    model = make_model(lr=1e6)                       # diverges within a few batches
    seen = []
    with pytest.warns(RuntimeWarning, match="training stopped before updating"):
        history = model.fit(x, y * 1e20, epochs=3, batch_size=8, verbose=0, callbacks=[
            keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(b)),
            keras.callbacks.TerminateOnNaN()])
    assert "Invalid loss, terminating training" in capsys.readouterr().out
    assert len(history.epoch) == 1 and seen                          # stopped in epoch 1
    assert all(np.isfinite(w).all() for w in model.get_weights())   # no NaN step applied


def test_csv_logger_rows_header_and_append(data, tmp_path):
    x, y, xv, yv = data
    path = tmp_path / "training.log"
    model = make_model()
    history = model.fit(x, y, epochs=3, validation_data=(xv, yv), verbose=0,
                        callbacks=[keras.callbacks.CSVLogger(path)])
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "loss", "lr", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1", "2"]
    np.testing.assert_allclose([float(r[3]) for r in rows[1:]], history.history["val_loss"])
    model.fit(x, y, epochs=2, verbose=0,
              callbacks=[keras.callbacks.CSVLogger(path, separator=";", append=True)])
    lines = path.read_text().splitlines()
    assert len(lines) == 6 and lines[4].startswith("0;") and lines[0].count("epoch") == 1


def test_lambda_callback_calls_each_hook(data):
    x, y, _, _ = data
    calls = {"batches": 0, "epochs": [], "begin": 0, "end": 0}
    cb = keras.callbacks.LambdaCallback(
        on_batch_end=lambda batch, logs: calls.__setitem__("batches", calls["batches"] + 1),
        on_epoch_end=lambda epoch, logs: calls["epochs"].append(epoch),
        on_train_begin=lambda logs: calls.__setitem__("begin", calls["begin"] + 1),
        on_train_end=lambda logs: calls.__setitem__("end", calls["end"] + 1))
    make_model().fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[cb])
    assert calls == {"batches": 8, "epochs": [0, 1], "begin": 1, "end": 1}
    with pytest.raises(TypeError, match="unknown hook"):
        keras.callbacks.LambdaCallback(on_epcoh_end=print)


# ------------------------------------------------------------------ TensorBoard
def read_events(directory: str) -> list:
    """Every Event in the TFRecord files of ``directory``, CRCs checked."""
    from tensorboardX.proto import event_pb2
    from tensorboardX.record_writer import masked_crc32c

    events = []
    for path in sorted(glob.glob(os.path.join(directory, "events.out.tfevents.*"))):
        with open(path, "rb") as f:
            while header := f.read(8):
                (length,) = struct.unpack("<Q", header)
                assert struct.unpack("<I", f.read(4))[0] == masked_crc32c(header)
                payload = f.read(length)
                assert struct.unpack("<I", f.read(4))[0] == masked_crc32c(payload)
                events.append(event_pb2.Event.FromString(payload))
    return events


def summaries(events) -> dict:
    out: dict = {}
    for event in events:
        for value in event.summary.value:
            kind = "histo" if value.HasField("histo") else "scalar"
            out.setdefault(value.tag, []).append(
                (event.step, value.histo if kind == "histo" else value.simple_value))
    return out


def test_tensorboard_writes_readable_event_files(data, tmp_path):
    pytest.importorskip("tensorboardX")
    x, y, xv, yv = data
    model = make_model()
    log_dir = str(tmp_path / "my_logs" / "run_1")
    tensorboard_cb = keras.callbacks.TensorBoard(log_dir, histogram_freq=1)
    history = model.fit(x, y, epochs=3, validation_data=(xv, yv), verbose=0,
                        callbacks=[tensorboard_cb])
    train = summaries(read_events(os.path.join(log_dir, "train")))
    valid = summaries(read_events(os.path.join(log_dir, "validation")))
    assert [s for s, _ in train["epoch_loss"]] == [0, 1, 2]
    np.testing.assert_allclose([v for _, v in train["epoch_loss"]], history.history["loss"],
                               rtol=1e-6)
    np.testing.assert_allclose([v for _, v in valid["epoch_loss"]],
                               history.history["val_loss"], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in train["epoch_learning_rate"]], [0.01] * 3)
    kernel_tag = f"{model.layers[0].name}/kernel/histogram"
    assert [s for s, _ in train[kernel_tag]] == [0, 1, 2]
    assert train[kernel_tag][-1][1].num == model.layers[0].weights[0].size


def test_tensorboard_batch_updates(data, tmp_path):
    pytest.importorskip("tensorboardX")
    x, y, _, _ = data
    log_dir = str(tmp_path / "logs")
    make_model().fit(x, y, epochs=1, batch_size=16, verbose=0,
                     callbacks=[keras.callbacks.TensorBoard(log_dir, update_freq=2)])
    train = summaries(read_events(os.path.join(log_dir, "train")))
    assert [s for s, _ in train["batch_loss"]] == [2, 4]


def test_tensorboard_files_load_in_tensorboards_own_reader(data, tmp_path):
    pytest.importorskip("tensorboardX")
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator")
    x, y, xv, yv = data
    log_dir = str(tmp_path / "run")
    history = make_model().fit(x, y, epochs=2, validation_data=(xv, yv), verbose=0,
                               callbacks=[keras.callbacks.TensorBoard(log_dir)])
    for run, key in (("train", "loss"), ("validation", "val_loss")):
        acc = event_accumulator.EventAccumulator(os.path.join(log_dir, run)).Reload()
        assert "epoch_loss" in acc.Tags()["scalars"]
        np.testing.assert_allclose([e.value for e in acc.Scalars("epoch_loss")],
                                   history.history[key], rtol=1e-6)


def test_tensorboard_without_tensorboardx_says_how_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tensorboardX", None)    # as if not installed
    with pytest.raises(ImportError, match=r"pip install tensorboardX"):
        keras.callbacks.TensorBoard("logs")


# ----------------------------------------------------------------------- 1cycle
class OneCycleScheduler(keras.callbacks.Callback):
    """The 1cycle callback as learners write it in the book (K.set_value on optimizer.lr)."""

    def __init__(self, iterations, max_rate, start_rate=None,
                 last_iterations=None, last_rate=None):
        self.iterations = iterations
        self.max_rate = max_rate
        self.start_rate = start_rate or max_rate / 10
        self.last_iterations = last_iterations or iterations // 10 + 1
        self.half_iteration = (iterations - self.last_iterations) // 2
        self.last_rate = last_rate or self.start_rate / 1000
        self.iteration = 0

    def _interpolate(self, iter1, iter2, rate1, rate2):
        return (rate2 - rate1) * (self.iteration - iter1) / (iter2 - iter1) + rate1

    def on_batch_begin(self, batch, logs):
        if self.iteration < self.half_iteration:
            rate = self._interpolate(0, self.half_iteration, self.start_rate, self.max_rate)
        elif self.iteration < 2 * self.half_iteration:
            rate = self._interpolate(self.half_iteration, 2 * self.half_iteration,
                                     self.max_rate, self.start_rate)
        else:
            rate = self._interpolate(2 * self.half_iteration, self.iterations,
                                     self.start_rate, self.last_rate)
        self.iteration += 1
        K.set_value(self.model.optimizer.lr, rate)


def rates_during_fit(data, callback, optimizer=None) -> list[float]:
    x, y, _, _ = data
    model = make_model(optimizer=optimizer or keras.optimizers.SGD(learning_rate=1e-3))
    rates: list[float] = []
    recorder = keras.callbacks.LambdaCallback(
        on_batch_end=lambda batch, logs: rates.append(float(model.optimizer.lr)))
    n_epochs, batch_size = 3, 8
    model.fit(x, y, epochs=n_epochs, batch_size=batch_size, verbose=0,
              callbacks=[callback, recorder])
    return rates


def test_books_one_cycle_callback_runs_unchanged_and_matches_builtin(data):
    iterations = math.ceil(64 / 8) * 3
    book = rates_during_fit(data, OneCycleScheduler(iterations, max_rate=0.05))
    builtin = rates_during_fit(data, keras.callbacks.OneCycleScheduler(iterations, 0.05))
    schedule = keras.optimizers.schedules.OneCycle(0.05, iterations)
    assert len(book) == iterations
    np.testing.assert_allclose(book, builtin)
    np.testing.assert_allclose(book, [schedule(t) for t in range(iterations)])
    assert max(book) == pytest.approx(0.05, rel=0.1) and book[-1] < 0.002


def test_builtin_one_cycle_cycles_momentum(data):
    iterations = 24
    optimizer = keras.optimizers.SGD(learning_rate=1e-3, momentum=0.9)
    cb = keras.callbacks.OneCycleScheduler(iterations, 0.05, cycle_momentum=True)
    rates_during_fit(data, cb, optimizer)
    assert optimizer.momentum == pytest.approx(0.95)
    assert cb.schedule.momentum(cb.schedule.half_step) == pytest.approx(0.85)
