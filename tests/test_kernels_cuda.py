"""The CUDA kernels against the reference, under the CUDA simulator.

numba reads ``NUMBA_ENABLE_CUDASIM`` once at import, so the agreement tests
run in a *subprocess* with the simulator on (this process and every other
test keep the normal numba).  The simulator runs each GPU thread as a Python
thread, so only small cases run: batch-1 cases in float64 for every kernel
and odd-sized float32 cases for the GEMM, batch-norm and dropout kernels.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SELECT = "(batch1 and f64) or (odd and f32 and (dense_ or bn_ or dropout_mask))"


def _cuda_importable() -> bool:
    try:
        import numba.cuda  # noqa: F401
    except Exception:
        return False
    return True


@pytest.mark.skipif(not _cuda_importable(), reason="numba.cuda is not importable")
def test_cuda_kernels_match_reference_in_simulator():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", NNLITE_TEST_CUDASIM="1")
    cmd = [sys.executable, "-m", "pytest", str(HERE / "test_kernels_agreement.py"),
           "-o", "addopts=", "-q",
           "-p", "no:cacheprovider", "-W", "ignore::RuntimeWarning", "-k", SELECT]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600,
                          cwd=HERE.parent)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "skipped" not in proc.stdout.split("\n")[-2]


def test_auto_never_picks_cuda_under_simulator():
    code = ("from nnlite import _kernels as K; K.set_backend('auto'); "
            "print(K.get_backend())")
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    env.pop("NNLITE_BACKEND", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=120, cwd=HERE.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] != "cuda"
