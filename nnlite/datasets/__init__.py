"""Ready-made data sets, loaded like ``tf.keras.datasets``.

``fashion_mnist`` and ``mnist`` read local copies (``$NNLITE_DATA``, the user
cache, ``/usr/share/datasets``) or download with a checksum check; ``digits``
(scikit-learn's 8x8 digits) always works offline. ``idx`` reads and writes
the IDX format.
"""

from nnlite.datasets import digits, fashion_mnist, idx, mnist
from nnlite.datasets.errors import DatasetUnavailableError

__all__ = ["DatasetUnavailableError", "digits", "fashion_mnist", "idx", "mnist"]
