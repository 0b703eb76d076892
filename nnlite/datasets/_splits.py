"""Assemble Keras-style ``((x_train, y_train), (x_test, y_test))`` tuples from files."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from nnlite.datasets.idx import read_idx

Split = tuple[np.ndarray, np.ndarray]

#: The four MNIST-style IDX files (Fashion-MNIST uses the same names).
IDX_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def idx_splits(paths: Mapping[str, Path]) -> tuple[Split, Split]:
    """Read the four ``IDX_FILES`` into train and test ``(images, labels)`` pairs."""
    train = _pair(paths["train-images-idx3-ubyte.gz"], paths["train-labels-idx1-ubyte.gz"])
    test = _pair(paths["t10k-images-idx3-ubyte.gz"], paths["t10k-labels-idx1-ubyte.gz"])
    return train, test


def npz_splits(path: str | os.PathLike) -> tuple[Split, Split]:
    """Read a Keras ``mnist.npz`` (arrays ``x_train y_train x_test y_test``)."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            x_train, y_train, x_test, y_test = (
                archive[key] for key in ("x_train", "y_train", "x_test", "y_test")
            )
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{os.fspath(path)}: not a valid mnist.npz archive ({exc})") from exc
    return _checked(x_train, y_train, path), _checked(x_test, y_test, path)


def _pair(images_path: Path, labels_path: Path) -> Split:
    """Read one images file and its labels file."""
    return _checked(read_idx(images_path), read_idx(labels_path), images_path)


def _checked(images: np.ndarray, labels: np.ndarray, source: str | os.PathLike) -> Split:
    """Check images are ``(n, h, w)`` and there is one label per image."""
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(
            f"{os.fspath(source)}: expected images (n, h, w) and labels (n,), "
            f"got {images.shape} and {labels.shape}"
        )
    return images, labels
