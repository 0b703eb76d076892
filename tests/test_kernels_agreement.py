"""Every kernel × every fast CPU backend against the NumPy reference.

Each case builds fresh inputs, runs the reference and the backend on
independent copies, and compares the return values *and* every array
argument afterwards (the in-place kernels mutate them).

Tolerances: float64 rtol 1e-9; float32 rtol 1e-4 / atol 1e-5 (one float32
rounding of a differently ordered sum or of a float64 intermediate).
Shapes: batch 1, odd sizes, non-contiguous inputs and zero-size edges.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from test_kernels_cases import CASES, VARIANTS

from nnlite import _kernels
from nnlite._kernels import reference as ref

TOL = {np.float64: dict(rtol=1e-9, atol=1e-11), np.float32: dict(rtol=1e-4, atol=1e-5)}


def assert_same(a, b, tol, where="result"):
    """Recursive comparison of kernel outputs (tuples, arrays, scalars, None)."""
    if isinstance(a, (tuple, list)):
        assert isinstance(b, (tuple, list)) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, tol, f"{where}[{i}]")
    elif a is None:
        assert b is None, where
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray), f"{where}: {type(b)}"
        assert a.shape == b.shape, f"{where}: shape {b.shape} != {a.shape}"
        if a.dtype == bool:
            np.testing.assert_array_equal(b, a, err_msg=where)
        else:
            np.testing.assert_allclose(b, a, err_msg=where, **tol)
    elif isinstance(a, (str, bool, int)):
        assert a == b, where
    else:
        np.testing.assert_allclose(b, a, err_msg=where, **tol)


def run_case(key, variant, dtype, backend):
    name = key.split(":")[0]
    args, kwargs = CASES[key](np.random.default_rng(7), dtype, variant)
    ref_args, be_args = copy.deepcopy(args), copy.deepcopy(args)
    expected = getattr(ref, name)(*ref_args, **kwargs)
    got = _kernels.get_kernel(name, backend)(*be_args, **kwargs)
    tol = TOL[dtype]
    assert_same(expected, got, tol)
    assert_same(ref_args, be_args, tol, "argument after call")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("key", sorted(CASES))
def test_kernel_matches_reference(key, variant, dtype, backend, monkeypatch):
    if variant == "large" and backend == "numba":
        # numba's parallel twins start at 2**20 elements (thread wake-ups cost more below):
        # the "large" case runs them, the other variants the serial twins
        from nnlite._kernels.numba_cpu import _jit
        monkeypatch.setattr(_jit, "PARALLEL_MIN", 1024)
    run_case(key, variant, dtype, backend)


def test_every_kernel_has_a_case():
    assert {key.split(":")[0] for key in CASES} == set(ref.__all__)
