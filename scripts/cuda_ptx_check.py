"""Compile every CUDA kernel for a real GPU without one: PTX through libNVVM.

The CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``) runs the kernels as Python,
so it never type-checks them for the device: a kernel that the simulator
runs correctly can still fail to compile for a GPU.  This script drives the
public ``cuda`` backend kernels with small NumPy inputs, but instead of
launching, it compiles each kernel for compute capability 9.0 with the
argument types of the launch (``numba.cuda.compile_ptx``), and reports
every kernel that does not compile.

Needs libNVVM (the CUDA toolkit; ``NUMBA_CUDA_NVVM`` or ``CUDA_HOME``), no
GPU and no driver.  Usage::

    python scripts/cuda_ptx_check.py          # exit status 1 if a kernel fails

Nothing is computed: the outputs of the kernels are whatever ``np.empty``
held.  The device is faked (``get_current_device``), transfers return the
host arrays.
"""

from __future__ import annotations

import sys

import numba
import numba.cuda
import numba.cuda.api
import numba.cuda.dispatcher
import numpy as np

CC = (9, 0)
compiled: dict[str, str] = {}  # kernel name → "ok" or the first line of its error


class _FakeDevice:
    compute_capability = CC


class _HostArray(np.ndarray):
    """What ``cuda.to_device`` and ``cuda.device_array`` return here: a host array."""

    def copy_to_host(self):
        return np.asarray(self)


def _to_device(a, *args, **kwargs):
    return np.ascontiguousarray(a).view(_HostArray)


def _device_array(shape, dtype=np.float64, *args, **kwargs):
    return np.zeros(shape, dtype).view(_HostArray)  # zeros: the kernels are compiled, not run


def _compile_only(self, *config):
    def launch(*args):
        sig = tuple(numba.typeof(np.asarray(a) if isinstance(a, _HostArray) else a)
                    for a in args)
        name = self.py_func.__module__.rsplit(".", 1)[-1] + "." + self.py_func.__name__
        try:
            numba.cuda.compile_ptx(self.py_func, sig, cc=CC)
            compiled.setdefault(name, "ok")
        except Exception as exc:  # every failure is reported, none stops the check
            compiled[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    return launch


def _patch() -> None:
    numba.cuda.is_available = lambda: True
    numba.cuda.api.get_current_device = lambda: _FakeDevice()
    numba.cuda.dispatcher.get_current_device = lambda: _FakeDevice()
    numba.cuda.to_device = _to_device
    numba.cuda.device_array = _device_array
    numba.cuda.dispatcher.CUDADispatcher.__getitem__ = _compile_only


def _drive(k) -> None:
    """Call every public kernel on the cases of the agreement tests (float32 and float64)."""
    from nnlite.checking.kernel_cases import CASES

    for key, build in sorted(CASES.items()):
        for dtype in (np.float32, np.float64):
            args, kwargs = build(np.random.default_rng(0), dtype, "odd")
            getattr(k, key.split(":")[0])(*args, **kwargs)


def _drive_fit_only() -> None:
    """The kernels only a cuda ``fit`` launches (on device arrays): zero fill, non-finite count."""
    from nnlite._kernels.cuda import dense, finite

    for dtype in (np.float32, np.float64):
        dense.zero_fill(np.ones(5, dtype))
        finite.add_nonfinite_count(np.ones(5, dtype), np.zeros(1, dtype))


def _nvvm_available() -> bool:
    def probe(a):
        a[0] = 1.0
    try:
        numba.cuda.compile_ptx(probe, (numba.float32[::1],), cc=CC)
    except Exception as exc:
        print(f"cannot compile for the GPU here (libNVVM not found?): "
              f"{type(exc).__name__}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return False
    return True


def main() -> int:
    """0: every kernel compiles; 1: some do not; 2: driving them failed; 3: no libNVVM."""
    _patch()
    if not _nvvm_available():
        return 3
    from nnlite import _kernels
    k = _kernels.backend_kernels("cuda")
    failed = []
    try:
        _drive(k)
        _drive_fit_only()
    except Exception as exc:
        print(f"driving the kernels failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    for name, status in sorted(compiled.items()):
        print(f"{name:<40} {status}")
        if status != "ok":
            failed.append(name)
    print(f"{len(compiled) - len(failed)} of {len(compiled)} kernels compile for "
          f"sm_{CC[0]}{CC[1]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
