"""Where a summary goes: the default writer, at the given or the default step."""

from __future__ import annotations

import warnings

from . import experimental
from .writer import default_writer


def record(function: str, tag: str, make_summary, step) -> bool:
    """Write ``make_summary()`` to the default writer at ``step``; False if there is none.

    Mirrors TensorFlow: without a default writer nothing is written (and the
    data is not even converted) and the result is ``False``; with one, the
    step is ``step`` or else :func:`~nnlite.summary.experimental.get_step`,
    and a ValueError says how to give one when both are ``None``.
    """
    if not isinstance(tag, str) or not tag:
        raise TypeError(f"tf.summary.{function}: name must be a non-empty string, got {tag!r}")
    writer = default_writer()
    if writer is None:
        warnings.warn(
            f"tf.summary.{function}({tag!r}) wrote nothing: there is no default summary "
            "writer. Write inside `with writer.as_default():` (writer = "
            "tf.summary.create_file_writer(logdir)) or call writer.set_as_default().",
            stacklevel=3)
        return False
    if step is None:
        step = experimental.get_step()
        if step is None:
            raise ValueError(
                f"tf.summary.{function}({tag!r}): no step given and no default step set. "
                "Pass step=... (e.g. the epoch or batch number), call "
                "tf.summary.experimental.set_step(step), or use writer.as_default(step=...).")
    writer.write(make_summary(), experimental.checked_step(step))
    return True
