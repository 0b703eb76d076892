"""The event-file writer behind ``tf.summary`` and ``keras.callbacks.TensorBoard``.

Both write TensorBoard event files with ``tensorboardX`` (a dependency of
nnlite, installed with it); the ``tensorboard`` package is needed only to view
them (``pip install nnlite[tensorboard]`` or ``pip install tensorboard``).
"""

from __future__ import annotations

import os


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


def file_writer(logdir: str | os.PathLike, user: str, **kwargs):
    """A ``tensorboardX.FileWriter`` appending events to a new file in ``logdir``."""
    return tensorboardx(user).FileWriter(os.fspath(logdir), **kwargs)
