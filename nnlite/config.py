"""``tf.config`` / ``keras.config``: the settings of the whole process.

TensorFlow's recipe for a run that repeats bit for bit is::

    keras.utils.set_random_seed(42)
    tf.config.experimental.enable_op_determinism()

and with ``import nnlite as tf`` / ``as keras`` the same two lines work here.

What nnlite promises
--------------------
* After :func:`nnlite.utils.set_random_seed`, a ``fit`` repeats bit for bit
  on the same machine, backend and thread count (initial weights, shuffling
  and dropout masks all come from the seed; every kernel is deterministic).
  ``fit`` chooses between one thread and all of them by its step times
  (:mod:`nnlite.utils.thread_policy`), so fix the count for that:
  :func:`enable_op_determinism`, ``NNLITE_NUM_THREADS``,
  :func:`nnlite.utils.threads.limit_threads` or ``NNLITE_ADAPTIVE_THREADS=0``.
* nnlite's own kernels (NumPy reference, numba, Cython) give the same bits
  with any number of threads; the matrix products (``X @ W``, done by
  NumPy's BLAS: OpenBLAS or MKL) do not: with 1 and 2 threads the weights
  differ from about their 6th significant digit after a few epochs.
* :func:`enable_op_determinism` runs BLAS on one thread, so the result no
  longer depends on the number of cores or on thread settings
  (``OMP_NUM_THREADS``, ``n_jobs``, :func:`nnlite.utils.threads.limit_threads`).
  The cost: the matrix products run on one core (nnlite's own kernels
  keep all of theirs).

Not promised: equal bits across backends (each sums in its own order,
they agree to rounding, see the backend tests), across CPU types or
NumPy/BLAS builds (BLAS picks its kernel per CPU), nor on the ``cuda``
backend (its clip-by-global-norm sum uses atomic adds, whose order may vary).
"""

from __future__ import annotations

from types import SimpleNamespace

from .backend import epsilon, floatx, set_floatx
from .utils.threads import blas_threads_pinned, pin_blas_threads, unpin_blas_threads


def enable_op_determinism() -> None:
    """Make a seeded run repeat bit for bit whatever the number of threads.

    Pins NumPy's BLAS to one thread (process-wide, until
    :func:`disable_op_determinism`); see the module docstring for what is
    and is not promised.  Seed as well: ``nnlite.utils.set_random_seed(42)``.
    Same name as ``tf.config.experimental.enable_op_determinism``.
    """
    pin_blas_threads()


def disable_op_determinism() -> None:
    """Give BLAS back its threads (faster; the last digits then follow the thread count)."""
    unpin_blas_threads()


def is_op_determinism_enabled() -> bool:
    """Whether :func:`enable_op_determinism` is in effect."""
    return blas_threads_pinned()


#: ``tf.config.experimental.enable_op_determinism()`` (TensorFlow's spelling).
experimental = SimpleNamespace(enable_op_determinism=enable_op_determinism,
                               disable_op_determinism=disable_op_determinism,
                               is_op_determinism_enabled=is_op_determinism_enabled)

__all__ = ["enable_op_determinism", "disable_op_determinism", "is_op_determinism_enabled",
           "experimental", "floatx", "set_floatx", "epsilon"]
