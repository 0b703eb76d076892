"""``check_kernels``: run your kernels on the reference's test cases and explain differences.

Every kernel runs on the inputs of the agreement tests
(:mod:`nnlite.checking.kernel_cases`: each activation, with and without
bias, sequences, strided views …), in float64 then float32, and its return
values *and* its array arguments afterwards (the in-place kernels update
them) are compared with the NumPy reference's, with the tolerances of
:data:`nnlite.checking.compare.TOL`.  A kernel stops at its first failing
case, which the report describes: the case, the first entry out of
tolerance and a hint (:mod:`nnlite.checking.hints`).
"""

from __future__ import annotations

import copy
import difflib
import inspect
import os
from collections.abc import Callable, Sequence

import numpy as np

from .. import _kernels
from .._kernels.learner_backend import collect_kernels, describe
from .compare import TOL, Comparison, compare
from .hints import diagnose, exception_hint
from .kernel_cases import CASES
from .report import CheckResult, Report
from .variants import matching_variant

#: Input variants tried for each case: odd sizes first (a batch of 33 tells N apart),
#: one row, strided views.
DEFAULT_VARIANTS = ("odd", "batch1", "noncontig")


def _resolve(source: object) -> tuple[dict[str, Callable], str]:
    """The kernels to check and a label: a backend's name, or a learner's source."""
    if isinstance(source, str) and source in _kernels.BACKENDS:
        impls = _kernels._load(source)
        if impls is None:
            raise RuntimeError(f"check_kernels: backend {source!r} is unavailable: "
                               f"{_kernels._errors[source]}")
        return impls, f"backend {source!r}"
    if isinstance(source, str) and not source.endswith(".py") and not os.path.exists(source):
        close = difflib.get_close_matches(source, _kernels.BACKENDS, n=1)
        raise ValueError(f"check_kernels: {source!r} is neither a backend "
                         f"{list(_kernels.BACKENDS)} nor a .py file"
                         + (f"; did you mean {close[0]!r}?" if close else ""))
    impls, _ = collect_kernels("checked", source, (), _kernels._loaded["reference"],
                               caller="check_kernels")
    return impls, describe(source)


def _selected(impls: dict[str, Callable], kernels: Sequence[str] | None, label: str) -> list:
    if kernels is None:
        return [k for k in _kernels.KERNEL_NAMES if k in impls]
    if isinstance(kernels, str):
        kernels = [kernels]
    for name in kernels:
        if name not in _kernels.KERNEL_NAMES:
            close = difflib.get_close_matches(name, _kernels.KERNEL_NAMES, n=1)
            raise ValueError(f"check_kernels: {name!r} is not a kernel"
                             + (f"; did you mean {close[0]!r}?" if close else ""))
        if name not in impls:
            raise ValueError(f"check_kernels: {label} has no kernel {name!r}; it has "
                             f"{sorted(impls)}")
    return list(kernels)


def _rows(args: tuple) -> int | None:
    """N, the batch size: the first axis of the first array argument with two axes or more."""
    for a in args:
        if isinstance(a, np.ndarray) and a.ndim >= 2:
            return a.shape[0]
    return None


def _argument_names(reference: Callable, args: tuple, kwargs: dict) -> dict[str, object]:
    bound = inspect.signature(reference).bind(*args, **kwargs)
    return dict(bound.arguments)


class KernelRaised(Exception):
    """The checked kernel raised ``__cause__`` (not the checker)."""


def run_case(name: str, key: str, variant: str, dtype, impl: Callable,
             reference: Callable | None = None) -> tuple[list[Comparison], dict]:
    """Run ``impl`` and the reference on fresh copies of one case's inputs.

    Returns the comparisons (return values, then each argument afterwards)
    and the context the hints need.  An exception of ``impl`` is raised as
    :class:`KernelRaised` from it.
    """
    reference = reference or _kernels._loaded["reference"][name]
    args, kwargs = CASES[key](np.random.default_rng(7), dtype, variant)
    ref_args, ref_kwargs = copy.deepcopy((args, kwargs))
    got_args, got_kwargs = copy.deepcopy((args, kwargs))
    expected = reference(*ref_args, **ref_kwargs)
    try:
        got = impl(*got_args, **got_kwargs)
    except Exception as exc:
        raise KernelRaised(f"{name} raised {type(exc).__name__}: {exc}") from exc
    tol = TOL[dtype]
    comparisons = compare(expected, got, where="result", **tol)
    names = _argument_names(reference, ref_args, ref_kwargs)
    given = _argument_names(reference, got_args, got_kwargs)
    before = _argument_names(reference, args, kwargs)
    for arg in names:
        if isinstance(before[arg], (np.ndarray, list, tuple)):
            comparisons += compare(names[arg], given[arg], where=f"argument {arg}", **tol)
    context = {"params": before, "rows": _rows(args), "tol": tol}
    return comparisons, context


