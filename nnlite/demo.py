"""The main job: train Hands-On ML's chapter-10 classifier on Fashion-MNIST.

    python -m nnlite demo [--epochs 30] [--batch-size 32] [--dataset fashion_mnist]
                          [--learning-rate 0.01] [--out DIR]

The model is the book's: Flatten(28×28) → Dense(300, relu) → Dense(100, relu)
→ Dense(10, softmax), SGD(0.01), sparse categorical cross-entropy, the first
5,000 training images held out for validation, pixels scaled to [0, 1].  It
prints the Keras progress bar per epoch and the test accuracy, and writes
``learning_curves.png`` (and ``history.json``) to ``--out``.

When Fashion-MNIST is neither installed nor downloadable it says so in one
line and uses scikit-learn's bundled ``digits`` instead.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from . import datasets, layers, models, optimizers, plot
from .datasets import DatasetUnavailableError
from .utils import set_random_seed

N_VALID = {"fashion_mnist": 5000, "mnist": 5000, "digits": 300}


def load(name: str):
    """(train, valid, test) splits scaled to [0, 1]; falls back to digits."""
    try:
        (X_full, y_full), (X_test, y_test) = getattr(datasets, name).load_data()
    except DatasetUnavailableError as exc:
        print(f"{name} unavailable ({str(exc).splitlines()[0]}); using scikit-learn's "
              "bundled digits instead")
        name = "digits"
        (X_full, y_full), (X_test, y_test) = datasets.digits.load_data()
    scale = 16.0 if name == "digits" else 255.0
    n_valid = N_VALID[name]
    X_full, X_test = X_full / scale, X_test / scale
    return name, (X_full[n_valid:], y_full[n_valid:]), (X_full[:n_valid], y_full[:n_valid]), \
        (X_test, y_test)


def build_model(image_shape, n_classes: int = 10, learning_rate: float = 0.01):
    """The book's 300-100-10 MLP, compiled with SGD and sparse categorical CE."""
    model = models.Sequential([
        layers.Flatten(input_shape=list(image_shape)),
        layers.Dense(300, activation="relu"),
        layers.Dense(100, activation="relu"),
        layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=optimizers.SGD(learning_rate=learning_rate),
                  metrics=["accuracy"])
    return model


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m nnlite demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--dataset", choices=sorted(N_VALID), default="fashion_mnist")
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default=".", help="directory for learning_curves.png")
    parser.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2])
    args = parser.parse_args(argv)

    set_random_seed(args.seed)
    name, (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = load(args.dataset)
    print(f"{name}: {len(X_train)} training, {len(X_valid)} validation, {len(X_test)} test "
          f"images of {X_train.shape[1]}x{X_train.shape[2]}")
    model = build_model(X_train.shape[1:], learning_rate=args.learning_rate)
    model.summary()
    start = time.perf_counter()
    history = model.fit(X_train, y_train, epochs=args.epochs, batch_size=args.batch_size,
                        validation_data=(X_valid, y_valid), verbose=args.verbose)
    seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(X_test, y_test, verbose=0)
    print(f"test accuracy: {test_accuracy:.4f} (loss {test_loss:.4f}) after "
          f"{len(history.epoch)} epochs, {seconds / max(len(history.epoch), 1):.1f} s/epoch")

    os.makedirs(args.out, exist_ok=True)
    png = os.path.join(args.out, "learning_curves.png")
    plot.learning_curves(history, png, title=f"{name}: 300-100-10 MLP, SGD")
    result = {"dataset": name, "epochs": len(history.epoch), "test_accuracy": test_accuracy,
              "test_loss": test_loss, "seconds_per_epoch": seconds / max(len(history.epoch), 1),
              "history": {k: [float(v) for v in vs] for k, vs in history.history.items()}}
    with open(os.path.join(args.out, "history.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(f"wrote {png}")
    return result


if __name__ == "__main__":
    main()
