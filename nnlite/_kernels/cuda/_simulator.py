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

A second race of the same kind: on every call of a kernel or device
function, the simulator swaps the ``cuda`` module in the function's module
globals for its fake one, first *iterating over those globals* in Python.
When another GPU thread emits that module's first warning meanwhile (an
overflow in a kernel body, as a non-finite training step does), Python adds
``__warningregistry__`` to the same globals and the iteration fails with
"dictionary changed size during iteration".  ``install()`` also replaces
that swap with one that reads a copy of the globals, taken in one step.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

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


@contextlib.contextmanager
def swapped_cuda_module(fn, fake_cuda_module) -> Iterator[None]:
    """The simulator's swap of ``cuda`` in ``fn``'s globals, reading a one-step copy of them."""
    from numba import cuda

    globals_ = fn.__globals__
    original = {k: v for k, v in dict(globals_).items() if v is cuda}  # dict(): one C call
    globals_.update(dict.fromkeys(original, fake_cuda_module))
    try:
        yield
    finally:
        globals_.update(original)


def install() -> None:
    """Make the simulator's shared arrays and module swap thread-safe (idempotent)."""
    global numba_shared_array
    from numba.cuda.simulator import kernel, kernelapi

    if kernelapi.FakeCUDAShared.array is not _shared_array:
        numba_shared_array = kernelapi.FakeCUDAShared.array
        kernelapi.FakeCUDAShared.array = _shared_array
    kernel.swapped_cuda_module = swapped_cuda_module
