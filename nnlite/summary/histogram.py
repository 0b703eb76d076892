r"""``tf.summary.histogram``: the distribution of many values per step.

The values are counted in ``buckets`` equal-width buckets spanning
``[min, max]`` of the data, as TensorFlow does:

.. math:: \text{edges}_i = \min x + i\,\frac{\max x - \min x}{\text{buckets}},
          \quad i = 0, \dots, \text{buckets}

with two edge cases: all values equal gives one bucket whose edges are both
that value, and no values gives no bucket.

Keras default: ``buckets=30``.
"""

from __future__ import annotations

import numpy as np

from .protos import histogram_summary
from .record import record

DEFAULT_BUCKETS = 30


def histogram(name: str, data, step=None, buckets: int | None = None,
              description: str | None = None) -> bool:
    """Write the histogram of ``data`` (any shape, flattened) under ``name`` at ``step``.

    Returns True when written, False when there is no default writer.
    ``description`` is accepted and ignored.
    """
    buckets = DEFAULT_BUCKETS if buckets is None else buckets
    if isinstance(buckets, bool) or not isinstance(buckets, (int, np.integer)) or buckets < 1:
        raise ValueError(f"tf.summary.histogram({name!r}): buckets must be a positive "
                         f"integer, got {buckets!r}")
    values = _values(name, data)
    return record("histogram", name,
                  lambda: histogram_summary(name, values, *bucket_counts(values, buckets)),
                  step)


def bucket_counts(values: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """``(right edges, counts)`` of ``buckets`` equal-width buckets over ``values``."""
    if values.size == 0:
        return np.zeros(0), np.zeros(0)
    low, high = values.min(), values.max()
    if low == high:
        return np.array([high]), np.array([float(values.size)])
    counts, edges = np.histogram(values, bins=int(buckets), range=(low, high))
    return edges[1:], counts.astype(np.float64)


def _values(name: str, data) -> np.ndarray:
    try:
        values = np.asarray(data, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise TypeError(f"tf.summary.histogram({name!r}): data must be numbers, got "
                        f"{type(data).__name__}") from None
    if not np.isfinite(values).all():
        raise ValueError(f"tf.summary.histogram({name!r}): data contains NaN or infinity")
    return values
