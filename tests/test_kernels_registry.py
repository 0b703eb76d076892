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
            impls = _kernels._load(name)
            missing = [k for k in ref.__all__ if k not in impls]
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


# ------------------------------------------------- one name, one place to look
def test_each_dispatcher_is_bound_by_name_in_the_registry():
    """``kernels.dense_backward`` is a module-level binding (go-to-definition lands on it)."""
    bound = {name: obj for name, obj in vars(_kernels).items() if isinstance(obj, _kernels.Kernel)}
    assert list(bound) == list(ref.__all__) == list(_kernels.KERNEL_NAMES)
    assert all(kernel.name == name for name, kernel in bound.items())


FAMILIES = ("activations", "dense", "batchnorm", "dropout", "losses", "optimizers", "clipping",
            "rectifiers")


@pytest.mark.parametrize("backend", ["reference", "numba", "cython", "cuda"])
def test_each_kernel_is_defined_in_the_module_of_its_family(backend):
    """Every backend's kernel lives in the module named like the reference's (no name maps)."""
    impls = _kernels._load(backend)
    if impls is None:
        pytest.skip(_kernels._errors[backend])
    for name in ref.__all__:
        family = getattr(ref, name).__module__.rsplit(".", 1)[1]
        assert family in FAMILIES and _kernels.FAMILY[name] == family
        assert impls[name].__module__ == f"{_kernels._MODULES[backend]}.{family}", name


def test_cython_activation_codes_and_constants_equal_the_python_table():
    """``_cython/_act.pxd`` keeps C copies of the codes and constants: they must not drift."""
    import re
    from pathlib import Path

    from nnlite._kernels import activation_codes
    from nnlite._kernels.reference import activations as ref_act

    pxd = (Path(activation_codes.__file__).parent / "_cython" / "_act.pxd").read_text()
    enum = dict(re.findall(r"^\s+([A-Z_]+) = (\d+)$", pxd, re.M))
    assert len(enum) == len(ref_act.ACTIVATIONS)
    assert {name: int(code) for name, code in enum.items()} == {
        name: getattr(activation_codes, name) for name in enum}
    defines = dict(re.findall(r"#define NNLITE_([A-Z_0-9]+) ([0-9.e+-]+)", pxd))
    assert set(defines) == {"SELU_ALPHA", "SELU_SCALE", "GELU_TANH_SCALE", "GELU_TANH_CUBIC",
                            "SQRT_HALF", "INV_SQRT_2PI"}
    for name, text in defines.items():
        assert float(text) == getattr(ref_act, name), name
