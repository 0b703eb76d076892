"""What every data adapter is: a source of prepared batches, one pass at a time.

A batch is ``(xs, ys, sample_weight)``: one float array per model input,
one target array per output (None for ``predict``) and the per-sample
weights (or None), already checked and converted by the model's
``prepare`` function, so the training loop never sees the user's format.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

#: ``(xs, ys, sample_weight)`` as a model step takes them.
Batch = tuple[list[np.ndarray], "list[np.ndarray] | None", "np.ndarray | None"]

#: The model's check and conversion of one batch (or of whole arrays):
#: ``prepare(x, y, sample_weight, where) -> Batch``.
Prepare = Callable[[Any, Any, Any, str], Batch]


class DataAdapter:
    """One kind of data as batches: ``batches()`` is one pass over it.

    ``steps`` is the number of batches in a pass (None when unknown, as for
    a generator); ``samples`` the number of samples (None when unknown);
    ``reusable`` whether a new pass can start after one ends (False for a
    generator, which is used up).
    """

    steps: int | None = None
    samples: int | None = None
    reusable: bool = True

    def batches(self) -> Iterator[Batch]:
        raise NotImplementedError

    def split(self, fraction: float, batch_size: int) -> tuple[DataAdapter, DataAdapter]:
        """The first ``1 - fraction`` of the samples and the last ``fraction`` (for validation)."""
        raise ValueError(f"fit: validation_split is only supported for arrays (NumPy arrays, "
                         f"memory maps and other array-likes), not for {self.kind}; pass "
                         "validation_data=... instead (a second generator or Sequence works)")

    def on_epoch_begin(self) -> None:
        """Called by ``fit`` before each epoch."""

    def on_epoch_end(self) -> None:
        """Called by ``fit`` after each epoch."""

    @property
    def kind(self) -> str:
        return "data"


def unpack_batch(item, where: str) -> tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` from what a generator or a Sequence gave, as Keras reads it.

    A tuple (or list) of 1, 2 or 3 items is ``(x,)``, ``(x, y)`` or
    ``(x, y, sample_weight)``; anything else is ``x`` alone.
    """
    if isinstance(item, list):
        item = tuple(item)
    if not isinstance(item, tuple):
        return item, None, None
    if 1 <= len(item) <= 3:
        return tuple(item) + (None,) * (3 - len(item))
    raise ValueError(f"{where}: a batch must be x, (x,), (x, y) or (x, y, sample_weight); "
                     f"got a tuple of {len(item)} items")


def split_point(n: int, fraction: float) -> int:
    """Where ``validation_split=fraction`` cuts ``n`` samples (Keras: the last part validates)."""
    cut = int(math.floor(n * (1.0 - fraction)))
    if cut <= 0 or cut >= n:
        raise ValueError(f"fit: validation_split={fraction} leaves no training or no "
                         f"validation samples out of {n}; choose a fraction that "
                         "keeps at least one sample on each side, or pass "
                         "validation_data=(x_val, y_val)")
    return cut


def steps_to_run(data_steps: int | None, steps: int | None) -> int | None:
    """How many batches ``steps`` runs over data of ``data_steps`` batches (None: unknown)."""
    if steps is None or data_steps is None:
        return steps if data_steps is None else data_steps
    return min(steps, data_steps)
