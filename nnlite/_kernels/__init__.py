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

from . import openmp_wait_policy  # noqa: F401  (before any OpenMP runtime loads)
from . import reference as _reference

BACKENDS = ("reference", "numba", "cython", "cuda")
#: Preference order of ``"auto"``: the first backend that loads wins.
AUTO_ORDER = ("numba", "cython", "reference")
_MODULES = {
    "reference": "nnlite._kernels.reference",
    "numba": "nnlite._kernels.numba_cpu",
    "cython": "nnlite._kernels._cython",
    "cuda": "nnlite._kernels.cuda",
}

_loaded: dict[str, object] = {"reference": _reference}
_errors: dict[str, str] = {}
_warned: set[str] = set()
_active = "reference"


class Kernel:
    """A named kernel that calls the active backend's implementation.

    ``set_backend`` points ``impl`` at the active backend's function of the
    same name (the reference's when that backend lacks it); a call costs one
    extra Python call on top of the implementation's.
    """

    __slots__ = ("name", "impl", "backend")

    def __init__(self, name: str):
        self.name = name
        self.impl: Callable = getattr(_reference, name)
        self.backend = "reference"

    def __call__(self, *args, **kwargs):
        return self.impl(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<kernel {self.name} [{self.backend}]>"


# The dispatchers, one per kernel of the reference (``reference/<family>.py``
# holds the specification; ``numba_cpu/``, ``_cython/`` and ``cuda/`` each
# have a function of the same name in a module of the same name).

# Activations and dense layers (``nnlite.activations``, ``nnlite.layers.Dense``)
activation_forward = Kernel("activation_forward")
activation_backward = Kernel("activation_backward")
dense_forward = Kernel("dense_forward")
dense_backward = Kernel("dense_backward")

# Losses: fused, numerically stable value and gradient (``nnlite.losses``)
softmax_xent_sparse = Kernel("softmax_xent_sparse")
softmax_xent_dense = Kernel("softmax_xent_dense")
sigmoid_bce = Kernel("sigmoid_bce")
xent_sparse_from_probs = Kernel("xent_sparse_from_probs")
xent_dense_from_probs = Kernel("xent_dense_from_probs")
bce_from_probs = Kernel("bce_from_probs")

# Optimizer updates, in place (``nnlite.optimizers``)
sgd_update = Kernel("sgd_update")
sgd_momentum_update = Kernel("sgd_momentum_update")
adagrad_update = Kernel("adagrad_update")
rmsprop_update = Kernel("rmsprop_update")
adam_update = Kernel("adam_update")
adamw_update = Kernel("adamw_update")
adamax_update = Kernel("adamax_update")
nadam_update = Kernel("nadam_update")

# Gradient clipping and weight constraints
clip_by_value_ = Kernel("clip_by_value_")
clip_by_norm_ = Kernel("clip_by_norm_")
global_norm = Kernel("global_norm")
scale_ = Kernel("scale_")
max_norm_ = Kernel("max_norm_")

# Batch normalization (``nnlite.layers.BatchNormalization``)
bn_stats = Kernel("bn_stats")
bn_forward_train = Kernel("bn_forward_train")
bn_forward_infer = Kernel("bn_forward_infer")
bn_backward = Kernel("bn_backward")
bn_moving_update = Kernel("bn_moving_update")

# Dropout and alpha dropout: counter-based masks (``nnlite.layers.Dropout``)
dropout_uniform = Kernel("dropout_uniform")
dropout_mask = Kernel("dropout_mask")
dropout_forward = Kernel("dropout_forward")
dropout_backward = Kernel("dropout_backward")
alpha_dropout_forward = Kernel("alpha_dropout_forward")
alpha_dropout_backward = Kernel("alpha_dropout_backward")

# Rectifiers: PReLU, the general ReLU, RReLU (``nnlite.layers``)
prelu_forward = Kernel("prelu_forward")
prelu_backward = Kernel("prelu_backward")
relu_general_forward = Kernel("relu_general_forward")
relu_general_backward = Kernel("relu_general_backward")
rrelu_forward = Kernel("rrelu_forward")
rrelu_backward = Kernel("rrelu_backward")

#: Every dispatcher by name, in the reference's order.
_kernels: dict[str, Kernel] = {
    name: kernel for name, kernel in list(globals().items()) if isinstance(kernel, Kernel)}
KERNEL_NAMES: tuple[str, ...] = tuple(_kernels)


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
