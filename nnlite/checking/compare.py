"""Compare a kernel's outputs with the reference's: tolerances, largest error, first difference.

Outputs are nested tuples/lists of arrays, scalars, strings and None; each
leaf is compared with :data:`TOL` of the case's dtype (as NumPy's
``assert_allclose``: ``|got − expected| ≤ atol + rtol·|expected|``, NaN
equal to NaN), boolean arrays exactly.  Where the reference returns None
(an in-place kernel) the value returned is not compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

#: float64: a different summation order; float32: one rounding of a differently
#: ordered sum or of a float64 intermediate.
TOL = {np.float64: dict(rtol=1e-9, atol=1e-11), np.float32: dict(rtol=1e-4, atol=1e-5)}


@dataclass
class Comparison:
    """How one output (``where``) compared: ``ok``, the largest error and, when not ok,
    the first entry out of tolerance and the two arrays (for the hints)."""

    where: str
    ok: bool
    max_error: float | None = 0.0
    tolerance: float = 0.0
    index: tuple | None = None
    expected_value: object = None
    got_value: object = None
    expected: object = None
    got: object = None
    problem: str = ""

    @property
    def message(self) -> str:
        text = f"{self.where}: {self.problem}" if self.problem else self.where
        if self.index is not None:
            text += (f"; first difference at index {self.index}: expected "
                     f"{self.expected_value!r}, got {self.got_value!r}")
        return text


def _leaves(expected, got, where: str) -> Iterator[tuple[str, object, object, str]]:
    """(where, expected, got, structural problem or "") for each leaf of the outputs."""
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            yield (where, expected, got, f"expected a {type(expected).__name__} of "
                   f"{len(expected)} values, got {_describe(got)}")
            return
        for i, (e, g) in enumerate(zip(expected, got)):
            yield from _leaves(e, g, f"{where}[{i}]")
    else:
        yield where, expected, got, ""


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    return f"{type(value).__name__} {value!r}"


def _compare_leaf(where: str, expected, got, rtol: float, atol: float) -> Comparison:
    if expected is None:
        return Comparison(where, True)
    if isinstance(expected, (str, bool, int, np.bool_)) and not isinstance(expected, np.ndarray):
        try:
            equal = bool(got == expected)
        except (TypeError, ValueError):  # an array where a single value belongs
            equal = False
        return Comparison(where, equal, expected=expected, got=got,
                          problem="" if equal else f"expected {expected!r}, got {got!r}")
    if isinstance(expected, np.ndarray) and not isinstance(got, (np.ndarray, np.generic,
                                                                   float, int)):
        return Comparison(where, False, None, expected=expected, got=got,
                          problem=f"expected an array of shape {expected.shape}, got "
                                  f"{_describe(got)}")
    e = np.asarray(expected)
    g = np.asarray(got)
    if g.shape != e.shape:
        return Comparison(where, False, None, expected=e, got=g,
                          problem=f"wrong shape: expected {e.shape}, got {g.shape}")
    if e.dtype == bool:
        rtol = atol = 0.0
    e64, g64 = e.astype(np.float64), g.astype(np.float64)
    same = (e64 == g64) | (np.isnan(e64) & np.isnan(g64))  # inf == inf, NaN == NaN
    with np.errstate(invalid="ignore"):
        diff = np.where(same, 0.0, np.abs(g64 - e64))
        allowed = np.where(same, atol, atol + rtol * np.abs(e64))
    bad = ~(diff <= allowed) | (~same & ~(np.isfinite(e64) & np.isfinite(g64)))
    if e.size == 0:
        return Comparison(where, True)
    worst = np.unravel_index(int(np.argmax(np.where(np.isnan(diff), np.inf, diff))), e.shape)
    max_error = float("nan") if np.isnan(diff).any() else float(diff.max())
    result = Comparison(where, not bad.any(), max_error, float(allowed[worst]),
                        expected=e, got=g)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        result.index = first
        result.expected_value, result.got_value = e[first].item(), g[first].item()
        result.problem = "values differ"
    return result


def compare(expected, got, rtol: float, atol: float, where: str = "output") -> list[Comparison]:
    """One :class:`Comparison` per leaf of ``expected`` (a structural mismatch: one failed)."""
    results = []
    for leaf_where, e, g, problem in _leaves(expected, got, where):
        if problem:
            results.append(Comparison(leaf_where, False, None, expected=e, got=g,
                                      problem=problem))
        else:
            results.append(_compare_leaf(leaf_where, e, g, rtol, atol))
    return results
