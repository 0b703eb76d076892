"""The numba backend's on-disk cache, its fallbacks, and thread-count independence.

Each test starts a fresh Python process (the cache and the thread pools are
per process): a second process reuses the compiled kernels; with
``NNLITE_NUMBA_CACHE=0`` or on a read-only install (no cache directory can
be written) the kernels compile in memory and still give the reference's
results; dropout masks do not depend on the number of threads.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnlite import _kernels
from nnlite._kernels import reference as ref

ROOT = Path(__file__).parent.parent
pytestmark = pytest.mark.skipif(_kernels.available_backends()["numba"] != "available",
                                reason="numba backend unavailable")

#: Prints {"hits", "misses", "cache", "ok"} for the dropout-mask kernel in a fresh process.
PROBE = r"""
import json, sys
PATCH
import numpy as np
from nnlite._kernels import numba_cpu as K, reference as R
mask = K.dropout_mask((37, 11), 5, 6, 0.3)
kernel = K.dropout._mask.serial  # 407 elements: the serial twin
print(json.dumps({"hits": sum(kernel.stats.cache_hits.values()),
                  "misses": sum(kernel.stats.cache_misses.values()),
                  "cache": type(kernel._cache).__name__,
                  "ok": bool(np.array_equal(mask, R.dropout_mask((37, 11), 5, 6, 0.3)))}))
"""
#: Simulates a read-only install: no cache locator can create or write its directory.
READ_ONLY = """
import numba.core.caching as caching
def _read_only(self):
    raise PermissionError(13, "Read-only file system", self.get_cache_path())
caching._CacheLocator.ensure_cache_path = _read_only
"""


def _probe(patch: str = "", **env: str) -> dict:
    code = PROBE.replace("PATCH", patch)
    proc = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, **env),
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_second_process_reuses_the_cache():
    if os.environ.get("NNLITE_NUMBA_CACHE") == "0":
        pytest.skip("caching disabled in this environment")
    _probe()  # the first process compiles and writes the cache (if it was not there)
    second = _probe()
    assert second["ok"] and second["cache"] == "FunctionCache"
    assert second["hits"] >= 1 and second["misses"] == 0, second


def test_cache_can_be_switched_off():
    result = _probe(NNLITE_NUMBA_CACHE="0")
    assert result["ok"] and result["cache"] == "NullCache", result


def test_read_only_install_compiles_without_cache():
    result = _probe(READ_ONLY, NNLITE_NUMBA_CACHE="1")
    assert result["ok"] and result["cache"] == "NullCache", result


MASKS = r"""
import hashlib, sys
from nnlite import _kernels
out = []
for name in sys.argv[1:]:
    mask = _kernels.get_kernel("dropout_mask", name)((1000, 333), 9, 9, 0.25)
    x = __import__("numpy").ones((1000, 333), "float32")
    _, fwd_mask = _kernels.get_kernel("dropout_forward", name)(x, 9, 9, 0.25)
    out.append(hashlib.sha256(mask.tobytes() + fwd_mask.tobytes()).hexdigest())
print(" ".join(out))
"""


def test_masks_identical_with_one_thread_and_many():
    names = [b for b in ("numba", "cython") if _kernels.available_backends()[b] == "available"]
    x = np.ones((1000, 333), np.float32)
    expected = ref.dropout_mask((1000, 333), 9, 9, 0.25)
    digest = hashlib.sha256(expected.tobytes() + expected.tobytes()).hexdigest()
    env = dict(os.environ, NUMBA_NUM_THREADS="1", OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-c", MASKS, *names], env=env, capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == [digest] * len(names)  # one thread
    for name in names:  # this process: all cores
        _, mask = _kernels.get_kernel("dropout_forward", name)(x, 9, 9, 0.25)
        np.testing.assert_array_equal(mask, expected)
