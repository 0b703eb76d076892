"""The kernel registry: backend status, fallback with a warning, per-kernel fallback."""

from __future__ import annotations

import warnings

import pytest

from nnlite import _kernels
from nnlite._kernels import reference as ref


def test_every_backend_reports_status():
    status = _kernels.available_backends()
    assert status["reference"] == "available"
    for name, st in status.items():
        assert st == "available" or st  # a non-empty reason


def test_every_available_backend_exports_every_kernel():
    for name, st in _kernels.available_backends().items():
        if st == "available":
            module = _kernels._load(name)
            missing = [k for k in ref.__all__ if not hasattr(module, k)]
            assert not missing, (name, missing)


def test_unavailable_backend_warns_once_and_falls_back(monkeypatch):
    monkeypatch.setitem(_kernels._errors, "cuda", "ImportError: test")
    monkeypatch.delitem(_kernels._loaded, "cuda", raising=False)
    monkeypatch.setattr(_kernels, "_warned", set())
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        with _kernels.use_backend("cuda") as used:
            assert used == "reference"
        with _kernels.use_backend("cuda"):
            pass
    assert sum("unavailable" in str(w.message) for w in rec) == 1


def test_auto_picks_a_cpu_backend():
    with _kernels.use_backend("auto") as used:
        assert used in _kernels.AUTO_ORDER and used != "cuda"


def test_unknown_backend_raises():
    with pytest.raises(ValueError):
        _kernels.set_backend("fortran")
