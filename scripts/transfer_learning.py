"""The book's transfer-learning recipe on real Fashion-MNIST.

Géron, ch. 11 ("Transfer learning with Keras"), run with ``import nnlite as keras``:

* task A: the 8 classes other than sandal (5) and shirt (6) — model A is
  Flatten, 5 × Dense(300/100/50/50/50, selu), Dense(8, softmax), SGD(1e-3),
  20 epochs, saved to ``my_model_A.h5``;
* task B: sandal (0) vs shirt (1) with only the first 200 training images;
* model B: the same stack with a Dense(1, sigmoid) head, trained from scratch
  for 20 epochs with SGD(1e-3);
* model B on A: ``load_model("my_model_A.h5")``, ``clone_model`` + ``set_weights``
  (so model A survives), ``Sequential(clone.layers[:-1])`` + a new sigmoid
  head, reused layers frozen, compile, 4 epochs, unfrozen, compile again,
  16 epochs — SGD(1e-3) both times, as in the book's notebook.

``--printed`` also runs the variant of the printed book and the lecture
notes: ``optimizer="sgd"`` (learning rate 0.01) while frozen, then
``SGD(learning_rate=1e-4)``.

Each B seed trains model B once; each model A seed trains one model A (the
expensive part: ~44,000 images × 20 epochs, about 4 minutes on two idle
cores), then model B on A once per B seed (200 images, cheap).  Results are
appended as JSON lines to ``--out`` and a table of task-B test accuracies is
printed at the end.

    nice python scripts/transfer_learning.py [--seeds-A 42] [--seeds-B 42,43,44,45,46]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time

import numpy as np

import nnlite as keras
from nnlite.examples import model_B_on_A as build_B_on_A
from nnlite.examples import split_dataset, transfer_stack


def load_tasks(n_train_B: int = 200) -> dict:
    """Train/valid/test splits of tasks A and B, as in the book's notebook."""
    (X_train_full, y_train_full), (X_test, y_test) = keras.datasets.fashion_mnist.load_data()
    X_train_full = X_train_full.astype(np.float32) / 255.0
    X_test = X_test.astype(np.float32) / 255.0
    X_train, X_valid = X_train_full[5000:], X_train_full[:5000]
    y_train, y_valid = y_train_full[5000:], y_train_full[:5000]
    tasks = {}
    for part, X, y in (("train", X_train, y_train), ("valid", X_valid, y_valid),
                       ("test", X_test, y_test)):
        tasks[f"A_{part}"], tasks[f"B_{part}"] = split_dataset(X, y)
    X_B, y_B = tasks["B_train"]
    tasks["B_train"] = (X_B[:n_train_B], y_B[:n_train_B])
    return tasks


def seeded(seed: int) -> None:
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)


def train_model_A(tasks: dict, seed: int, epochs: int, path: str) -> dict:
    seeded(seed)
    model_A = transfer_stack(8, "softmax")
    model_A.compile(loss="sparse_categorical_crossentropy",
                    optimizer=keras.optimizers.SGD(learning_rate=1e-3),
                    metrics=["accuracy"])
    start = time.time()
    history = model_A.fit(*tasks["A_train"], epochs=epochs,
                          validation_data=tasks["A_valid"], verbose=0)
    seconds = time.time() - start
    model_A.save(path)
    _, test_acc = model_A.evaluate(*tasks["A_test"], verbose=0)
    return {"model": "A", "seed": seed, "epochs": epochs, "seconds": round(seconds, 1),
            "val_accuracy": history.history["val_accuracy"][-1], "test_accuracy": test_acc}


def train_model_B(tasks: dict, seed: int) -> dict:
    seeded(seed)
    model_B = transfer_stack(1, "sigmoid")
    model_B.compile(loss="binary_crossentropy",
                    optimizer=keras.optimizers.SGD(learning_rate=1e-3),
                    metrics=["accuracy"])
    history = model_B.fit(*tasks["B_train"], epochs=20, validation_data=tasks["B_valid"],
                          verbose=0)
    loss, acc = model_B.evaluate(*tasks["B_test"], verbose=0)
    return {"model": "B", "seed": seed, "val_accuracy": history.history["val_accuracy"][-1],
            "test_loss": loss, "test_accuracy": acc}


