r"""Threads per worker: keep numba and BLAS from oversubscribing the CPU.

A hyperparameter search runs several fits at once (``n_jobs=2``, a dask
cluster, …).  Each fit calls NumPy's BLAS (OpenBLAS/MKL, ``X @ W``) and
nnlite's numba kernels, and both libraries start one thread per core by
default.  With :math:`w` workers on :math:`c` cores that is :math:`w\,c`
busy threads fighting for :math:`c` cores — every worker runs *slower*
than alone.  The rule is simple:

.. math::  \text{threads per worker} = \max\!\left(1, \left\lfloor c / w \right\rfloor\right)

Who sets it:

* **joblib's loky processes** (``n_jobs=k`` in scikit-learn) already do:
  joblib starts each worker with ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
  ``MKL_NUM_THREADS`` *and* ``NUMBA_NUM_THREADS`` set to ``c // k``.
* **dask.distributed worker processes** get ``OMP/MKL/OPENBLAS_NUM_THREADS=1``
  from their nanny but nothing for numba: :func:`worker_thread_budget` reads
  ``OMP_NUM_THREADS`` so numba follows BLAS.
* **Ray's joblib backend** (``ray.util.joblib.register_ray()``): Ray sets
  ``OMP_NUM_THREADS`` to the task's ``num_cpus`` (1 by default) before it
  runs a task, and :func:`worker_thread_budget` reads it the same way.
* **threads** (joblib's ``"threading"`` backend, ``LocalCluster(processes=False)``):
  several fits share one process, so a fit in a thread other than the main
  one uses 1 thread.
* ``NNLITE_NUM_THREADS`` overrides all of the above (``fit`` then runs on
  that many threads).

Without a limit, ``fit`` chooses between one thread and all of them by
watching its own step times (:mod:`nnlite.utils.thread_policy`: on a busy
laptop one thread is often many times faster); inside :func:`limit_threads`
the count you give is kept.

The scikit-learn wrappers (:mod:`nnlite.wrappers`) run every ``fit`` /
``predict`` inside ``limit_threads(worker_thread_budget())``; call it
yourself around your own code::

    from nnlite.utils.threads import limit_threads, threads_per_worker
    with limit_threads(threads_per_worker(n_workers=2)):
        model.fit(X, y)

BLAS limits (``threadpoolctl``) are process-wide; numba's
``set_num_threads`` is per calling thread.  Both are restored on exit.

Thread counts and reproducibility: nnlite's own kernels give the same bits
with any number of threads, BLAS does not (see :func:`pin_blas_threads`,
which :func:`nnlite.config.enable_op_determinism` turns on).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

import numba
from threadpoolctl import threadpool_limits


def available_cpus() -> int:
    """Cores this process may run on (CPU affinity, else ``os.cpu_count()``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def threads_per_worker(n_workers: int, n_cpus: int | None = None) -> int:
    """``max(1, n_cpus // n_workers)``: the fair share of one of ``n_workers`` workers."""
    if not isinstance(n_workers, (int,)) or n_workers < 1:
        raise ValueError(f"threads_per_worker: n_workers must be a positive integer, "
                         f"got {n_workers!r}")
    cpus = available_cpus() if n_cpus is None else int(n_cpus)
    return max(1, cpus // n_workers)


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    try:
        return max(1, int(value)) if value else None
    except ValueError:
        return None


def worker_thread_budget() -> int | None:
    """Threads one fit may use here, or ``None`` for "no limit" (see the module docstring).

    Order: ``NNLITE_NUM_THREADS``; 1 in a thread other than the main thread;
    ``OMP_NUM_THREADS`` (set by joblib's loky workers, dask's nanny and Ray);
    otherwise ``None``.
    """
    explicit = _env_int("NNLITE_NUM_THREADS")
    if explicit is not None:
        return explicit
    if threading.current_thread() is not threading.main_thread():
        return 1
    return _env_int("OMP_NUM_THREADS")


#: How many :func:`limit_threads` blocks (with a count) are open: while one is,
#: ``fit`` keeps the thread count it was given (no adaptive switching).
_limits_open = 0


def threads_are_limited() -> bool:
    """Whether the code runs inside :func:`limit_threads` with a thread count."""
    return _limits_open > 0


#: While BLAS is pinned (deterministic mode), the threadpoolctl limiter holding it at 1.
_blas_pin: threadpool_limits | None = None


def pin_blas_threads() -> None:
    """Run every loaded BLAS on one thread until :func:`unpin_blas_threads`.

    OpenBLAS and MKL split a matrix product's work between their threads
    differently for each thread count, so ``X @ W`` rounds differently with
    1 and 2 threads (in float32's last bit), and after a few epochs the
    weights differ from about their 6th significant digit.
    One thread is the only count every machine has, so with BLAS pinned a
    seeded ``fit`` gives the same weights bit for bit whatever the number
    of cores or the thread settings; nnlite's own numba/Cython kernels
    already are independent of their thread count and keep their threads.
    :func:`nnlite.config.enable_op_determinism` calls this.
    """
    global _blas_pin
    if _blas_pin is None:
        _blas_pin = threadpool_limits(limits=1, user_api="blas")


def unpin_blas_threads() -> None:
    """Give BLAS back the thread counts it had before :func:`pin_blas_threads`."""
    global _blas_pin
    if _blas_pin is not None:
        _blas_pin.restore_original_limits()
        _blas_pin = None


def blas_threads_pinned() -> bool:
    """Whether :func:`pin_blas_threads` is in effect."""
    return _blas_pin is not None


@contextlib.contextmanager
def limit_threads(n_threads: int | None) -> Iterator[None]:
    """Limit BLAS/OpenMP (threadpoolctl) and numba to ``n_threads`` inside the block.

    ``None`` changes nothing.  numba cannot go above ``NUMBA_NUM_THREADS``
    (fixed when numba starts), so the numba limit is capped there.  While
    BLAS is pinned (deterministic mode) it stays on one thread.
    """
    if n_threads is None:
        yield
        return
    if int(n_threads) < 1:
        raise ValueError(f"limit_threads: n_threads must be >= 1 or None, got {n_threads!r}")
    global _limits_open
    n = int(n_threads)
    previous = numba.get_num_threads()
    limits = {"blas": 1, "openmp": n} if blas_threads_pinned() else n
    with threadpool_limits(limits=limits):
        numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
        _limits_open += 1
        try:
            yield
        finally:
            _limits_open -= 1
            numba.set_num_threads(previous)
