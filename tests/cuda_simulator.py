"""Running CUDA tests under numba's CUDA simulator, in a subprocess.

numba reads ``NUMBA_ENABLE_CUDASIM`` once at import, so the simulator cannot
be switched on inside the test session without hiding a real GPU from every
other test.  A test module instead runs one test in the main process that
starts ``pytest`` in a subprocess with ``NUMBA_ENABLE_CUDASIM=1`` and
``NNLITE_TEST_CUDASIM=1``; there, ``CUDASIM`` is True and the module's
``sim_only`` tests run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CUDASIM = os.environ.get("NNLITE_TEST_CUDASIM") == "1"
#: Tests that run only in the simulator subprocess.
sim_only = pytest.mark.skipif(not CUDASIM, reason="runs in the simulator subprocess")


def cuda_importable() -> bool:
    """Can ``numba.cuda`` be imported here (it needs no GPU, only numba)?"""
    try:
        import numba.cuda  # noqa: F401
    except Exception:
        return False
    return True


#: The one test of a module that starts the simulator subprocess.
starts_simulator = pytest.mark.skipif(
    CUDASIM or not cuda_importable(),
    reason="numba.cuda is not importable (or already in the simulator)")


def run_in_simulator(args: list[str], env: dict[str, str | None] | None = None) -> int:
    """Run ``pytest args`` in a simulator subprocess; return how many tests passed.

    ``env`` adds variables to the subprocess's environment (None: removes one).
    Fails the calling test unless every selected test passed and none was skipped.
    """
    full_env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", NNLITE_TEST_CUDASIM="1")
    for name, value in (env or {}).items():
        if value is None:
            full_env.pop(name, None)
        else:
            full_env[name] = value
    cmd = [sys.executable, "-m", "pytest", *args, "-o", "addopts=", "-q",
           "-p", "no:cacheprovider"]
    proc = subprocess.run(cmd, env=full_env, capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).parent.parent)
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in summary and "skipped" not in summary, summary
    return int(summary.split()[0])