def _failure(name: str, key: str, variant: str, dtype, comp: Comparison, context: dict,
             max_error: float) -> CheckResult:
    tol = context["tol"]
    before, arg = None, "the output"
    if comp.where.startswith("argument "):  # an array updated in place: hints on the update
        arg = comp.where.split()[1].split("[")[0]
        original = context["params"].get(arg)
        if isinstance(original, np.ndarray) and not comp.problem.startswith("wrong shape"):
            before = original.astype(float)
    hint = matching_variant(name, context["params"], comp.where, comp.got, **tol)
    if isinstance(comp.expected, np.ndarray) and not hint:
        hint = diagnose(comp.expected, comp.got, params=context["params"], rows=context["rows"],
                        before=before, name=arg, **tol)
    if hint.startswith("wrong shape") or hint == comp.problem:
        hint = ""  # the detail says it already
    detail = (f"case {key} ({variant} inputs, {np.dtype(dtype).name}): {comp.where}"
              + (f": {comp.problem}" if comp.problem and comp.problem != "values differ" else ""))
    error = comp.max_error
    if error is not None and not np.isnan(error):
        error = max(max_error, error)
    return CheckResult(name, False, error, comp.tolerance, comp.index,
                       comp.expected_value, comp.got_value, hint, detail)


def check_one(name: str, impl: Callable, dtypes: Sequence, variants: Sequence[str]
              ) -> CheckResult:
    """Every case of kernel ``name``: passed, or the first failing case explained.

    A case where the kernel raises NotImplementedError (an activation or an
    option it does not support) is skipped and counted in ``detail``.
    """
    keys = [k for k in sorted(CASES) if k.split(":")[0] == name]
    worst = CheckResult(name, True)
    ran, skipped, first_message = 0, set(), ""
    for dtype in dtypes:
        for variant in variants:
            for key in keys:
                try:
                    comparisons, context = run_case(name, key, variant, dtype, impl)
                except KernelRaised as exc:  # the checked code raised: show it
                    if isinstance(exc.__cause__, NotImplementedError):
                        skipped.add(key)
                        first_message = first_message or str(exc.__cause__)
                        continue
                    return CheckResult(
                        name, False, None, 0.0, hint=exception_hint(exc.__cause__),
                        detail=f"case {key} ({variant} inputs, {np.dtype(dtype).name})")
                ran += 1
                for comp in comparisons:
                    if not comp.ok:
                        return _failure(name, key, variant, dtype, comp, context,
                                        worst.max_error)
                    if comp.max_error > worst.max_error:
                        worst.max_error, worst.tolerance = comp.max_error, comp.tolerance
    if skipped:
        names = sorted(key.partition(":")[2] or "plain" for key in skipped)
        worst.detail = (f"skipped {len(skipped)} of {len(keys)} cases (NotImplementedError): "
                        f"{', '.join(names)}")
    if not ran:
        worst.passed, worst.max_error = False, None
        worst.hint = "every case raised NotImplementedError: nothing was checked" + (
            f" ({first_message})" if first_message else "")
    return worst


def check_kernels(source: object = "active", kernels: Sequence[str] | None = None, *,
                  dtypes: Sequence = (np.float64, np.float32),
                  variants: Sequence[str] = DEFAULT_VARIANTS,
                  verbose: bool = True) -> Report:
    """Check kernels against the NumPy reference and print what differs.

    ``source``: a backend's name (``"numba"``, one you registered, or
    ``"active"``), or your kernels as ``register_backend`` accepts them (a
    module, an object, a dict ``{name: function}``, a ``.py`` path, or one
    function named like a kernel).
    ``kernels``: the names to check (default: every kernel the source has).
    Returns a :class:`~nnlite.checking.report.Report`, printed when ``verbose``.
    """
    if source == "active":
        source = _kernels.get_backend()
    impls, label = _resolve(source)
    names = _selected(impls, kernels, label)
    results = [check_one(name, impls[name], dtypes, variants) for name in names]
    kinds = ", ".join(np.dtype(d).name for d in dtypes)
    report = Report(f"check_kernels: {label} against the NumPy reference ({kinds}; "
                    f"{', '.join(variants)} inputs)", results)
    if verbose:
        print(report)
    return report


__all__ = ["check_kernels", "check_one", "run_case", "DEFAULT_VARIANTS"]
