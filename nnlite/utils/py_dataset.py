"""``PyDataset`` (Keras 3) and its tf.keras 2 name ``Sequence``: batches by index.

A subclass returns one whole batch from ``__getitem__(index)`` — ``x``,
``(x, y)`` or ``(x, y, sample_weight)`` — and the number of batches from
``__len__``, so ``fit`` can ask for any batch in any order and the data
never has to fit in memory::

    class Batches(nnlite.utils.Sequence):
        def __init__(self, x_files, y, batch_size):
            super().__init__()
            self.x_files, self.y, self.batch_size = x_files, y, batch_size

        def __len__(self):
            return math.ceil(len(self.y) / self.batch_size)

        def __getitem__(self, index):
            rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
            return load_images(self.x_files[rows]), self.y[rows]

``fit`` calls ``on_epoch_begin()`` before and ``on_epoch_end()`` after each
epoch (e.g. to reshuffle the files), and with ``shuffle=True`` (the default)
visits the batches in a new random order every epoch, as Keras does.

Where nnlite differs from Keras: ``workers``, ``use_multiprocessing`` and
``max_queue_size`` are accepted and kept but not used — batches are read
one after the other in the training thread, so a run is deterministic.
Any object with ``__len__`` and ``__getitem__`` (a real
``keras.utils.Sequence`` too) is accepted in place of a subclass.
"""

from __future__ import annotations


class PyDataset:
    """Base class of a data set that returns whole batches by index (``keras.utils.PyDataset``).

    Keras defaults: ``workers=1``, ``use_multiprocessing=False``,
    ``max_queue_size=10`` (kept, not used: see the module docstring).
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False,
                 max_queue_size: int = 10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__: the number of "
                                  "batches (not samples)")

    def __getitem__(self, index: int):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index): "
                                  "batch number `index` as x, (x, y) or (x, y, sample_weight)")

    @property
    def num_batches(self) -> int:
        """The number of batches (Keras 3's name for ``len(dataset)``)."""
        return len(self)

    def on_epoch_begin(self) -> None:
        """Called before each epoch of ``fit``."""

    def on_epoch_end(self) -> None:
        """Called after each epoch of ``fit`` (e.g. to reshuffle)."""


Sequence = PyDataset  # tf.keras 2's name; Keras 3 exports the same class under both
