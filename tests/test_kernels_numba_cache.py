"""The numba backend's on-disk cache, its fallbacks, and thread-count independence.

Each test starts a fresh Python process (the cache and the thread pools are
per process): a second process reuses the compiled kernels; with
``NNLITE_NUMBA_CACHE=0`` or on a read-only install (no cache directory can
be written) the kernels compile in memory and still give the reference's
results; a damaged cache (empty index files, garbled or truncated files, a
folder that refuses writes) costs a recompile and one warning, never a
failed ``fit``; dropout masks do not depend on the number of threads.
The damage tests use a private ``NUMBA_CACHE_DIR`` filled once per module.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
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

#: Prints {"hits", "misses", "cache", "ok", "warnings"} for the dropout-mask kernel.
PROBE = r"""
import json, sys, warnings
PATCH
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    import numpy as np
    from nnlite._kernels import reference as R
    from nnlite._kernels.numba_cpu import dropout
    mask = dropout.dropout_mask((37, 11), 5, 6, 0.3)
kernel = dropout._mask.serial  # 407 elements: the serial twin
print(json.dumps({"hits": sum(kernel.stats.cache_hits.values()),
                  "misses": sum(kernel.stats.cache_misses.values()),
                  "cache": type(kernel._cache).__name__,
                  "warnings": [str(w.message) for w in caught
                               if type(w.message).__name__ == "NumbaCacheWarning"],
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
    assert second["ok"] and second["cache"] == "SafeFunctionCache"
    assert second["hits"] >= 1 and second["misses"] == 0, second


def test_cache_can_be_switched_off():
    result = _probe(NNLITE_NUMBA_CACHE="0")
    assert result["ok"] and result["cache"] == "NullCache", result


def test_read_only_install_compiles_without_cache():
    result = _probe(READ_ONLY, NNLITE_NUMBA_CACHE="1")
    assert result["ok"] and result["cache"] == "NullCache", result
    [warning] = result["warnings"]  # one for all kernels, naming the source's __pycache__
    assert str(ROOT / "nnlite" / "_kernels" / "numba_cpu" / "__pycache__") in warning, warning
    assert "NUMBA_CACHE_DIR" in warning


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


# --- a damaged or unwritable cache ---------------------------------------------------

#: A seeded two-epoch fit on the numba backend; prints {"weights", "warnings"}.
FIT = r"""
import hashlib, json, warnings
PATCH
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    import numpy as np
    import nnlite
    from nnlite import _kernels
    assert _kernels.set_backend("numba") == "numba", _kernels.available_backends()["numba"]
    nnlite.utils.set_random_seed(0)
    x = np.random.rand(64, 8).astype("float32")
    y = np.random.randint(0, 3, 64)
    model = nnlite.models.Sequential([nnlite.layers.Dense(5, activation="relu", input_shape=[8]),
                                      nnlite.layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)
weights = b"".join(np.ascontiguousarray(w).tobytes() for w in model.get_weights())
print(json.dumps({"weights": hashlib.sha256(weights).hexdigest(),
                  "warnings": [str(w.message) for w in caught
                               if type(w.message).__name__ == "NumbaCacheWarning"]}))
"""
#: Every write into the cache folder fails (a full disk, a folder made read-only).
REFUSE_WRITES = """
import numba.core.caching as caching
def _refuse(self, filepath):
    raise PermissionError(13, "Permission denied", filepath)
caching.IndexDataCacheFile._open_for_write = _refuse
"""
#: NUMBA_CACHE_DIR and the source's __pycache__ cannot be written (the user cache can).
READ_ONLY_CACHE_DIR = """
import os, numba.core.caching as caching
_ensure = caching._CacheLocator.ensure_cache_path
def _read_only(self):
    path = self.get_cache_path()
    if path.startswith(os.environ["NUMBA_CACHE_DIR"]) or path.endswith("__pycache__"):
        raise PermissionError(13, "Read-only file system", path)
    _ensure(self)
caching._CacheLocator.ensure_cache_path = _read_only
"""
#: The kernels whose entries the damage tests spoil: one loaded at import, one by fit.
DAMAGED_KERNELS = ("_jit.probe-", "optimizers._sgd_serial-")


def _fit(cache_dir: Path, patch: str = "", **env: str) -> dict:
    code = FIT.replace("PATCH", patch)
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir), NNLITE_NUMBA_CACHE="1", **env)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A private cache folder filled by one fit, and that fit's result."""
    folder = tmp_path_factory.mktemp("numba_cache")
    result = _fit(folder)  # compiles every kernel the fit needs (several seconds)
    assert result["warnings"] == [], result
    return folder, result


def _copy(warm_cache: tuple[Path, dict], tmp_path: Path) -> Path:
    """A copy of the warm cache to damage."""
    shutil.copytree(warm_cache[0], tmp_path / "cache")
    return tmp_path / "cache"


def _entry_files(cache: Path, suffix: str) -> list[Path]:
    files = [p for kernel in DAMAGED_KERNELS for p in cache.glob(f"*/{kernel}*{suffix}")]
    assert len(files) >= len(DAMAGED_KERNELS), sorted(p.name for p in cache.rglob("*"))
    return files


def _garble(path: Path, keep: int) -> None:
    """Overwrite all but the first ``keep`` bytes with pseudo-random bytes."""
    data = path.read_bytes()
    noise = np.random.default_rng(len(data)).integers(0, 256, len(data) - keep, np.uint8)
    path.write_bytes(data[:keep] + noise.tobytes())


def _empty_index(cache: Path) -> None:
    for path in _entry_files(cache, ".nbi"):
        path.write_bytes(b"")


def _garbled_index(cache: Path) -> None:
    for path in _entry_files(cache, ".nbi"):
        _garble(path, keep=len(pickle.dumps(_index_version(), protocol=-1)))


def _truncated_data(cache: Path) -> None:
    for path in _entry_files(cache, ".nbc"):
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _one_changed_byte(cache: Path) -> None:
    """One byte of machine code changed: still valid pickle, so numba alone would run it."""
    for path in _entry_files(cache, ".nbc"):
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))


