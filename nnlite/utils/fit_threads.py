"""The threads of one ``fit``: a fixed count, or :class:`ThreadPolicy` switching between 1 and N.

``Model.fit`` runs inside :func:`fit_threads` and tells it how long each
training step took; when the policy picks another count, this module
applies it to every loaded BLAS and OpenMP runtime (threadpoolctl: NumPy's
OpenBLAS/MKL, the libgomp of the Cython kernels) and to numba, once per
decision, and gives every library its own count back when ``fit`` ends.

The count stays fixed (the policy is off) when

* ``NNLITE_NUM_THREADS`` is set: ``fit`` and ``predict`` run on that many threads;
* ``fit`` runs inside :func:`nnlite.utils.threads.limit_threads`;
* deterministic mode is on (:func:`nnlite.config.enable_op_determinism`);
* ``fit`` runs in a thread other than the main one (the limits are process-wide);
* BLAS has one thread (one core, ``OMP_NUM_THREADS=1``, an outer threadpoolctl limit);
* ``NNLITE_ADAPTIVE_THREADS=0``.

``predict`` is too short to probe; it runs on one thread while the last
``fit``, at most a minute ago, holds a one-thread decision
(:func:`predict_threads`), and as before otherwise.

A seeded fit repeats bit for bit only with a fixed count (the matrix products
round differently with 1 and 2 threads), so set one of the above for that.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator

import numba
from threadpoolctl import ThreadpoolController

from .thread_policy import PolicySettings, ThreadPolicy
from .threads import _env_int, blas_threads_pinned, limit_threads, threads_are_limited

#: A threadpoolctl controller (finding the loaded libraries costs ~2.5 ms), rebuilt
#: when modules were imported since (a new module may have loaded a new runtime).
_controller: ThreadpoolController | None = None
_controller_modules = -1


def thread_controller() -> ThreadpoolController:
    """threadpoolctl's view of the BLAS and OpenMP runtimes loaded in this process."""
    global _controller, _controller_modules
    if _controller is None or _controller_modules != len(sys.modules):
        _controller = ThreadpoolController()
        _controller_modules = len(sys.modules)
    return _controller


def adaptive_threads_enabled() -> bool:
    """Whether ``fit`` may switch its thread count now (see the module docstring)."""
    return (os.environ.get("NNLITE_ADAPTIVE_THREADS", "1").strip() != "0"
            and _env_int("NNLITE_NUM_THREADS") is None
            and not threads_are_limited()
            and not blas_threads_pinned()
            and threading.current_thread() is threading.main_thread())


#: The policy of the last adaptive ``fit`` (its decision carries into the next one).
_last_policy: ThreadPolicy | None = None
#: When that fit ended (``time.monotonic()``).
_last_fit_end = float("-inf")


def _carried_policy(max_threads: int, settings: PolicySettings | None) -> ThreadPolicy:
    """The last fit's policy, continued (:meth:`ThreadPolicy.new_fit`), or a new one."""
    global _last_policy
    last = _last_policy
    if (last is not None and last.max_threads == max_threads
            and last.settings == (settings or PolicySettings())):
        last.new_fit()
    else:
        last = _last_policy = ThreadPolicy(max_threads, settings)
    return last


def forget_thread_decision() -> None:
    """Start the next ``fit`` from scratch (1 thread, then a probe of all of them)."""
    global _last_policy
    _last_policy = None


class FixedThreads:
    """The thread count stays as it is: recording a step does nothing."""

    policy: ThreadPolicy | None = None

    def step_done(self, seconds: float, samples: int) -> None:
        """Nothing to decide."""


class RuntimeThreads:
    """Sets the thread count of every loaded BLAS and OpenMP runtime and of numba; restores it."""

    def __init__(self, controller: ThreadpoolController):
        self._libraries = [lib for lib in controller.lib_controllers
                           if lib.user_api in ("blas", "openmp")]
        self._original = [lib.num_threads for lib in self._libraries]
        self._numba_original = numba.get_num_threads()
        self.applied = 0  # none yet
        self.max_threads = max(self._original, default=1)

    def apply(self, n: int) -> None:
        """``n`` threads (never more than a library had before) until :meth:`restore`."""
        if n == self.applied:
            return
        for lib, original in zip(self._libraries, self._original):
            lib.set_num_threads(min(n, original))
        numba.set_num_threads(min(n, self._numba_original))
        self.applied = n

    def restore(self) -> None:
        """Give every library the count it had before."""
        for lib, original in zip(self._libraries, self._original):
            lib.set_num_threads(original)
        numba.set_num_threads(self._numba_original)
        self.applied = 0


class AdaptiveThreads(FixedThreads):
    """Applies a :class:`ThreadPolicy`'s decisions to BLAS, OpenMP and numba during one ``fit``."""

    def __init__(self, controller: ThreadpoolController, settings: PolicySettings | None = None):
        self.runtimes = RuntimeThreads(controller)
        self.policy = _carried_policy(self.runtimes.max_threads, settings)
        self.runtimes.apply(self.policy.threads)

    def step_done(self, seconds: float, samples: int) -> None:
        """Record a training step; switch the thread count when the policy says so."""
        threads = self.policy.record(seconds, samples)
        if threads != self.runtimes.applied:
            self.runtimes.apply(threads)

    def restore(self) -> None:
        """Give every library the count it had before ``fit``."""
        self.runtimes.restore()


@contextlib.contextmanager
def predict_threads(max_age: float = 60.0) -> Iterator[None]:
    """``predict``: one thread while the last ``fit`` (under ``max_age`` s ago) found the
    machine contended.

    ``NNLITE_NUM_THREADS=k`` runs it on ``k`` threads, as it does ``fit``.

    ``predict`` is too short to measure and probe by itself, but the load that
    made all threads far slower in ``fit`` usually is still there (batch 1024
    with two threads on a busy machine: several times slower).  A fit that
    kept one thread only because its small batches gain little from more
    (an idle machine) says nothing about predict's large products, which do
    gain: then, and whenever the count is fixed (see the module docstring),
    nothing changes.
    """
    fixed = _env_int("NNLITE_NUM_THREADS")
    if fixed is not None and not threads_are_limited():
        with limit_threads(fixed):
            yield
        return
    last = _last_policy
    recent = last is not None and time.monotonic() - _last_fit_end <= max_age
    if not (recent and last.phase == "hold" and last.threads == 1 and last.contended
            and adaptive_threads_enabled()):
        yield
        return
    runtimes = RuntimeThreads(thread_controller())
    runtimes.apply(1)
    try:
        yield
    finally:
        runtimes.restore()


@contextlib.contextmanager
def fit_threads(settings: PolicySettings | None = None) -> Iterator[FixedThreads]:
    """The thread handling of one ``fit``: yields an object whose ``step_done`` gets each step."""
    fixed = _env_int("NNLITE_NUM_THREADS")
    if fixed is not None and not threads_are_limited():
        with limit_threads(fixed):
            yield FixedThreads()
        return
    if not adaptive_threads_enabled():
        yield FixedThreads()
        return
    adaptive = AdaptiveThreads(thread_controller(), settings)
    if not adaptive.policy.adaptive:
        adaptive.restore()
        yield FixedThreads()
        return
    try:
        yield adaptive
    finally:
        adaptive.restore()
        global _last_fit_end
        _last_fit_end = time.monotonic()
