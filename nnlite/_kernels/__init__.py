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

Each backend package has one module per family of the reference
(``reference/<family>.py``: ``dense``, ``optimizers`` …) holding the kernels
of that family under the reference's names; the registry finds each kernel
in the module of its family (:data:`FAMILY`, read from the reference's
modules).  ``register_backend(name, source)`` adds a learner's own kernels
(a flat module, object, dict or ``.py`` file; see :mod:`.learner_backend`)
as one more backend, listed by ``nnlite.backends()``.

Every public kernel of every backend first checks the sizes, numbers of axes
and dtypes its loops rely on (``checks``, one function per kernel) and raises
``ValueError("<kernel>: ...")`` instead of reading or writing out of bounds.

A backend that cannot load warns once with the reason and the engine falls
back to ``reference`` (``"auto"``: to the next backend of ``AUTO_ORDER``,
warning about each faster one that failed); a backend that lacks one kernel
uses the reference version of that kernel (``kernel_table()`` shows which).
``_loaded`` maps each loaded backend to its kernels by name.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import pkgutil
import types
import warnings
from collections.abc import Callable, Iterator

from . import openmp_wait_policy  # noqa: F401  (before any OpenMP runtime loads)
from . import reference as _reference
from .kernel_table import KernelTable
from .learner_backend import collect_kernels

BACKENDS = ("reference", "numba", "cython", "cuda")
#: Preference order of ``"auto"``: the first backend that loads wins.
AUTO_ORDER = ("numba", "cython", "reference")
_MODULES = {
    "reference": "nnlite._kernels.reference",
    "numba": "nnlite._kernels.numba_cpu",
    "cython": "nnlite._kernels._cython",
    "cuda": "nnlite._kernels.cuda",
}

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


#: The backends that ship with nnlite (``register_backend`` adds learners' own).
BUILTIN_BACKENDS: tuple[str, ...] = BACKENDS


def _reference_families() -> dict[str, str]:
    """Kernel name -> the reference module (family) that defines it, e.g. ``"dense"``."""
    families = {}
    for info in pkgutil.iter_modules(_reference.__path__):
        module = importlib.import_module(f"{_reference.__name__}.{info.name}")
        for name, obj in vars(module).items():
            if name in _kernels and getattr(obj, "__module__", None) == module.__name__:
                families[name] = info.name
    return families


#: Kernel name -> family: each built-in backend has a module of that name holding it.
FAMILY: dict[str, str] = _reference_families()


def _import_backend(package: str) -> dict[str, Callable]:
    """The kernels of a built-in backend: ``<package>.<family>.<kernel>`` for each kernel."""
    importlib.import_module(package)  # raises ImportError with the reason when unusable
    impls = {}
    for family in sorted(set(FAMILY.values())):
        module = importlib.import_module(f"{package}.{family}")
        for name in KERNEL_NAMES:
            if FAMILY[name] == family and hasattr(module, name):
                impls[name] = getattr(module, name)
    return impls


_loaded: dict[str, dict[str, Callable]] = {"reference": _import_backend(_MODULES["reference"])}


def _load(name: str) -> dict[str, Callable] | None:
    """A backend's kernels by name; None (and remember why) when it cannot load."""
    if name in _loaded:
        return _loaded[name]
    if name not in _MODULES:
        raise ValueError(f"Unknown backend {name!r}; choose one of {BACKENDS + ('auto',)}")
    if name in _errors:
        return None
    try:
        impls = _import_backend(_MODULES[name])
    except Exception as exc:  # ImportError, numba errors, missing GPU, ...
        _errors[name] = f"{type(exc).__name__}: {exc}"
        return None
    _loaded[name] = impls
    return impls


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
    impls = _loaded[resolved]
    for kname, kernel in _kernels.items():
        impl = impls.get(kname)
        if impl is None:
            kernel.impl, kernel.backend = _loaded["reference"][kname], "reference"
        else:
            if resolved not in BUILTIN_BACKENDS:
                impl = _reference_when_not_implemented(resolved, kname, impl)
            kernel.impl, kernel.backend = impl, resolved
    _active = resolved
    return resolved


def _reference_when_not_implemented(backend: str, name: str, impl: Callable) -> Callable:
    """A registered kernel that hands the calls it raises NotImplementedError for (an
    activation it lacks, say) to the reference, with one warning per kernel."""
    reference = _loaded["reference"][name]

    @functools.wraps(impl)
    def kernel(*args, **kwargs):
        try:
            return impl(*args, **kwargs)
        except NotImplementedError as exc:
            key = f"{backend}.{name}"
            if key not in _warned:
                _warned.add(key)
                warnings.warn(f"{key} raised NotImplementedError ({exc}); the reference runs "
                              f"such calls instead", RuntimeWarning, stacklevel=3)
            return reference(*args, **kwargs)
    return kernel


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


def kernel_table() -> KernelTable:
    """Which backend implements each kernel right now (a dict that prints as a table)."""
    return KernelTable({name: k.backend for name, k in _kernels.items()}, FAMILY)


def get_kernel(name: str, backend: str | None = None) -> Callable:
    """The implementation of ``name`` in ``backend`` (default: active one)."""
    if backend is None:
        return _kernels[name].impl
    impls = _load(backend)
    if impls is None:
        raise RuntimeError(f"backend {backend!r} is unavailable: {_errors[backend]}")
    return impls.get(name) or _loaded["reference"][name]


def backend_kernels(backend: str) -> types.SimpleNamespace:
    """Every kernel as ``backend`` runs it (the reference's where it has none), by name:
    ``backend_kernels("numba").dense_forward``."""
    return types.SimpleNamespace(**{name: get_kernel(name, backend) for name in KERNEL_NAMES})


def _forget_warnings(backend: str) -> None:
    """A backend registered again warns again about its kernels' NotImplementedError."""
    _warned.difference_update({key for key in _warned if key.startswith(f"{backend}.")})


def register_backend(name: str, source: object) -> None:
    """Add your own kernels as backend ``name`` (see :mod:`nnlite._kernels.learner_backend`).

    ``source``: a module, an object with the kernels as attributes, a dict
    ``{kernel name: function}``, the path of a ``.py`` file, or one function
    named like a kernel.  Any subset of the kernels, with the reference's
    names and signatures; the others come from the reference, and so do the
    calls a kernel raises NotImplementedError for (with one warning).
    Registering ``name`` again replaces its kernels.  Then
    ``with nnlite.backend(name): model.fit(...)`` trains with them.
    """
    global BACKENDS
    impls, origin = collect_kernels(name, source, BUILTIN_BACKENDS + ("auto",),
                                   _loaded["reference"])
    _loaded[name], _MODULES[name] = impls, origin
    _forget_warnings(name)
    if name not in BACKENDS:
        BACKENDS = BACKENDS + (name,)
    if _active == name:
        set_backend(name)


def unregister_backend(name: str) -> None:
    """Forget a backend added with ``register_backend`` (the reference becomes active if
    it was)."""
    global BACKENDS
    if name in BUILTIN_BACKENDS or name not in BACKENDS:
        raise ValueError(f"unregister_backend: {name!r} is not a registered backend; "
                         f"registered: {[b for b in BACKENDS if b not in BUILTIN_BACKENDS]}")
    BACKENDS = tuple(b for b in BACKENDS if b != name)
    del _loaded[name], _MODULES[name]
    _forget_warnings(name)
    if _active == name:
        set_backend("reference")


set_backend(os.environ.get("NNLITE_BACKEND", "auto"))
