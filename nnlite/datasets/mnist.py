"""MNIST: 70,000 28x28 grey images of handwritten digits 0-9 (LeCun et al.).

Same interface as ``tf.keras.datasets.mnist``. Looked up in ``$NNLITE_DATA/mnist/``,
``~/.cache/nnlite/datasets/mnist/`` and ``/usr/share/datasets/mnist/``; each may
hold either Keras's ``mnist.npz`` or the four original IDX files
(``train-images-idx3-ubyte.gz`` ...). If none does, ``mnist.npz`` (11,490,434
bytes) is downloaded from the Keras mirror and checked against Keras's
published SHA-256; the original IDX site is not used (it is often unreachable).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from nnlite.datasets._fetch import fetch
from nnlite.datasets._splits import IDX_FILES, idx_splits, npz_splits

NAME = "mnist"
BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

#: Keras's own checksum for ``mnist.npz`` (a zip, so the content hash is the file hash).
SHA256 = {"mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"}


def load_data(
    path: str | os.PathLike = "mnist.npz",
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return ``(x_train, y_train), (x_test, y_test)`` exactly like Keras.

    ``x_train``: uint8 (60000, 28, 28), pixel values 0..255; ``y_train``: uint8
    (60000,), digits 0..9; test arrays hold 10000 samples. ``path`` is accepted
    for Keras compatibility: if it names an existing ``.npz`` file, that file is
    loaded; otherwise the usual folders are searched. Raises
    ``DatasetUnavailableError`` when MNIST is neither on disk nor downloadable.
    """
    if Path(path).expanduser().is_file():
        return npz_splits(Path(path).expanduser())
    paths = fetch(NAME, SHA256, title="MNIST", base_url=BASE_URL, local_only=[IDX_FILES])
    if "mnist.npz" in paths:
        return npz_splits(paths["mnist.npz"])
    return idx_splits(paths)
