"""What every tutorial needs before it starts: quick mode, folders, data.

* ``QUICK`` — ``NNLITE_TUTORIAL_QUICK=1`` shrinks data and epochs so that the
  whole set of tutorials runs in a couple of minutes (CI mode).
  ``pick(quick, full)`` returns the value for the current mode.
* ``FIGURES`` — where figures go (``NNLITE_TUTORIAL_FIGURES``, default
  ``tutorials/figures/``); ``WORK`` — saved models, checkpoints and TensorBoard
  logs (``FIGURES/work``).
* ``load_fashion_mnist`` — the book's Fashion-MNIST split (first 5,000
  training images for validation), pixels scaled to [0, 1].  Falls back to
  scikit-learn's bundled digits when Fashion-MNIST is not available.
* ``load_housing`` — the book's California housing regression data, or
  scikit-learn's bundled diabetes data when it is not available offline.

* In a Jupyter notebook, importing it turns on ``%matplotlib inline``, so a
  cell that ends with a Figure (every ``nnlite.plot`` function returns one)
  shows it under the cell.

* ``seconds_bars`` — a bar chart of timings (seconds), saved as a figure.
* ``show_source`` — prints a function's code (the book's models live once,
  in :mod:`nnlite.examples`; the tutorials show them before using them).

Import it from a tutorial (the script's folder is on ``sys.path``; a notebook
opened in ``tutorials/`` runs there too)::

    from tutorial_utils import FIGURES, QUICK, load_fashion_mnist, pick
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

import nnlite as keras

QUICK = os.environ.get("NNLITE_TUTORIAL_QUICK", "0") == "1"
HERE = Path(__file__).resolve().parent
FIGURES = Path(os.environ.get("NNLITE_TUTORIAL_FIGURES", HERE / "figures"))
WORK = FIGURES / "work"
FIGURES.mkdir(parents=True, exist_ok=True)
WORK.mkdir(parents=True, exist_ok=True)


def _show_figures_in_notebooks() -> None:
    """In Jupyter, show a cell's returned Figure under it (``%matplotlib inline``)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and "IPKernelApp" in shell.config:
        shell.run_line_magic("matplotlib", "inline")


_show_figures_in_notebooks()

FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def seconds_bars(seconds: dict, ylabel: str, title: str, path: Path, figsize=(5, 4)):
    """A bar per entry of ``seconds`` (label → time), labelled with the times, saved at ``path``."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=figsize)
    ax = fig.subplots()
    bars = ax.bar(list(seconds), list(seconds.values()),
                  color=[f"C{k}" for k in range(len(seconds))])
    ax.bar_label(bars, fmt="{:.2f} s")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return fig


def show_source(function) -> None:
    """Print the source code of ``function`` (e.g. one of :mod:`nnlite.examples`)."""
    import inspect
    print(inspect.getsource(function))


def pick(quick_value, full_value):
    """``quick_value`` in quick mode, ``full_value`` otherwise."""
    return quick_value if QUICK else full_value


def load_fashion_mnist(n_train: int | None = None, n_valid: int = 5000,
                       n_test: int | None = None):
    """``(X_train, y_train), (X_valid, y_valid), (X_test, y_test), class_names``.

    Images are float in [0, 1] with shape (n, 28, 28) — (n, 8, 8) for the
    digits fallback.  ``n_train``/``n_test`` keep only the first samples
    (``None``: all of them); validation is taken from the start of the
    training set, as in the book.
    """
    try:
        (X_full, y_full), (X_test, y_test) = keras.datasets.fashion_mnist.load_data()
        scale, names = 255.0, FASHION_CLASSES
    except keras.datasets.DatasetUnavailableError as exc:
        print("Fashion-MNIST unavailable, using scikit-learn's digits:",
              str(exc).splitlines()[0])
        (X_full, y_full), (X_test, y_test) = keras.datasets.digits.load_data()
        scale, names = 16.0, [str(d) for d in range(10)]
        n_valid = min(n_valid, 300)
    end = None if n_train is None else n_valid + n_train
    X_valid, y_valid = X_full[:n_valid] / scale, y_full[:n_valid]
    X_train, y_train = X_full[n_valid:end] / scale, y_full[n_valid:end]
    X_test, y_test = X_test[:n_test] / scale, y_test[:n_test]
    return (X_train, y_train), (X_valid, y_valid), (X_test, y_test), names


def _housing_data():
    """(X, y, feature names, description): California housing, else diabetes."""
    from sklearn.datasets import fetch_california_housing, load_diabetes
    try:  # downloads once (full mode only) into scikit-learn's data folder
        data = fetch_california_housing(download_if_missing=not QUICK)
        return data.data, data.target, list(data.feature_names), \
            "California housing (median house value, $100,000s)"
    except Exception as exc:  # offline, no cached copy
        print("California housing unavailable, using scikit-learn's diabetes data:",
              f"{type(exc).__name__}: {str(exc)[:80]}")
    data = load_diabetes()
    y = (data.target - data.target.mean()) / data.target.std()
    return data.data, y, list(data.feature_names), \
        "diabetes (disease progression, standardized)"


def load_housing(n_train: int | None = None, seed: int = 42, standardize: bool = True):
    """Standardized train/valid/test splits of a regression data set.

    Returns ``(X_train, y_train), (X_valid, y_valid), (X_test, y_test), info``
    where ``info`` has ``"features"`` and ``"name"``.  As in the book:
    ``train_test_split`` twice, then ``StandardScaler`` fitted on the
    training set only (targets are column vectors, shape (n, 1)).  With
    ``standardize=False`` the features are left as they are (the third
    edition standardizes them inside the model, with a ``Normalization`` layer).
    """
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    X, y, features, name = _housing_data()
    X_full, X_test, y_full, y_test = train_test_split(X, y, random_state=seed)
    X_train, X_valid, y_train, y_valid = train_test_split(X_full, y_full, random_state=seed)
    X_train, y_train = X_train[:n_train], y_train[:n_train]
    scale = StandardScaler().fit(X_train).transform if standardize else np.asarray
    splits = [(scale(a).astype(np.float32), b.reshape(-1, 1).astype(np.float32))
              for a, b in ((X_train, y_train), (X_valid, y_valid), (X_test, y_test))]
    return (*splits, {"features": features, "name": name})
