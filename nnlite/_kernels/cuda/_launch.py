"""Launch helpers: host ↔ device transfer and grid sizes for the CUDA kernels.

``launcher(kernel, writes, size)`` returns a low-level function that takes the
same arguments as the CPU low-level kernel.  Array arguments may be NumPy
arrays (copied to the device, and back for the positions in ``writes``) or
device arrays (used in place, nothing copied).

Every launch and copy runs on the default stream, in the order nnlite makes
them, so a launch that reads what an earlier launch wrote always sees it
(CuPy's cuBLAS calls, ``cublas.py``, use the same legacy default stream).
The device ``fit`` allocates new activation buffers every step and updates
the weights only after the step's report has come back (a synchronous copy),
so no buffer is written while a pending launch still reads it.

Under the CUDA simulator every GPU thread is a Python thread, and a thread
that waits at ``cuda.syncthreads()`` hands the GIL on only after Python's
switch interval (5 ms).  ``simulated_launch()`` shortens that interval for
the duration of a launch (≈15× faster tiled GEMM in the simulator); it does
nothing on a real GPU.  Under the simulator, importing this module also
makes its shared arrays thread-safe (``_simulator.install``).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

import numpy as np
from numba import cuda

from . import transfers
from ._gpu_available import SIMULATED

#: The simulator runs every GPU thread as a Python thread: keep grids tiny there.
THREADS = 4 if SIMULATED else 128  # threads per block (grid-stride kernels)
MAX_BLOCKS = 2 if SIMULATED else 1024
if SIMULATED:
    from ._simulator import install as _install_simulator_fix

    _install_simulator_fix()


def blocks_for(n: int) -> int:
    """Blocks for a grid-stride loop over n items."""
    return max(1, min(MAX_BLOCKS, (int(n) + THREADS - 1) // THREADS))


@contextlib.contextmanager
def simulated_launch() -> Iterator[None]:
    """Run a block with a 10 µs GIL switch interval under the simulator (no-op on a GPU)."""
    if not SIMULATED:
        yield
        return
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _to_device(a):
    if isinstance(a, np.ndarray):
        return transfers.to_device(a)
    return a


def device_empty(shape, dtype):
    """An uninitialized device array (no transfer)."""
    return cuda.device_array(shape, dtype=dtype)


_NO_ARRAY: dict = {}


def no_array(dtype, ndim: int = 1):
    """A zero-size device array of ``dtype`` (an absent bias, no targets), made once."""
    key = (np.dtype(dtype), ndim)
    if key not in _NO_ARRAY:
        _NO_ARRAY[key] = cuda.device_array((0,) * ndim, dtype=key[0])
    return _NO_ARRAY[key]


def on_device(a) -> bool:
    """Is ``a`` a device array?  Public kernels then work in place on the device and
    return device arrays, copying nothing."""
    return transfers.is_device_array(a)


def launcher(kernel, writes: tuple[int, ...], size: Callable[..., int],
             grid: Callable[..., tuple] | None = None) -> Callable:
    """Wrap a ``@cuda.jit`` kernel: transfer arrays, launch, copy written arrays back."""

    def run(*args):
        dev = [_to_device(a) for a in args]
        transfers.launched()
        with simulated_launch():
            if grid is None:
                kernel[blocks_for(size(*args)), THREADS](*dev)
            else:
                kernel[grid(*args)](*dev)
        for i in writes:
            if isinstance(args[i], np.ndarray) and args[i].size:
                args[i][...] = transfers.to_host(dev[i]).reshape(args[i].shape)

    run.__doc__ = kernel.__doc__ if hasattr(kernel, "__doc__") else None
    return run
