"""numba's on-disk kernel cache, made safe against damaged or unwritable folders.

numba keeps each compiled kernel as files in a cache folder: an index
``<module>.<function>-<line>.py311.nbi`` (numba's version, a hash of the
source file and a pickled table *signature → data file*) and one data file
``<...>.py311.<n>.nbc`` per signature (the pickled machine code).  numba
trusts them: an empty index (what a crash or a full disk leaves) raises
``EOFError``, a garbled one ``UnpicklingError``, a truncated data file the
same, and a folder that cannot be written raises ``PermissionError`` —
each from inside ``fit``.

:class:`SafeFunctionCache` is numba's ``FunctionCache`` with three changes:

* an entry that cannot be read, or whose data fails its SHA-256 (written
  beside the machine code), is a cache miss: the bad file is deleted, the
  kernel compiles (a few seconds) and its entry is written again;
* an entry that cannot be written leaves the kernel uncached (compiled
  again at the next start), and training goes on;
* when ``NUMBA_CACHE_DIR`` is set but cannot be written, numba quietly
  caches somewhere else: we say where.

Each kind of problem gives one :class:`NumbaCacheWarning` per cache folder,
naming the folder and what was wrong; caching stays on.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import pickle
import threading
import warnings
from collections.abc import Callable

from numba.core import config
from numba.core.caching import FunctionCache, IndexDataCacheFile, UserProvidedCacheLocator


class NumbaCacheWarning(RuntimeWarning):
    """A numba cache folder had a damaged entry or could not be written."""


_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()


def warn_once(folder: str, problem: str, detail: str) -> None:
    """Warn about ``problem`` in ``folder`` unless this process already did."""
    with _warned_lock:
        if (folder, problem) in _warned:
            return
        _warned.add((folder, problem))
    warnings.warn(f"nnlite: numba cache folder {folder}: {detail}", NumbaCacheWarning,
                  stacklevel=3)


def describe(exc: BaseException) -> str:
    """``"EOFError: Ran out of input"``: the exception's type and message."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class DamagedEntryError(ValueError):
    """A cache data file does not match the checksum written with it."""


class SafeIndexDataCacheFile(IndexDataCacheFile):
    """numba's index and data files, where a file that cannot be read is a miss.

    Each data file starts with the SHA-256 of the rest, so that a changed byte
    in the machine code is found before it runs (numba alone would load it).
    The index records numba's version as ``"<version>+sha256"``: entries in
    numba's own format are stale to us and to numba, never misread.
    """

    def __init__(self, cache_path: str, filename_base: str, source_stamp: object) -> None:
        super().__init__(cache_path, filename_base, source_stamp)
        self._version = f"{self._version}+sha256"

    def _load_index(self) -> dict:
        try:
            return super()._load_index()
        except Exception as exc:  # empty, truncated, garbled or unreadable index
            self.discard(self._index_path, exc)
            return {}

    def _load_data(self, name: str) -> object | None:
        path = self._data_path(name)
        with open(path, "rb") as f:  # OSError (no file): numba's load() treats it as a miss
            digest, payload = f.read(32), f.read()
        try:
            if hashlib.sha256(payload).digest() != digest:
                raise DamagedEntryError("checksum mismatch: the file is truncated or garbled")
            return pickle.loads(payload)
        except Exception as exc:
            self.discard(path, exc)
            return None

    def _save_data(self, name: str, data: object) -> None:
        payload = self._dump(data)
        with self._open_for_write(self._data_path(name)) as f:
            f.write(hashlib.sha256(payload).digest() + payload)

    def discard(self, path: str, exc: BaseException) -> None:
        """Delete the damaged file ``path`` and warn (once per folder)."""
        try:
            os.unlink(path)
        except OSError:
            pass  # already gone, or not ours to delete: the next save replaces it
        warn_once(self._cache_path, "damaged",
                  f"discarded the damaged entry {os.path.basename(path)} ({describe(exc)}) "
                  "and compiled the kernel again; further damaged entries there are "
                  "replaced without another warning")


class SafeFunctionCache(FunctionCache):
    """``FunctionCache`` that recompiles damaged entries and skips failed writes."""

    def __init__(self, py_func: Callable) -> None:
        super().__init__(py_func)
        self._cache_file = SafeIndexDataCacheFile(
            cache_path=self._cache_path, filename_base=self._impl.filename_base,
            source_stamp=self._impl.locator.get_source_stamp())

    def load_overload(self, sig: object, target_context: object) -> object | None:
        """The cached kernel for ``sig``, or ``None`` (compile it) if its entry is damaged."""
        try:
            return super().load_overload(sig, target_context)
        except Exception as exc:  # the data unpickled but numba could not rebuild it
            self._cache_file.discard(self._cache_file._index_path, exc)
            return None

    def save_overload(self, sig: object, data: object) -> None:
        """Write the kernel's entry; if the folder refuses, warn once and go on uncached."""
        try:
            super().save_overload(sig, data)
        except Exception as exc:  # read-only folder, full disk, someone else's files
            warn_once(self._cache_path, "unwritable",
                      f"cannot save compiled kernels there ({describe(exc)}); they are "
                      "compiled again at the next start. Set NUMBA_CACHE_DIR to a "
                      "writable folder to keep them")


def enable_safe_cache(dispatcher: Callable) -> Callable:
    """Give a numba dispatcher a :class:`SafeFunctionCache` (in place of ``cache=True``).

    When no folder can be written (a read-only install without a writable
    home), the kernel compiles in memory at each start, with one warning.
    """
    try:
        cache = SafeFunctionCache(dispatcher.py_func)
    except RuntimeError:  # numba: "cannot cache function ...: no locator available"
        source_dir = os.path.dirname(inspect.getfile(dispatcher.py_func))
        warn_once(os.path.join(source_dir, "__pycache__"), "no folder",
                  "cannot be written, nor can NUMBA_CACHE_DIR or the user cache; numba "
                  "kernels compile again at every start. Set NUMBA_CACHE_DIR to a "
                  "writable folder to keep them")
        return dispatcher
    if config.CACHE_DIR and not isinstance(cache._impl.locator, UserProvidedCacheLocator):
        warn_once(config.CACHE_DIR, "not used",
                  f"NUMBA_CACHE_DIR cannot be written; numba caches in {cache.cache_path} "
                  "instead")
    dispatcher._cache = cache
    return dispatcher
