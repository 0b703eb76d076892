"""The decorators every numba kernel uses: ``njit`` with a safe cache.

``cache=True`` stores compiled machine code next to the source (or in the
user cache when the install is read-only).  ``NNLITE_NUMBA_CACHE=0``
disables caching; when no cache directory is writable, numba raises at
decoration time and we silently compile without a cache instead.

``jit_parallel`` builds a ``parallel=True`` kernel *and* a serial twin of
the same loop (``prange`` is ``range`` there) and picks one per call by the
size of the input: waking the thread pool costs several microseconds, more
than a loop over a few thousand numbers (a bias vector, a small layer).
"""

from __future__ import annotations

import os
import types
from collections.abc import Callable

from numba import njit

CACHE = os.environ.get("NNLITE_NUMBA_CACHE", "1") != "0"
#: Inputs with fewer elements than this run the serial twin of a parallel kernel.
#: With ``OMP_WAIT_POLICY=PASSIVE`` (set by ``nnlite._kernels``: spinning OpenMP
#: threads fight BLAS' threads) a parallel region costs ~35 µs to wake the pool on
#: a 2-core machine, as much as a serial pass over ~300k float32 (SGD update of
#: 266,610 weights: 57 µs parallel vs 23 µs serial; 2M: 152 vs 194 µs).
#: ``NNLITE_PARALLEL_MIN`` overrides it.
PARALLEL_MIN = int(os.environ.get("NNLITE_PARALLEL_MIN", 1 << 20))


def jit(parallel: bool = False, fastmath: bool | set = False) -> Callable:
    """``njit(cache=True, nogil=True)`` falling back to no cache when it cannot write."""

    def decorate(fn: Callable) -> Callable:
        options = dict(parallel=parallel, fastmath=fastmath, nogil=True, error_model="numpy")
        if CACHE:
            try:
                return njit(cache=True, **options)(fn)
            except RuntimeError:  # "cannot cache function ...: no locator available"
                pass
        return njit(cache=False, **options)(fn)

    return decorate


def _twin(fn: Callable, suffix: str) -> Callable:
    """A copy of ``fn`` under another name (numba caches by qualified name)."""
    twin = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + suffix,
                              fn.__defaults__, fn.__closure__)
    twin.__qualname__ = fn.__qualname__ + suffix
    twin.__module__ = fn.__module__
    twin.__doc__ = fn.__doc__
    return twin


def jit_parallel(size_arg: int = 0) -> Callable:
    """A ``parallel=True`` kernel for large inputs and its serial twin for small ones.

    ``size_arg`` is the position of the array whose ``.size`` decides
    (≥ ``PARALLEL_MIN``: parallel).  The returned function has the two
    dispatchers as ``.parallel`` and ``.serial``.
    """

    def decorate(fn: Callable) -> Callable:
        parallel = jit(parallel=True)(fn)
        serial = jit()(_twin(fn, "_serial"))

        def run(*args):
            kernel = parallel if args[size_arg].size >= PARALLEL_MIN else serial
            return kernel(*args)

        run.parallel, run.serial = parallel, serial
        run.__name__, run.__qualname__, run.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
        return run

    return decorate


@jit()
def probe(a):
    """A trivial kernel compiled at import to prove numba works here."""
    return a + 1
