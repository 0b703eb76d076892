"""Batch normalization and a self-normalizing net on real Fashion-MNIST (Hands-On ML ch. 11).

1. The book's batch-normalization model (Flatten → BN → Dense(300, elu, he_normal)
   → BN → Dense(100, elu, he_normal) → BN → Dense(10, softmax)), 10 epochs of
   SGD(learning_rate=1e-3): validation accuracy per epoch.
2. A 100-layer SELU network (Dense(300) then 99 × Dense(100), lecun_normal,
   standardized inputs) against the same network with ReLU / he_normal,
   5 epochs of SGD(learning_rate=1e-3) each, as in the book.

Run:  python scripts/batch_norm_and_selu.py [--only bn selu relu] [--epochs-scale 1.0]
      [--out results.json]
Each experiment prints Keras' per-epoch log (verbose=2) and a summary line;
the JSON file collects every History.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

import nnlite as keras
from nnlite.examples import batch_norm_model, deep_model


def load():
    (X_train_full, y_train_full), (X_test, y_test) = keras.datasets.fashion_mnist.load_data()
    X_train_full = X_train_full / 255.0
    X_valid, X_train = X_train_full[:5000], X_train_full[5000:]
    y_valid, y_train = y_train_full[:5000], y_train_full[5000:]
    return X_train, y_train, X_valid, y_valid


def run(name: str, model, data, epochs: int) -> dict:
    X_train, y_train, X_valid, y_valid = data
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=1e-3), metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid),
                        verbose=2)
    seconds = time.perf_counter() - start
    h = {k: [float(v) for v in vals] for k, vals in history.history.items()}
    print(f"== {name}: val_accuracy after {epochs} epochs = {h['val_accuracy'][-1]:.4f} "
          f"(best {max(h['val_accuracy']):.4f}), {seconds:.0f} s", flush=True)
    return {"epochs": epochs, "seconds": seconds, "history": h}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=["bn", "selu", "relu"],
                        choices=["bn", "selu", "relu"])
    parser.add_argument("--epochs-scale", type=float, default=1.0,
                        help="multiply the book's epoch counts (for a quick smoke run)")
    parser.add_argument("--out", default="batch_norm_selu_results.json")
    args = parser.parse_args()
    print("kernel backend:", keras.get_backend(), flush=True)
    X_train, y_train, X_valid, y_valid = load()
    results = {}

    def epochs(n: int) -> int:
        return max(1, round(n * args.epochs_scale))

    if "bn" in args.only:
        keras.backend.clear_session()
        keras.utils.set_random_seed(42)
        results["bn"] = run("BN model, SGD(1e-3)", batch_norm_model(),
                            (X_train, y_train, X_valid, y_valid), epochs(10))
    means = X_train.mean(axis=0, keepdims=True)
    stds = X_train.std(axis=0, keepdims=True)
    scaled = ((X_train - means) / stds, y_train, (X_valid - means) / stds, y_valid)
    for key, act, init in (("selu", "selu", "lecun_normal"), ("relu", "relu", "he_normal")):
        if key in args.only:
            keras.backend.clear_session()
            keras.utils.set_random_seed(42)
            results[key] = run(f"100-layer {act}/{init}, SGD(1e-3)", deep_model(act, init),
                               scaled, epochs(5))
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    for key, r in results.items():
        print(f"{key}: val_accuracy per epoch {np.round(r['history']['val_accuracy'], 4)}")


if __name__ == "__main__":
    main()
