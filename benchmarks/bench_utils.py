"""Helpers that ``train_speed.py`` and ``load_speed.py`` share: timing calls, writing the report.

Plain Python and the standard library only: the scripts' framework workers
import it without importing nnlite (nor any other framework).
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    """The median wall time of ``repeats`` calls of ``fn`` (warm it up first if it needs it)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def write_report(report: dict, path: str | None) -> None:
    """``report`` as indented JSON at ``path`` (its folder made if needed); nothing when None."""
    if not path:
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(report, f, indent=1, default=str)
