"""scikit-learn's bundled 8x8 handwritten digits: always available, no download.

1797 images of the digits 0-9, returned in the Keras ``load_data()`` shape so
that tutorials can start offline and switch to MNIST later.

Pixel values are the *raw* 0..16 counts from the original data (stored as
uint8), not 0..255: scale with ``x / 16.0``, not ``x / 255.0``.
"""

from __future__ import annotations

import numpy as np

#: Default seed of the train/test split, so every run gets the same split.
SEED = 113


def load_data(
    test_size: float | int = 0.2, seed: int = SEED
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return ``(x_train, y_train), (x_test, y_test)``.

    ``x_*``: uint8 (n, 8, 8) with values 0..16; ``y_*``: uint8 (n,) digits 0..9.
    ``test_size`` is a fraction (0..1) or a sample count, as in scikit-learn.
    The split is stratified by digit and fixed by ``seed``.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    images = bunch.images.astype(np.uint8)
    labels = bunch.target.astype(np.uint8)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=test_size, random_state=seed, stratify=labels
    )
    return (x_train, y_train), (x_test, y_test)
