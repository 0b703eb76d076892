"""Argument checks shared by every backend: one function per public kernel.

``checks.<kernel>(*args)`` takes the kernel's own arguments and raises
``ValueError("<kernel>: <argument> must ..., got ...")`` when a size, a
number of axes or a dtype that the kernel relies on is wrong.  The NumPy
reference calls it first thing, and so does every compiled backend's public
kernel before it enters an unchecked loop: a mismatch gives the
same error everywhere instead of a NumPy broadcast error, a silently wrong
number or an out-of-bounds read.  Each check compares shapes and dtypes only
(the label checks of the sparse losses also take the labels' min and max).

One module per kernel family; this package exposes every public function
defined in them (``checks.dense_forward`` …), found by walking the modules.
"""

import importlib
import pkgutil


def _public_checks() -> dict:
    """Each family module's public functions (not those it imports), by name."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if info.name != "common":
            found.update({name: fn for name, fn in vars(module).items()
                          if not name.startswith("_") and callable(fn)
                          and getattr(fn, "__module__", None) == module.__name__})
    return found


_CHECKS = _public_checks()
globals().update(_CHECKS)
__all__ = sorted(_CHECKS)
