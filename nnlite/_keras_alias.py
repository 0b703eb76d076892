"""``nnlite.keras.X`` is ``nnlite.X``: tf.keras import lines work after one word changes.

``from tensorflow.keras.layers import Dense`` becomes
``from nnlite.keras.layers import Dense``.  ``nnlite.keras`` is the package
itself, and this import hook makes every ``nnlite.keras.<sub>`` name return
the *same* module object as ``nnlite.<sub>`` (never a second copy, so
``isinstance`` checks and global state such as layer names stay shared).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

PREFIX = "nnlite.keras."


class KerasAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolve ``nnlite.keras.a.b`` to the already existing module ``nnlite.a.b``."""

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(PREFIX):
            return None
        real_name = "nnlite." + fullname[len(PREFIX):]
        if importlib.util.find_spec(real_name) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return importlib.import_module("nnlite." + spec.name[len(PREFIX):])

    def exec_module(self, module) -> None:
        """Nothing to run: the real module was imported by ``create_module``."""


def install(package) -> None:
    """Register ``nnlite.keras`` (the package itself) and the finder, once."""
    sys.modules.setdefault("nnlite.keras", package)
    if not any(isinstance(f, KerasAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, KerasAliasFinder())  # before the path finder
