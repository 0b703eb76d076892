"""``tf.random.set_seed``: so ``import nnlite as tf`` runs the book's seeding line.

Hands-On ML starts every experiment with ``np.random.seed(42)`` and
``tf.random.set_seed(42)``.  nnlite has one seed for everything
(:func:`nnlite.utils.set_random_seed`); ``nnlite.random.set_seed`` is the
same function under TensorFlow's name.  For runs that repeat bit for bit
whatever the number of threads, add TensorFlow's second line,
``tf.config.experimental.enable_op_determinism()`` (see :mod:`nnlite.config`).
"""

from __future__ import annotations

from .utils.random import set_random_seed


def set_seed(seed: int) -> None:
    """Seed every random source of nnlite (same as ``nnlite.utils.set_random_seed``)."""
    set_random_seed(seed)


__all__ = ["set_seed"]