def train_B_on_A(tasks: dict, seed: int, path_A: str, printed: bool = False) -> dict:
    """The book's code, line for line (``printed``: the printed book's learning rates)."""
    seeded(seed)
    model_A = keras.models.load_model(path_A)
    model_B_on_A = build_B_on_A(model_A)  # A's layers, cloned, under a sigmoid head

    for layer in model_B_on_A.layers[:-1]:
        layer.trainable = False
    model_B_on_A.compile(loss="binary_crossentropy",
                         optimizer="sgd" if printed else keras.optimizers.SGD(learning_rate=1e-3),
                         metrics=["accuracy"])
    frozen_params = sum(w.size for w in model_B_on_A.non_trainable_weights)
    reused = [w.copy() for w in model_A.get_weights()[:-2]]
    model_B_on_A.fit(*tasks["B_train"], epochs=4, validation_data=tasks["B_valid"], verbose=0)
    still_frozen = all(np.array_equal(a, b)
                       for a, b in zip(reused, model_B_on_A.get_weights()[:-2]))

    for layer in model_B_on_A.layers[:-1]:
        layer.trainable = True
    model_B_on_A.compile(loss="binary_crossentropy",
                         optimizer=keras.optimizers.SGD(learning_rate=1e-4 if printed else 1e-3),
                         metrics=["accuracy"])
    history = model_B_on_A.fit(*tasks["B_train"], epochs=16, validation_data=tasks["B_valid"],
                               verbose=0)
    loss, acc = model_B_on_A.evaluate(*tasks["B_test"], verbose=0)
    model_A_kept = all(np.array_equal(a, b)
                     for a, b in zip(reused, model_A.get_weights()[:-2]))
    return {"model": "B_on_A_printed" if printed else "B_on_A", "seed": seed,
            "frozen_params": int(frozen_params), "reused_unchanged_while_frozen": still_frozen,
            "model_A_unchanged": model_A_kept,
            "val_accuracy": history.history["val_accuracy"][-1], "test_loss": loss,
            "test_accuracy": acc}


def _record(result: dict, out: str) -> None:
    print(json.dumps(result), flush=True)
    with open(out, "a") as f:
        f.write(json.dumps(result) + "\n")


def _table(results: list[dict]) -> None:
    print("\ntask-B test accuracy (2,000 test images: sandals and shirts)")
    for name in ("B", "B_on_A", "B_on_A_printed"):
        rows = [r for r in results if r["model"] == name]
        if not rows:
            continue
        accs = [r["test_accuracy"] for r in rows]
        per_seed = ", ".join(("" if r["seed_A"] is None else f"A{r['seed_A']}/")
                             + f"s{r['seed']}: {r['test_accuracy']:.4f}" for r in rows)
        spread = f" ± {statistics.stdev(accs):.4f}" if len(accs) > 1 else ""
        print(f"  {name:15s} mean {statistics.mean(accs):.4f}{spread}  ({per_seed})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds-A", default="42", help="comma-separated seeds of model A")
    parser.add_argument("--seeds-B", default="42,43,44,45,46",
                        help="comma-separated seeds of models B and B on A")
    parser.add_argument("--epochs-A", type=int, default=20)
    parser.add_argument("--printed", action="store_true",
                        help="also run the printed book's learning rates (0.01, then 1e-4)")
    parser.add_argument("--out", default="transfer_results.jsonl")
    args = parser.parse_args()
    tasks = load_tasks()
    print({k: v[0].shape for k, v in tasks.items()}, flush=True)
    seeds_B = [int(s) for s in args.seeds_B.split(",")]
    results = []
    for seed in seeds_B:  # model B does not depend on model A
        results.append(dict(train_model_B(tasks, seed), seed_A=None))
        _record(results[-1], args.out)
    folder = tempfile.mkdtemp()
    for seed_A in (int(s) for s in args.seeds_A.split(",")):
        path_A = os.path.join(folder, f"my_model_A_{seed_A}.h5")
        _record(train_model_A(tasks, seed_A, args.epochs_A, path_A), args.out)
        for seed in seeds_B:
            runs = [train_B_on_A(tasks, seed, path_A)]
            if args.printed:
                runs.append(train_B_on_A(tasks, seed, path_A, printed=True))
            for result in runs:
                result["seed_A"] = seed_A
                results.append(result)
                _record(result, args.out)
    _table(results)


if __name__ == "__main__":
    main()
