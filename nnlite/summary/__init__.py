"""``tf.summary``: log your own data for TensorBoard, as the book's chapter 10 does.

>>> # writer = tf.summary.create_file_writer(str(test_logdir))
>>> # with writer.as_default():
>>> #     for step in range(1, 1000 + 1):
>>> #         tf.summary.scalar("my_scalar", np.sin(step / 10), step=step)
>>> #         tf.summary.histogram("my_hist", data, buckets=50, step=step)
>>> #         tf.summary.image("my_images", images, step=step)
>>> #         tf.summary.text("my_text", texts, step=step)

The event files are written with tensorboardX (a dependency of nnlite), in
the layout TensorFlow writes, and read by TensorBoard itself
(``tensorboard --logdir my_logs``; ``pip install nnlite[tensorboard]``).
``step`` defaults to :func:`experimental.get_step`.  Audio, graphs, traces and
``tf.summary.record_if`` are TensorFlow's and not provided.
"""

from __future__ import annotations

from . import experimental
from .histogram import histogram
from .image import image
from .scalar import scalar
from .text import text
from .writer import SummaryWriter, create_file_writer, flush

__all__ = ["SummaryWriter", "create_file_writer", "experimental", "flush", "histogram",
           "image", "scalar", "text"]
