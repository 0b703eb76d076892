"""``tf.summary.experimental``: the default step of the summary functions.

``tf.summary.experimental.set_step(step)`` sets the ``step`` that
``tf.summary.scalar`` and the others use when they are called without one;
``get_step()`` returns it (``None`` until set).  TensorFlow keeps one per
thread; nnlite keeps one per process, so callbacks that ``fit`` runs see it
whichever thread runs them.
"""

from __future__ import annotations

import operator

_default_step: list[int | None] = [None]


def set_step(step) -> None:
    """Set the default summary step (an integer), or unset it with ``None``."""
    _default_step[0] = None if step is None else checked_step(step)


def get_step() -> int | None:
    """The step set by :func:`set_step`, or ``None`` if none is set."""
    return _default_step[0]


def checked_step(step) -> int:
    """``step`` as a Python int, or a TypeError saying that it must be an integer."""
    try:
        return operator.index(step)
    except TypeError:
        raise TypeError("tf.summary: step must be an integer (the training step or epoch), "
                        f"got {step!r} of type {type(step).__name__}") from None
