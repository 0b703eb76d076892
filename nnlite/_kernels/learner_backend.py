"""Your own kernels as a backend: what ``nnlite.register_backend(name, source)`` accepts.

``source`` is a module, an object with the kernels as attributes, a dict
``{kernel name: function}``, the path of a ``.py`` file, or one function
named like a kernel.  Each kernel
keeps the reference's name (``dense_backward``, ``adam_update``, …) and
signature: the same parameters, in the same order and of the same kinds
(positional, keyword-only); the default values may differ, but a parameter
with a default in the reference needs one too, because the layers leave it
out.  A module may hold helpers besides its kernels: its public functions
whose names are close to a kernel's (``dense_backwards``) are refused as
likely typos, the others ignored; a dict or a module's ``__all__`` may name
kernels only.  Everything is checked before the backend is added.
"""

from __future__ import annotations

import difflib
import importlib.util
import inspect
import os
import sys
import types
from collections.abc import Callable

#: How similar (difflib ratio) a helper's name must be to a kernel's to count as a typo.
TYPO_CUTOFF = 0.8


def signature_text(name: str, fn: Callable) -> str:
    """``name(param, ..., *, keyword=default)`` without type hints, as a learner writes it."""
    sig = inspect.signature(fn)
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    return name + str(sig.replace(parameters=params,
                                  return_annotation=inspect.Signature.empty))


def _signature(fn: Callable) -> inspect.Signature | None:
    for candidate in (fn, getattr(fn, "py_func", None)):  # numba dispatchers: their Python
        if candidate is None:
            continue
        try:
            return inspect.signature(candidate)
        except (TypeError, ValueError):
            continue
    return None


def signature_mismatch(fn: Callable, reference: Callable) -> str | None:
    """Why ``fn`` cannot stand in for ``reference`` (None when it can, or when its
    signature cannot be read, as for some compiled functions)."""
    sig, ref = _signature(fn), inspect.signature(reference)
    if sig is None:
        return None
    got = [(p.name, p.kind) for p in sig.parameters.values()]
    want = [(p.name, p.kind) for p in ref.parameters.values()]
    if got != want:
        missing = [n for n, _ in want if n not in dict(got)]
        extra = [n for n, _ in got if n not in dict(want)]
        parts = [f"missing {', '.join(missing)}" if missing else "",
                 f"unexpected {', '.join(extra)}" if extra else ""]
        detail = "; ".join(p for p in parts if p) or "parameters in another order or of " \
                                                   "another kind (positional / keyword-only)"
        return detail
    needs_default = [p.name for p, r in zip(sig.parameters.values(), ref.parameters.values())
                     if p.default is inspect.Parameter.empty
                     and r.default is not inspect.Parameter.empty]
    if needs_default:
        return f"give {', '.join(needs_default)} a default value as the reference does"
    return None


def load_file(name: str, path: str | os.PathLike, caller: str) -> types.ModuleType:
    """Import the ``.py`` file at ``path`` as module ``nnlite_backend_<name>``."""
    path = os.fspath(path)
    if not path.endswith(".py") or not os.path.isfile(path):
        raise ValueError(f"{caller}: source {path!r} is not a .py file "
                         f"(pass a module, an object, a dict of functions or a .py path)")
    module_name = f"nnlite_backend_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # numba's cache and pickle find functions by module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def _candidates(source: object) -> tuple[dict[str, object], bool]:
    """The source's named functions and whether every name must be a kernel's."""
    if inspect.isfunction(source) or hasattr(source, "py_func"):  # one kernel (or numba's)
        return {source.__name__: source}, True
    if isinstance(source, dict):
        bad = [k for k in source if not isinstance(k, str)]
        if bad:
            raise TypeError(f"the keys of a dict of kernels must be kernel names (str), "
                            f"got {bad[:3]}")
        return dict(source), True
    if isinstance(source, types.ModuleType):
        if hasattr(source, "__all__"):
            return {n: getattr(source, n) for n in source.__all__}, True
        return {n: v for n, v in vars(source).items() if not n.startswith("_") and callable(v)
                and getattr(v, "__module__", None) == source.__name__}, False
    return {n: getattr(source, n) for n in dir(source)
            if not n.startswith("_") and callable(getattr(source, n))}, False


def _unknown_names(names: list[str], kernels: list[str], strict: bool) -> list[str]:
    """``'name' (did you mean 'kernel'?)`` for each name that is not a kernel's."""
    problems = []
    for n in names:
        close = difflib.get_close_matches(n, kernels, n=1, cutoff=0.6 if strict else TYPO_CUTOFF)
        if close:
            problems.append(f"{n!r} (did you mean {close[0]!r}?)")
        elif strict:
            problems.append(f"{n!r}")
    return problems


def describe(source: object) -> str:
    """Where a backend's kernels came from, for ``nnlite.backends()`` and the bench."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    if isinstance(source, types.ModuleType):
        return getattr(source, "__file__", None) or source.__name__
    if isinstance(source, dict):
        return f"your dict of {len(source)} kernel(s)"
    if inspect.isfunction(source) or hasattr(source, "py_func"):
        return f"your {source.__name__}"
    return f"your {type(source).__name__}"


def collect_kernels(name: str, source: object, reserved: tuple[str, ...],
                    reference: dict[str, Callable], caller: str = ""
                    ) -> tuple[dict[str, Callable], str]:
    """Check ``source`` and return its kernels by name, and where they came from.

    Raises ValueError for a bad backend name or names that are not kernels,
    TypeError for a kernel whose signature is not the reference's; the
    messages start with ``caller`` (default ``register_backend('<name>')``).
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"register_backend: the name must be a word such as 'mine', "
                         f"got {name!r}")
    if name in reserved:
        raise ValueError(f"register_backend: {name!r} is a built-in backend and cannot be "
                         f"replaced; choose another name, such as 'mine'")
    caller = caller or f"register_backend({name!r})"
    origin = describe(source)
    if isinstance(source, (str, os.PathLike)):
        source = load_file(name, source, caller)
    found, strict = _candidates(source)
    kernels = list(reference)
    unknown = _unknown_names([n for n in found if n not in reference], kernels, strict)
    if unknown:
        raise ValueError(f"{caller}: not kernel names: {', '.join(unknown)}."
                         f" The kernels are: {', '.join(kernels)}")
    impls = {n: fn for n, fn in found.items() if n in reference}
    if not impls:
        raise ValueError(f"{caller}: no kernel found in {origin}; define "
                         f"functions named like the reference's, e.g. dense_backward")
    problems = []
    for n, fn in impls.items():
        if not callable(fn):
            problems.append(f"{n} is a {type(fn).__name__}, not a function")
        elif (why := signature_mismatch(fn, reference[n])) is not None:
            problems.append(f"{n}: {why}; expected {signature_text(n, reference[n])}")
    if problems:
        raise TypeError(f"{caller}: " + "\n  ".join(["", *problems]).lstrip())
    return impls, origin
