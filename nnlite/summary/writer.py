"""``tf.summary.create_file_writer``: the writer that summaries go to.

>>> # writer = tf.summary.create_file_writer("my_logs/run_1")
>>> # with writer.as_default():
>>> #     tf.summary.scalar("my_scalar", 0.5, step=1)

Summaries are written to the *default* writer: the one whose ``as_default()``
block is running, or the last one ``set_as_default()`` made the default.  As
in TensorFlow, a summary written while there is no default writer is dropped
(the function returns ``False``); nnlite also warns, because that is almost
always a missing ``with writer.as_default():``.  The default writer is kept
per process (TensorFlow: per thread).

Keras defaults: ``max_queue=10``, ``flush_millis=120000``,
``filename_suffix=".v2"``.
"""

from __future__ import annotations

import contextlib
import os
import time

from . import experimental
from .event_files import event, events_writer

#: the writers made default, innermost last (``as_default`` blocks nest)
_default_writers: list[SummaryWriter] = []


class SummaryWriter:
    """Writes summaries to one event file in ``logdir`` (made by :func:`create_file_writer`)."""

    def __init__(self, logdir: str | os.PathLike, max_queue: int = 10,
                 flush_millis: int = 120_000, filename_suffix: str = ".v2"):
        self.logdir = os.fspath(logdir)
        self.max_queue, self.flush_millis = max_queue, flush_millis
        self._events = events_writer(self.logdir, "tf.summary.create_file_writer",
                                     filename_suffix)
        self._pending, self._flushed_at = 0, time.monotonic()
        self._closed = False

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<SummaryWriter logdir={self.logdir!r} ({state})>"

    @contextlib.contextmanager
    def as_default(self, step=None):
        """Make this the default writer inside a ``with`` block (and ``step`` the default step).

        On leaving the block the previous default writer (and step, if one was
        given) comes back and the writer is flushed, as in TensorFlow.
        """
        self._check_open("as_default")
        old_step = experimental.get_step()
        if step is not None:
            experimental.set_step(step)
        _default_writers.append(self)
        try:
            yield self
        finally:
            _forget(self)
            if step is not None:
                experimental.set_step(old_step)
            if not self._closed:
                self.flush()

    def set_as_default(self, step=None) -> None:
        """Make this the default writer from now on (and ``step`` the default step)."""
        self._check_open("set_as_default")
        if step is not None:
            experimental.set_step(step)
        _default_writers[:] = [self]

    def write(self, summary, step: int) -> None:
        """Append a ``Summary`` protocol buffer at ``step`` (used by the summary functions).

        The file is flushed every ``max_queue`` summaries or ``flush_millis``
        milliseconds, whichever comes first.
        """
        self._check_open("write a summary with")
        self._events.write_event(event(summary, step))
        self._pending += 1
        waited_ms = (time.monotonic() - self._flushed_at) * 1000
        if self._pending >= self.max_queue or waited_ms >= self.flush_millis:
            self.flush()

    def flush(self) -> None:
        """Write the pending summaries to disk (nothing to do once closed)."""
        if not self._closed:
            self._events.flush()
            self._pending, self._flushed_at = 0, time.monotonic()

    def close(self) -> None:
        """Flush and close the event file; the writer cannot be used afterwards."""
        if not self._closed:
            self._events.close()
            self._closed = True
        _forget(self)

    def _check_open(self, action: str) -> None:
        if self._closed:
            raise RuntimeError(f"Cannot {action} {self!r}: it is already closed. Create a new "
                               "one with tf.summary.create_file_writer(logdir).")


def _forget(writer: SummaryWriter) -> None:
    """Take the innermost entry of ``writer`` off the default-writer stack, if it is there."""
    for index in range(len(_default_writers) - 1, -1, -1):
        if _default_writers[index] is writer:
            del _default_writers[index]
            return


def create_file_writer(logdir: str | os.PathLike, max_queue: int | None = None,
                       flush_millis: int | None = None, filename_suffix: str | None = None,
                       name=None, experimental_trackable: bool = False,
                       experimental_mesh=None) -> SummaryWriter:
    """A :class:`SummaryWriter` for a new event file in ``logdir`` (created if needed).

    ``max_queue`` (10) summaries are buffered, or at most ``flush_millis``
    (120000) milliseconds; ``name`` and the ``experimental_*`` arguments are
    accepted for compatibility and ignored.
    """
    return SummaryWriter(logdir, max_queue=10 if max_queue is None else max_queue,
                         flush_millis=120_000 if flush_millis is None else flush_millis,
                         filename_suffix=".v2" if filename_suffix is None else filename_suffix)


def default_writer() -> SummaryWriter | None:
    """The writer that summaries go to now, or ``None`` outside any ``as_default`` block."""
    return _default_writers[-1] if _default_writers else None


def flush(writer: SummaryWriter | None = None, name=None) -> None:
    """Flush ``writer`` (default: the default writer, if there is one)."""
    writer = writer if writer is not None else default_writer()
    if writer is not None:
        writer.flush()
