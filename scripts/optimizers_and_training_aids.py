"""Fast optimizers, 1cycle and the training aids on real Fashion-MNIST.

A 3×100 ReLU/He network (Géron ch. 11) trained for ``--epochs`` epochs
(default 10) on 55 000 images, validated on the other 5 000:

* each optimizer at learning rate 1e-3, batch size 32 (the table);
* SGD with the book's 1cycle callback (``OneCycleScheduler``, max rate 0.05,
  batch size 128), and the same policy as a ``OneCycle`` schedule that also
  cycles SGD's momentum 0.95 → 0.85 → 0.95;
* Nadam with ``clipnorm=1.0``, an ``ExponentialDecay`` schedule and every
  training aid attached (EarlyStopping with restore_best_weights,
  ModelCheckpoint best-only, ReduceLROnPlateau, TerminateOnNaN, CSVLogger,
  TensorBoard when tensorboardX is installed); the best checkpoint is
  reloaded and evaluated.

Reports the validation accuracy after the last epoch; results are appended
to ``--out`` (JSON lines) as each run finishes.

    python scripts/optimizers_and_training_aids.py [--epochs 10] [--out optimizer_results.jsonl]
                                         [--only SGD Adam 1cycle ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import tempfile
import time

import numpy as np

import nnlite as keras

OPTIMIZERS = {
    "SGD": lambda: keras.optimizers.SGD(learning_rate=1e-3),
    "Momentum (0.9)": lambda: keras.optimizers.SGD(learning_rate=1e-3, momentum=0.9),
    "Nesterov": lambda: keras.optimizers.SGD(learning_rate=1e-3, momentum=0.9, nesterov=True),
    "AdaGrad": lambda: keras.optimizers.Adagrad(learning_rate=1e-3),
    "RMSProp": lambda: keras.optimizers.RMSprop(learning_rate=1e-3, rho=0.9),
    "Adam": lambda: keras.optimizers.Adam(learning_rate=1e-3, beta_1=0.9, beta_2=0.999),
    "Adamax": lambda: keras.optimizers.Adamax(learning_rate=1e-3),
    "Nadam": lambda: keras.optimizers.Nadam(learning_rate=1e-3),
}
EXTRA_RUNS = ("1cycle", "1cycle-schedule", "aids")


def load_data():
    (X_train_full, y_train_full), _ = keras.datasets.fashion_mnist.load_data()
    X_train_full = X_train_full.astype(np.float32) / 255.0
    return (X_train_full[5000:], y_train_full[5000:]), (X_train_full[:5000],
                                                        y_train_full[:5000])


def build_model(seed: int = 42):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    return keras.models.Sequential(
        [keras.layers.Flatten(input_shape=[28, 28])]
        + [keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal")
           for _ in range(3)]
        + [keras.layers.Dense(10, activation="softmax")])


def run(name, optimizer, data, epochs, batch_size=32, callbacks=None) -> tuple[dict, object]:
    (X_train, y_train), (X_valid, y_valid) = data
    model = build_model()
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    start = time.time()
    history = model.fit(X_train, y_train, epochs=epochs, batch_size=batch_size,
                        validation_data=(X_valid, y_valid), callbacks=callbacks, verbose=0)
    result = {"optimizer": name, "epochs": len(history.epoch), "batch_size": batch_size,
              "val_accuracy": history.history["val_accuracy"][-1],
              "val_accuracy_per_epoch": history.history["val_accuracy"],
              "lr_per_epoch": history.history["lr"],
              "backend": keras.get_backend(), "seconds": round(time.time() - start, 1)}
    return result, model


def one_cycle_callback(data, epochs: int) -> dict:
    """The book's recipe: plain SGD driven by the 1cycle callback, batch size 128."""
    batch_size = 128
    steps = math.ceil(len(data[0][0]) / batch_size) * epochs
    onecycle = keras.callbacks.OneCycleScheduler(steps, max_rate=0.05)
    return run("1cycle callback (SGD, max 0.05)", keras.optimizers.SGD(learning_rate=1e-3),
               data, epochs, batch_size, [onecycle])[0]


def one_cycle_schedule(data, epochs: int) -> dict:
    """The same policy as a schedule object, also cycling SGD's momentum."""
    batch_size = 128
    steps = math.ceil(len(data[0][0]) / batch_size) * epochs
    schedule = keras.optimizers.schedules.OneCycle(0.05, steps, cycle_momentum=True)
    optimizer = keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)
    return run("1cycle schedule (SGD+momentum cycle)", optimizer, data, epochs, batch_size)[0]


def training_aids(data, epochs: int) -> dict:
    """Nadam + clipnorm + ExponentialDecay with every callback of the chapter."""
    folder = tempfile.mkdtemp(prefix="nnlite_optimizers_")
    steps_per_epoch = math.ceil(len(data[0][0]) / 32)
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, 5 * steps_per_epoch, 0.5)
    checkpoint = os.path.join(folder, "best.keras")
    callbacks = [keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True),
                 keras.callbacks.ModelCheckpoint(checkpoint, save_best_only=True),
                 keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=2),
                 keras.callbacks.TerminateOnNaN(),
                 keras.callbacks.CSVLogger(os.path.join(folder, "training.csv"))]
    if importlib.util.find_spec("tensorboardX") is not None:
        callbacks.append(keras.callbacks.TensorBoard(os.path.join(folder, "logs")))
    optimizer = keras.optimizers.Nadam(learning_rate=schedule, clipnorm=1.0)
    result, model = run("Nadam+clipnorm+ExpDecay+callbacks", optimizer, data, epochs,
                        callbacks=callbacks)
    X_valid, y_valid = data[1]
    best = keras.models.load_model(checkpoint)
    result["checkpoint_val_accuracy"] = best.evaluate(X_valid, y_valid, verbose=0)[1]
    result["restored_val_accuracy"] = model.evaluate(X_valid, y_valid, verbose=0)[1]
    result["files"] = folder
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--out", default="optimizer_results.jsonl")
    parser.add_argument("--only", nargs="*",
                        help=f"subset of runs: {list(OPTIMIZERS) + list(EXTRA_RUNS)}")
    args = parser.parse_args()
    data = load_data()
    extra = {"1cycle": one_cycle_callback, "1cycle-schedule": one_cycle_schedule,
             "aids": training_aids}
    for name in args.only or list(OPTIMIZERS) + list(EXTRA_RUNS):
        if name in extra:
            result = extra[name](data, args.epochs)
        else:
            result = run(name, OPTIMIZERS[name](), data, args.epochs)[0]
        print(f"{result['optimizer']:<38} val_accuracy={result['val_accuracy']:.4f} "
              f"({result['epochs']} epochs, {result['seconds']} s)", flush=True)
        with open(args.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
