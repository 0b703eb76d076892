"""A fix for numba's CUDA simulator: one shared array per block, even under thread switches.

The simulator runs every GPU thread of a block as a Python thread and gives
them the same ``cuda.shared.array`` by looking the calling line up in a dict:
``get`` → (``None``) → ``np.empty`` → store.  That check-then-insert is not
atomic.  When Python switches threads between the lookup and the store (the
launch helpers shorten the switch interval to 10 µs, and a loaded machine
makes switches land anywhere), two threads of the same block each make their
*own* tile, so one thread's writes are invisible to the others and the tiled
GEMM returns wrong numbers in the first block (dx[0, 0] and dx[0, 1] of a
dense backward were seen off by 5–95 %).  A real GPU has no such race;
``install()`` replaces the lookup with the same one under a lock.
"""

from __future__ import annotations

import sys
import threading

import numpy as np

_LOCK = threading.Lock()
#: numba's own (racy) ``FakeCUDAShared.array``, kept so a test can show the race.
numba_shared_array = None


def _shared_array(self, shape, dtype):
    """``cuda.shared.array`` of the simulator, keyed by the calling line, under a lock."""
    from numba.core import types
    from numba.np import numpy_support

    if isinstance(dtype, types.Type):
        dtype = numpy_support.as_dtype(dtype)
    if shape == 0:  # dynamic shared memory: one buffer for the whole launch
        count = self._dynshared_size // dtype.itemsize
        return np.frombuffer(self._dynshared.data, dtype=dtype, count=count)
    caller = sys._getframe(1)
    key = (caller.f_code.co_filename, caller.f_lineno)
    with _LOCK:
        res = self._allocations.get(key)
        if res is None:
            res = np.empty(shape, dtype)
            self._allocations[key] = res
    return res


def install() -> None:
    """Make the simulator's shared arrays thread-safe (idempotent; simulator only)."""
    global numba_shared_array
    from numba.cuda.simulator import kernelapi

    if kernelapi.FakeCUDAShared.array is not _shared_array:
        numba_shared_array = kernelapi.FakeCUDAShared.array
        kernelapi.FakeCUDAShared.array = _shared_array
