"""The decorators every numba kernel uses: ``njit`` with a safe cache.

Compiled machine code is cached on disk as ``cache=True`` would: in
``$NUMBA_CACHE_DIR`` if set, else next to the source, else in the user
cache (``~/.cache/numba``) when the install is read-only.  The cache is
:class:`._cache.SafeFunctionCache`: a damaged entry (an empty index left by
a crash, a truncated or garbled file) is deleted and compiled again, and a
folder that cannot be written leaves the kernel uncached, each with one
warning naming the folder, never an error in ``fit``.
``NNLITE_NUMBA_CACHE=0`` disables caching.

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

from ._cache import enable_safe_cache

CACHE = os.environ.get("NNLITE_NUMBA_CACHE", "1") != "0"
#: Inputs with fewer elements than this run the serial twin of a parallel kernel.
#: With ``OMP_WAIT_POLICY=PASSIVE`` (set by ``nnlite._kernels``: spinning OpenMP
#: threads fight BLAS' threads) a parallel region costs ~35 µs to wake the pool on
#: a 2-core machine, as much as a serial pass over ~300k float32 (SGD update of
#: 266,610 weights: 57 µs parallel vs 23 µs serial; 2M: 152 vs 194 µs).
#: ``NNLITE_PARALLEL_MIN`` overrides it.
PARALLEL_MIN = int(os.environ.get("NNLITE_PARALLEL_MIN", 1 << 20))


def jit(parallel: bool = False, fastmath: bool | set = False) -> Callable:
    """``njit(nogil=True)`` with the on-disk cache of ``cache=True``, made safe (see above)."""

    def decorate(fn: Callable) -> Callable:
        kernel = njit(parallel=parallel, fastmath=fastmath, nogil=True, error_model="numpy")(fn)
        return enable_safe_cache(kernel) if CACHE else kernel

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
