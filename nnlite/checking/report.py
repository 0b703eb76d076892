"""``Report``: what ``check_kernels``, ``check_layer`` and ``check_optimizer`` found.

One :class:`CheckResult` per checked item (a kernel, a gradient, a step);
``str(report)`` is a table, ``report.passed`` is True when every item
passed and ``report.raise_if_failed()`` turns a failure into an
AssertionError carrying the table (for tests and notebooks' last cells).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np


@dataclass
class CheckResult:
    """One checked item: did it pass, by how much, and where it first went wrong.

    ``max_error`` is the largest absolute difference from the expected values
    and ``tolerance`` the allowed difference at that entry; ``index``,
    ``expected`` and ``got`` describe the first entry out of tolerance;
    ``hint`` names the likely mistake when one can be told from the numbers;
    ``detail`` says which case or array differed (or the exception raised).
    """

    name: str
    passed: bool
    max_error: float = 0.0
    tolerance: float = 0.0
    index: tuple | None = None
    expected: object = None
    got: object = None
    hint: str = ""
    detail: str = ""

    def lines(self, brief: bool = False) -> list[str]:
        """The table row, then (for a failure) where it differed and the hint; ``brief``:
        the hint only (a later step failing like the one above it)."""
        status = "passed" if self.passed else "FAILED"
        error = "-" if self.max_error is None else f"{self.max_error:.2e}"
        tol = "-" if not self.tolerance else f"{self.tolerance:.1e}"
        rows = [f"{self.name:<28}{status:<8}{error:>11}{tol:>11}"]
        if self.passed and self.detail:
            rows.append(f"    {self.detail}")
        if not self.passed:
            if self.detail and not brief:
                rows.append(f"    {self.detail}")
            if self.index is not None and not brief:
                digits = 6 if _short(self.expected, 6) != _short(self.got, 6) else 12
                rows.append(f"    first difference at index {self.index}: expected "
                            f"{_short(self.expected, digits)}, got {_short(self.got, digits)}")
            if self.hint:
                rows.append(f"    hint: {self.hint}")
        return rows


def _short(value: object, digits: int) -> str:
    """A number with ``digits`` significant digits (enough to tell two apart)."""
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.{digits}g}"
    return repr(value)


class Report:
    """The results of a check; prints as a table."""

    def __init__(self, title: str, results: list[CheckResult]):
        self.title = title
        self.results = results

    @property
    def passed(self) -> bool:
        """True when every item passed (and there was at least one)."""
        return bool(self.results) and all(r.passed for r in self.results)

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]

    def __getitem__(self, name: str) -> CheckResult:
        """The result named ``name`` (a kernel, ``"gradient kernel"``, ``"step 1"`` …)."""
        for result in self.results:
            if result.name == name:
                return result
        raise KeyError(f"no result named {name!r}; have {[r.name for r in self.results]}")

    def __iter__(self) -> Iterator[CheckResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __str__(self) -> str:
        head = f"{'check':<28}{'result':<8}{'max error':>11}{'tolerance':>11}"
        lines = [self.title, head, "-" * len(head)]
        previous = None
        for result in self.results:
            group = result.name.rsplit(" step ", 1)[0]
            brief = previous is not None and not previous.passed and not result.passed \
                and previous.name.rsplit(" step ", 1)[0] == group
            lines += result.lines(brief)
            previous = result
        n_failed = len(self.failed)
        lines.append(f"{len(self.results) - n_failed} passed, {n_failed} failed")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython / Jupyter
        printer.text(str(self))

    def raise_if_failed(self) -> None:
        """Raise an AssertionError with the table when any item failed."""
        if not self.passed:
            raise AssertionError(f"\n{self}")
