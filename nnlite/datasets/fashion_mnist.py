"""Fashion-MNIST: 70,000 28x28 grey images of clothing in 10 classes (Zalando).

Same interface as ``tf.keras.datasets.fashion_mnist``. Files are looked up in
``$NNLITE_DATA/fashion-mnist/``, ``~/.cache/nnlite/datasets/fashion-mnist/`` and
``/usr/share/datasets/fashion-mnist/`` (Debian: ``apt install dataset-fashion-mnist``),
then downloaded from the Keras mirror with a checksum check.
"""

from __future__ import annotations

import numpy as np

from nnlite.datasets._fetch import fetch
from nnlite.datasets._splits import idx_splits

NAME = "fashion-mnist"
BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

#: SHA-256 of each file's *decompressed* content (computed from Debian's
#: dataset-fashion-mnist 0.0~git20200523.55506a9-1), so any gzip wrapping of the
#: same data verifies.
SHA256 = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",  # noqa: E501
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",  # noqa: E501
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",  # noqa: E501
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",  # noqa: E501
}

#: Label ``i`` means ``CLASS_NAMES[i]``.
CLASS_NAMES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return ``(x_train, y_train), (x_test, y_test)`` exactly like Keras.

    ``x_train``: uint8 (60000, 28, 28), pixel values 0..255; ``y_train``: uint8
    (60000,), labels 0..9 (see ``CLASS_NAMES``); test arrays hold 10000 samples.
    Raises ``DatasetUnavailableError`` when the files are neither on disk nor
    downloadable.
    """
    paths = fetch(
        NAME,
        SHA256,
        title="Fashion-MNIST",
        base_url=BASE_URL,
        hint="on Debian/Ubuntu: apt install dataset-fashion-mnist",
    )
    return idx_splits(paths)
