"""Kernel registry: one equation, several implementations.

Layers, losses and optimizers call hot loops only through this module, e.g.
``kernels.dense_forward(x, W, b, "relu")``.  Each name is a small dispatcher
that forwards to the active backend's function of the same name; the NumPy
``reference`` backend is the specification and is always present.

Backends (``nnlite.backends()`` lists them with their status):

``reference``  NumPy, reads like the equations (always available)
``numba``      ``@njit(cache=True)`` CPU kernels
``cython``     compiled at install with OpenMP
``cuda``       numba.cuda kernels (needs a GPU)
``auto``       the fastest working CPU backend (the default)

Every public kernel of every backend first checks the sizes, numbers of axes
and dtypes its loops rely on (``checks``, one function per kernel) and raises
``ValueError("<kernel>: ...")`` instead of reading or writing out of bounds.

A backend that cannot load warns once with the reason and the engine falls
back to ``reference`` (``"auto"``: to the next backend of ``AUTO_ORDER``,
warning about each faster one that failed); a backend that lacks one kernel
uses the reference version of that kernel (``kernel_table()`` shows which).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import warnings
from collections.abc import Callable, Iterator

# OpenMP worker threads (numba's "omp" layer, Cython's prange) spin after
# each parallel region by default.  On a 2-core machine they then fight
# OpenBLAS' threads, and a kernel that follows a GEMM waits a whole scheduler
# slice (~8 ms measured, vs 0.3 ms).  Passive waiting costs a few µs per
# parallel call instead.  Set before any OpenMP runtime loads; a value the
# user already set wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from . import reference as _reference  # noqa: E402

BACKENDS = ("reference", "numba", "cython", "cuda")
#: Preference order of ``"auto"``: the first backend that loads wins.
AUTO_ORDER = ("numba", "cython", "reference")
_MODULES = {
    "reference": "nnlite._kernels.reference",
    "numba": "nnlite._kernels.numba_cpu",
    "cython": "nnlite._kernels._cython",
    "cuda": "nnlite._kernels.cuda",
}

KERNEL_NAMES: tuple[str, ...] = tuple(_reference.__all__)

_loaded: dict[str, object] = {"reference": _reference}
_errors: dict[str, str] = {}
_warned: set[str] = set()
_active = "reference"


class Kernel:
    """A named kernel that calls the active backend's implementation."""

    __slots__ = ("name", "impl", "backend")

    def __init__(self, name: str):
        self.name = name
        self.impl: Callable = getattr(_reference, name)
        self.backend = "reference"

    def __call__(self, *args, **kwargs):
        return self.impl(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<kernel {self.name} [{self.backend}]>"


_kernels: dict[str, Kernel] = {name: Kernel(name) for name in KERNEL_NAMES}
globals().update(_kernels)


def _load(name: str):
    """Import a backend module; return None (and remember why) on failure."""
    if name in _loaded:
        return _loaded[name]
    if name not in _MODULES:
        raise ValueError(f"Unknown backend {name!r}; choose one of {BACKENDS + ('auto',)}")
    if name in _errors:
        return None
    try:
        module = importlib.import_module(_MODULES[name])
    except Exception as exc:  # ImportError, numba errors, missing GPU, ...
        _errors[name] = f"{type(exc).__name__}: {exc}"
        return None
    _loaded[name] = module
    return module


def available_backends() -> dict[str, str]:
    """Map each backend to ``"available"`` or the reason it cannot load."""
    status = {}
    for name in BACKENDS:
        status[name] = "available" if _load(name) is not None else _errors[name]
    return status


def _warn_once(name: str, instead: str) -> None:
    """Warn (once per backend and process) that ``name`` failed to load, and why."""
    if name in _warned:
        return
    _warned.add(name)
    warnings.warn(
        f"nnlite backend {name!r} is unavailable ({_errors[name]}); using {instead!r}",
        RuntimeWarning,
        stacklevel=4,
    )


def _resolve(name: str) -> str:
    if name == "auto":
        failed = []
        for candidate in AUTO_ORDER:
            if _load(candidate) is not None:
                for bad in failed:  # a faster backend that should have loaded
                    _warn_once(bad, candidate)
                return candidate
            failed.append(candidate)
        return "reference"
    if _load(name) is None:
        _warn_once(name, "reference")
        return "reference"
    return name


def set_backend(name: str) -> str:
    """Select the kernel backend; returns the backend actually used."""
    global _active
    resolved = _resolve(name)
    module = _loaded[resolved]
    for kname, kernel in _kernels.items():
        impl = getattr(module, kname, None)
        if impl is None:
            kernel.impl, kernel.backend = getattr(_reference, kname), "reference"
        else:
            kernel.impl, kernel.backend = impl, resolved
    _active = resolved
    return resolved


def get_backend() -> str:
    """Name of the active backend."""
    return _active


@contextlib.contextmanager
def use_backend(name: str) -> Iterator[str]:
    """Context manager: run a block with another backend, then restore."""
    previous = _active
    try:
        yield set_backend(name)
    finally:
        set_backend(previous)


def kernel_table() -> dict[str, str]:
    """Which backend implements each kernel right now."""
    return {name: k.backend for name, k in _kernels.items()}


def get_kernel(name: str, backend: str | None = None) -> Callable:
    """The implementation of ``name`` in ``backend`` (default: active one)."""
    if backend is None:
        return _kernels[name].impl
    module = _load(backend)
    if module is None:
        raise RuntimeError(f"backend {backend!r} is unavailable: {_errors[backend]}")
    impl = getattr(module, name, None)
    return getattr(_reference, name) if impl is None else impl


set_backend(os.environ.get("NNLITE_BACKEND", "auto"))
