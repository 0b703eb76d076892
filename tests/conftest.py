"""Shared pytest fixtures for the kernel tests.

The CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``) is *not* switched on here:
numba reads it once at import, so it would change every other test.  The
CUDA kernels are tested in a subprocess instead (tests/test_kernels_cuda.py).

When ``NNLITE_TEST_CUDASIM=1`` (set by that subprocess together with
``NUMBA_ENABLE_CUDASIM=1``) the ``backend`` fixture yields ``cuda`` only.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from nnlite import _kernels

#: CPU backends checked against the reference in this process.
CPU_BACKENDS = ("numba", "cython")
CUDASIM = os.environ.get("NNLITE_TEST_CUDASIM") == "1"


def _backend_params():
    status = _kernels.available_backends()
    params = []
    for name in ("cuda",) if CUDASIM else CPU_BACKENDS:
        marks = () if status[name] == "available" else pytest.mark.skip(reason=status[name])
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.fixture(params=_backend_params())
def backend(request) -> str:
    """Each fast CPU backend that loads (skipped with the reason otherwise)."""
    return request.param


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def fixed_thread_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests compare seeded fits bit for bit, so ``fit`` keeps its thread count here.

    With the adaptive policy on, ``fit`` may switch between 1 and N threads
    depending on the machine's load, and the matrix products round differently
    for each count.  The policy's own tests (tests/test_thread_policy.py,
    tests/test_fit_threads.py) switch it back on.
    """
    monkeypatch.setenv("NNLITE_ADAPTIVE_THREADS", "0")


@pytest.fixture
def fresh_seeded_session() -> None:
    """A cleared session (automatic layer names start over) and ``set_random_seed(0)``.

    Test modules that build small models switch it on for every test with
    ``pytestmark = pytest.mark.usefixtures("fresh_seeded_session")``.
    """
    import nnlite as keras
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
