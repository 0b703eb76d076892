"""``sample_weight`` and ``class_weight``: checked in one place, before any training.

As scikit-learn's ``_check_sample_weight``: a weight array must be numbers,
one per sample (shape ``(n,)``; ``(n, 1)`` is accepted), finite and ≥ 0 —
a NaN or negative weight would not fail loudly, it would silently turn the
loss (and then the weights) into NaN or reward the model for being wrong.
``class_weight`` (Keras: a dict ``{class index: weight}``, single-output
models only) must name classes the model can predict, with finite weights
≥ 0; each sample's weight is then its class's weight (1 for classes not in
the dict) times its ``sample_weight``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def check_sample_weight(sample_weight, n_samples: int, where: str) -> np.ndarray | None:
    """``sample_weight`` as a float64 array of shape (n_samples,), or a ValueError naming it.

    >>> check_sample_weight([1, 0.5, 2], 3, "fit")
    array([1. , 0.5, 2. ])
    """
    if sample_weight is None:
        return None
    try:
        w = np.asarray(sample_weight)
    except ValueError as err:  # a ragged list
        raise ValueError(f"{where}: sample_weight must be a 1-D array of numbers, one per "
                         f"sample: {err}") from None
    if w.dtype.kind not in "biuf":
        raise ValueError(f"{where}: sample_weight must contain numbers, got an array of dtype "
                         f"{w.dtype} ({sample_weight!r:.60})")
    if w.ndim == 2 and w.shape[1] == 1:
        w = w[:, 0]
    if w.ndim != 1:
        raise ValueError(f"{where}: sample_weight must have shape ({n_samples},), one weight "
                         f"per sample, got shape {w.shape}")
    if len(w) != n_samples:
        raise ValueError(f"{where}: sample_weight has {len(w)} entries for {n_samples} samples "
                         "(one weight per sample of x)")
    w = w.astype(np.float64)
    bad = ~np.isfinite(w)
    if bad.any():
        i = _first_bad(bad)
        raise ValueError(f"{where}: sample_weight contains NaN or inf (sample_weight[{i}] = "
                         f"{w[i]}); every weight must be a finite number >= 0")
    if (w < 0).any():
        i = _first_bad(w < 0)
        raise ValueError(f"{where}: sample_weight must be >= 0, got sample_weight[{i}] = "
                         f"{w[i]}")
    return w


def _class_table(class_weight: Mapping, n_classes: int, where: str) -> np.ndarray:
    """weight of each class 0 … n_classes − 1 (1 for classes the dict leaves out)."""
    table = np.ones(n_classes, dtype=np.float64)
    for key, value in class_weight.items():
        integral = isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_))
        if not integral or not 0 <= key < n_classes:
            raise ValueError(f"{where}: class_weight has the key {key!r}, which is not a class "
                             f"of y: the model predicts the classes 0 … {n_classes - 1} "
                             "(keys are class indices, e.g. {0: 1.0, 1: 5.0})")
        try:
            weight = float(value)
        except (TypeError, ValueError):
            weight = float("nan")
        if not np.isfinite(weight) or weight < 0:
            raise ValueError(f"{where}: class_weight[{key!r}] must be a finite number >= 0, "
                             f"got {value!r}")
        table[int(key)] = weight
    return table


def _class_labels(y: np.ndarray, n_classes: int, where: str) -> np.ndarray:
    """The class index of each sample: argmax of one-hot rows, else the label itself."""
    labels = y.reshape(len(y), -1)
    if labels.shape[1] > 1:
        return labels.argmax(axis=1)
    labels = labels[:, 0]
    integral = labels.astype(np.int64)
    if not np.array_equal(integral, labels):
        i = _first_bad(integral != labels)
        raise ValueError(f"{where}: class_weight needs class labels in y, but y[{i}] = "
                         f"{labels[i]} is not a class index")
    if len(integral) and not (0 <= integral.min() and integral.max() < n_classes):
        raise ValueError(f"{where}: y has labels from {integral.min()} to {integral.max()}, but "
                         f"the model predicts the classes 0 … {n_classes - 1}")
    return integral


def class_sample_weights(class_weight, y: np.ndarray, n_classes: int,
                         where: str) -> np.ndarray:
    """Each sample's weight from its class in ``y`` (float64, shape (n,)).

    ``n_classes``: how many classes the model predicts (2 for one sigmoid unit).

    >>> class_sample_weights({1: 3.0}, np.array([0, 1, 1]), 2, "fit")
    array([1., 3., 3.])
    """
    if not isinstance(class_weight, Mapping):
        raise TypeError(f"{where}: class_weight must be a dict {{class index: weight}}, got "
                        f"{type(class_weight).__name__} {class_weight!r:.60}")
    table = _class_table(class_weight, n_classes, where)
    return table[_class_labels(y, n_classes, where)]
