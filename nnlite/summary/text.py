"""``tf.summary.text``: strings per step (TensorBoard's Text tab, Markdown rendered).

``data`` is one string or an array (or nested lists) of strings of any shape;
TensorBoard shows a list as a table.
"""

from __future__ import annotations

import numpy as np

from .protos import string_tensor_summary
from .record import record


def text(name: str, data, step=None, description: str | None = None) -> bool:
    """Write the string(s) ``data`` under ``name`` at ``step``.

    Returns True when written, False when there is no default writer.
    ``description`` is accepted and ignored.
    """
    array = np.asarray(data, dtype=object)
    strings = [_utf8(name, item) for item in array.ravel()]
    return record("text", name,
                  lambda: string_tensor_summary(name, "text", strings, array.shape), step)


def _utf8(name: str, item) -> bytes:
    if isinstance(item, bytes):
        return item
    if isinstance(item, str):
        return item.encode("utf-8")
    raise TypeError(f"tf.summary.text({name!r}): data must be strings, got "
                    f"{type(item).__name__} {item!r}; convert it, e.g. str(value)")
