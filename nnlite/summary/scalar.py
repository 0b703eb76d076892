r"""``tf.summary.scalar``: one number per step (a curve in TensorBoard's Scalars tab).

>>> # with writer.as_default():
>>> #     tf.summary.scalar("my_scalar", np.sin(step / 10), step=step)
"""

from __future__ import annotations

import numpy as np

from .protos import scalar_summary
from .record import record


def scalar(name: str, data, step=None, description: str | None = None) -> bool:
    """Write the real number ``data`` under ``name`` at ``step``.

    ``step`` defaults to ``tf.summary.experimental.get_step()``.  Returns True
    when written, False when there is no default writer (see
    :mod:`nnlite.summary.writer`).  ``description`` is accepted and ignored.
    """
    array = np.asarray(data)
    if array.ndim != 0 or array.dtype.kind not in "biuf":
        raise ValueError(f"tf.summary.scalar({name!r}): data must be one real number, got "
                         f"{type(data).__name__} of shape {array.shape} and dtype {array.dtype}")
    value = float(array)
    return record("scalar", name, lambda: scalar_summary(name, value), step)
