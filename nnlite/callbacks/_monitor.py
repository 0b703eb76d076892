"""Shared helpers of the monitoring callbacks: mode resolution and warnings."""

from __future__ import annotations

import warnings

import numpy as np


def resolve_mode(owner: str, monitor: str, mode: str) -> str:
    """``"min"`` or ``"max"``: ``auto`` means max for accuracy/auc metrics, else min."""
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{owner} mode {mode!r} is unknown, fallback to auto mode.",
                      RuntimeWarning, stacklevel=3)
        mode = "auto"
    if mode != "auto":
        return mode
    name = monitor[4:] if monitor.startswith("val_") else monitor
    maximize = name.endswith(("acc", "accuracy", "auc")) or name.startswith("fmeasure")
    return "max" if maximize else "min"


def worst_value(mode: str) -> float:
    """The starting "best" value: +inf when minimizing, −inf when maximizing."""
    return np.inf if mode == "min" else -np.inf


def warn_missing(owner: str, monitor: str, logs: dict) -> None:
    """Warn that ``monitor`` is not among ``logs`` (Keras' message)."""
    warnings.warn(f"{owner} conditioned on metric `{monitor}` which is not available. "
                  f"Available metrics are: {','.join(sorted(logs))}", RuntimeWarning,
                  stacklevel=3)
