r"""``to_categorical``: class indices → one-hot rows (for ``categorical_crossentropy``).

.. math:: Y_{ik} = \mathbb 1[y_i = k], \qquad k = 0, \dots, K - 1

Keras semantics: ``num_classes=None`` means K = max(y) + 1, ``dtype="float32"``;
the output has shape ``y.shape + (K,)``, except that a trailing axis of
length 1 is dropped first (labels of shape (n, 1) give (n, K), not (n, 1, K)).
Where nnlite differs: a label that is negative, not a whole number, or
≥ ``num_classes`` raises a ValueError (Keras casts 1.7 to 1 and lets NumPy
index -1 as the last class).
"""

from __future__ import annotations

import numpy as np


def _class_indices(y) -> np.ndarray:
    values = np.asarray(y)
    if values.dtype == bool:
        values = values.astype(np.int64)
    if not np.issubdtype(values.dtype, np.number):
        raise ValueError(f"to_categorical expects integer class indices, got dtype "
                         f"{values.dtype} ({y!r:.80})")
    if not np.isfinite(values).all() or (values != np.round(values)).any():
        bad = values[~np.isfinite(values) | (values != np.round(values))].ravel()[0]
        raise ValueError(f"to_categorical expects whole-number class indices, got {bad!r}; "
                         "map the labels to 0, 1, …, K − 1 first")
    indices = values.astype(np.int64)
    if (indices < 0).any():
        raise ValueError(f"to_categorical expects class indices >= 0, got {indices.min()}")
    return indices


def to_categorical(y, num_classes: int | None = None, dtype="float32") -> np.ndarray:
    """One-hot encode the class indices ``y``: ``to_categorical([0, 2], 3)`` → [[1,0,0],[0,0,1]]."""
    indices = _class_indices(y)
    shape = indices.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = indices.ravel()
    if num_classes is None:
        if flat.size == 0:
            raise ValueError("to_categorical got no labels and num_classes=None; pass "
                             "num_classes")
        num_classes = int(flat.max()) + 1
    elif not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"to_categorical: num_classes must be a positive int, got "
                         f"{num_classes!r}")
    elif flat.size and flat.max() >= num_classes:
        raise ValueError(f"to_categorical: label {flat.max()} does not fit num_classes="
                         f"{num_classes} (labels must be < num_classes)")
    one_hot = np.zeros((flat.size, int(num_classes)), dtype=dtype)
    one_hot[np.arange(flat.size), flat] = 1
    return one_hot.reshape(shape + (int(num_classes),))
