"""The event-file writer behind ``tf.summary`` and ``keras.callbacks.TensorBoard``.

Both write TensorBoard event files with ``tensorboardX`` (a dependency of
nnlite, installed with it); the ``tensorboard`` package is needed only to view
them (``pip install nnlite[tensorboard]`` or ``pip install tensorboard``).
"""

from __future__ import annotations

import os
import time


def tensorboardx(user: str):
    """The ``tensorboardX`` module, or an ImportError naming ``user`` and the fix."""
    try:
        import tensorboardX
    except ImportError as exc:
        raise ImportError(
            f"{user} writes TensorBoard event files with tensorboardX, a dependency of "
            "nnlite that is missing from this environment (a partial install?). "
            "Reinstall it with `pip install tensorboardX` (or `pip install --force-reinstall "
            "nnlite`); the `tensorboard` package is needed only to view the files.") from exc
    return tensorboardX


def events_writer(logdir: str | os.PathLike, user: str, filename_suffix: str = ""):
    """A synchronous ``tensorboardX`` writer of a new event file in ``logdir`` (made if needed).

    Its ``write_event(event)`` appends at once and ``flush()`` really reaches
    the disk (``SummaryWriter``'s background thread may still hold events
    after its ``flush()``).
    """
    tensorboardx(user)
    from tensorboardX.event_file_writer import EventsWriter

    os.makedirs(logdir, exist_ok=True)
    return EventsWriter(os.path.join(os.fspath(logdir), "events"), filename_suffix)


def event(summary, step: int):
    """An ``Event`` holding ``summary`` at ``step``, stamped with the current time."""
    from tensorboardX.proto import event_pb2

    return event_pb2.Event(summary=summary, step=step, wall_time=time.time())