def _index_version() -> str:
    """What a cache index records as its format: numba's version + ``"+sha256"``."""
    return __import__("numba").__version__ + "+sha256"


def _read_index(index: Path) -> tuple[object, dict]:
    """numba's index file: its version, then ``(source stamp, {key: data file})``."""
    with open(index, "rb") as f:
        assert pickle.load(f) == _index_version()
        return pickle.loads(f.read())


def _assert_entries_replaced(cache: Path, warm: Path) -> None:
    """Each damaged kernel has an entry again that numba will load, as in the warm cache."""
    for index in _entry_files(cache, ".nbi"):
        stamp, overloads = _read_index(index)
        warm_stamp, warm_overloads = _read_index(warm / index.relative_to(cache))
        assert stamp == warm_stamp and overloads.keys() == warm_overloads.keys(), index
        for data_name in overloads.values():
            data = (index.parent / data_name).read_bytes()
            assert hashlib.sha256(data[32:]).digest() == data[:32]
            pickle.loads(data[32:])


@pytest.mark.parametrize("damage, reason", [
    (_empty_index, "EOFError"), (_garbled_index, "Error"),
    (_truncated_data, "checksum mismatch"), (_one_changed_byte, "checksum mismatch"),
])
def test_damaged_entries_are_recompiled(warm_cache, tmp_path, damage, reason):
    cache = _copy(warm_cache, tmp_path)
    damage(cache)
    result = _fit(cache)
    assert result["weights"] == warm_cache[1]["weights"]  # the same training, bit for bit
    [warning] = result["warnings"]  # one warning for all damaged entries
    assert str(cache) in warning and "discarded the damaged entry" in warning, warning
    assert reason in warning, warning
    _assert_entries_replaced(cache, warm_cache[0])


def test_folder_that_refuses_writes_only_warns(warm_cache, tmp_path):
    cache = _copy(warm_cache, tmp_path)
    for path in cache.glob("*/optimizers._sgd_serial-*"):
        path.unlink()  # this kernel must compile, and its entry cannot be saved
    result = _fit(cache, REFUSE_WRITES)
    assert result["weights"] == warm_cache[1]["weights"]
    [warning] = result["warnings"]
    assert str(cache) in warning and "PermissionError" in warning, warning
    assert not list(cache.glob("*/optimizers._sgd_serial-*"))


def test_unwritable_numba_cache_dir_is_reported(warm_cache, tmp_path):
    user_cache = tmp_path / "xdg" / "numba"  # numba's user-wide cache, prefilled
    shutil.copytree(warm_cache[0], user_cache)
    result = _fit(warm_cache[0], READ_ONLY_CACHE_DIR, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    assert result["weights"] == warm_cache[1]["weights"]
    [warning] = result["warnings"]
    assert warning.startswith(f"nnlite: numba cache folder {warm_cache[0]}: NUMBA_CACHE_DIR "
                              f"cannot be written; numba caches in {user_cache}"), warning
