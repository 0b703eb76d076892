"""Adapt Keras Tuner the moment it is imported, so the book's code needs no extra line.

``import nnlite`` registers :class:`KerasTunerFinder` (it imports nothing
else).  When a program later runs ``import keras_tuner``, the finder lets
the real package be found as usual and wraps its loader so that

1. a Keras 3 backend is chosen first if none was (see :mod:`.keras_backend`);
2. Keras Tuner runs its own ``__init__`` unchanged;
3. :func:`.adapter.adapt_keras_tuner` then lets its tuners accept nnlite models.

If Keras Tuner was imported before nnlite, :func:`install` adapts it at once.
"""

from __future__ import annotations

import importlib.abc
import sys

from .keras_backend import INSTALL_HINT, choose_keras_backend, missing_backend_message

PACKAGE = "keras_tuner"
_BACKEND_PACKAGES = {"tensorflow", "jax", "jaxlib", "torch"}


class _AdaptingLoader(importlib.abc.Loader):
    """Runs the real loader of ``keras_tuner``, with a backend chosen before and nnlite after."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        choose_keras_backend()
        try:
            self.loader.exec_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.split(".")[0] in _BACKEND_PACKAGES:
                raise ImportError(missing_backend_message()) from exc
            raise
        from .adapter import adapt_keras_tuner
        adapt_keras_tuner()


def _find_with_others(finder, fullname, path, target):
    """The spec the finders after ``finder`` (the path finder, editable installs…) give."""
    for other in list(sys.meta_path):
        if other is not finder and hasattr(other, "find_spec"):
            spec = other.find_spec(fullname, path, target)
            if spec is not None:
                return spec
    return None


class KerasTunerFinder(importlib.abc.MetaPathFinder):
    """Finds ``keras_tuner`` with the other finders and wraps its loader."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != PACKAGE:
            return None
        spec = _find_with_others(self, fullname, path, target)
        if spec is None:
            raise ModuleNotFoundError(f"No module named {PACKAGE!r}. To tune nnlite models "
                                      f"with Keras Tuner: {INSTALL_HINT}", name=fullname)
        spec.loader = _AdaptingLoader(spec.loader)
        return spec


def install() -> None:
    """Register the finder once; adapt Keras Tuner now if it is already imported."""
    if PACKAGE in sys.modules:
        from .adapter import adapt_keras_tuner
        adapt_keras_tuner()
    elif not any(isinstance(f, KerasTunerFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, KerasTunerFinder())
