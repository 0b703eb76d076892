"""Issue 5 closing note: fast optimizers and 1cycle on real Fashion-MNIST.

A 3×100 ReLU/He network (Géron ch. 11) trained for ``--epochs`` epochs
(default 10) with each optimizer at learning rate 1e-3, batch size 32, then
with SGD and the 1cycle policy (``OneCycleScheduler`` callback, max rate
0.05, batch size 128, as in the book).  Reports the validation accuracy
after the last epoch.  Results are appended to ``--out`` (JSON lines) as
each run finishes.

    python scripts/issue5_experiments.py [--epochs 10] [--out issue5_results.jsonl]
"""

from __future__ import annotations

import argparse
import json
import math
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


def run(name, optimizer, data, epochs, batch_size=32, callbacks=None) -> dict:
    (X_train, y_train), (X_valid, y_valid) = data
    model = build_model()
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    start = time.time()
    history = model.fit(X_train, y_train, epochs=epochs, batch_size=batch_size,
                        validation_data=(X_valid, y_valid), callbacks=callbacks, verbose=0)
    return {"optimizer": name, "epochs": epochs, "batch_size": batch_size,
            "val_accuracy": history.history["val_accuracy"][-1],
            "val_accuracy_per_epoch": history.history["val_accuracy"],
            "seconds": round(time.time() - start, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--out", default="issue5_results.jsonl")
    parser.add_argument("--only", nargs="*", help="subset of runs (names as in the table)")
    args = parser.parse_args()
    data = load_data()
    runs = list(OPTIMIZERS) + ["1cycle"]
    for name in args.only or runs:
        if name == "1cycle":
            batch_size = 128
            steps = math.ceil(len(data[0][0]) / batch_size) * args.epochs
            onecycle = keras.callbacks.OneCycleScheduler(steps, max_rate=0.05)
            result = run("1cycle (SGD, max_rate 0.05)", keras.optimizers.SGD(learning_rate=1e-3),
                         data, args.epochs, batch_size, [onecycle])
        else:
            result = run(name, OPTIMIZERS[name](), data, args.epochs)
        print(f"{result['optimizer']:<28} val_accuracy={result['val_accuracy']:.4f} "
              f"({result['seconds']} s)", flush=True)
        with open(args.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
