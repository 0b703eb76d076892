"""Writing a benchmark's report: the one helper ``train_speed.py`` and ``load_speed.py`` share."""

from __future__ import annotations

import json
import os


def write_report(report: dict, path: str | None) -> None:
    """``report`` as indented JSON at ``path`` (its folder made if needed); nothing when None."""
    if not path:
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(report, f, indent=1, default=str)
