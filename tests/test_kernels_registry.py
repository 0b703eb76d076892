"""The kernel registry: backend status, fallback with a warning, per-kernel fallback."""

from __future__ import annotations

import warnings

import pytest

from nnlite import _kernels
from nnlite._kernels import reference as ref


def test_every_backend_reports_status():
    status = _kernels.available_backends()
    assert status["reference"] == "available"
    for st in status.values():
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


def _break(monkeypatch, name: str) -> None:
    """Make backend ``name`` fail to import, as a missing or broken install would."""
    monkeypatch.setitem(_kernels._MODULES, name, "nnlite._kernels.no_such_backend")
    monkeypatch.delitem(_kernels._loaded, name, raising=False)
    monkeypatch.delitem(_kernels._errors, name, raising=False)
    monkeypatch.setattr(_kernels, "_warned", set())


def test_failed_import_is_reported_with_its_reason(monkeypatch):
    _break(monkeypatch, "cython")
    assert "ModuleNotFoundError" in _kernels.available_backends()["cython"]
    with pytest.raises(RuntimeError, match="unavailable"):
        _kernels.get_kernel("adam_update", "cython")


def test_auto_warns_once_and_falls_back_to_the_next_backend(monkeypatch):
    if _kernels.available_backends()["cython"] != "available":
        pytest.skip("needs the cython backend as the fallback")
    _break(monkeypatch, "numba")
    previous = _kernels.get_backend()
    try:
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            assert _kernels.set_backend("auto") == "cython"
            assert _kernels.set_backend("auto") == "cython"
        messages = [str(w.message) for w in rec]
        assert len(messages) == 1 and "'numba' is unavailable" in messages[0], messages
        assert "ModuleNotFoundError" in messages[0]
        assert set(_kernels.kernel_table().values()) == {"cython"}
    finally:
        monkeypatch.undo()
        _kernels.set_backend(previous)
