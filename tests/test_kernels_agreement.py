"""Every kernel × every fast CPU backend against the NumPy reference.

Each case builds fresh inputs, runs the reference and the backend on
independent copies, and compares the return values *and* every array
argument afterwards (the in-place kernels mutate them).

Tolerances: ``nnlite.checking.compare.TOL`` (float64 rtol 1e-9; float32 rtol
1e-4 / atol 1e-5); the runs and comparisons are ``nnlite.checking.kernels.run_case``,
which ``nnlite.check_kernels`` uses too.
Shapes: batch 1, odd sizes, non-contiguous inputs and zero-size edges.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlite import _kernels
from nnlite._kernels import reference as ref
from nnlite.checking.kernel_cases import CASES, VARIANTS
from nnlite.checking.kernels import run_case as compare_with_reference


def run_case(key: str, variant: str, dtype, backend: str) -> None:
    """Assert that ``backend`` agrees with the reference on one case."""
    name = key.split(":")[0]
    comparisons, _ = compare_with_reference(name, key, variant, dtype,
                                            _kernels.get_kernel(name, backend))
    assert comparisons and all(c.ok for c in comparisons), \
        [c.message for c in comparisons if not c.ok]


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
