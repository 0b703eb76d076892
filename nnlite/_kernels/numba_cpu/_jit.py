"""The ``jit`` decorator every numba kernel uses: ``njit`` with a safe cache.

``cache=True`` stores compiled machine code next to the source (or in the
user cache when the install is read-only).  ``NNLITE_NUMBA_CACHE=0``
disables caching; when no cache directory is writable, numba raises at
decoration time and we silently compile without a cache instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from numba import njit

CACHE = os.environ.get("NNLITE_NUMBA_CACHE", "1") != "0"


def jit(parallel: bool = False, fastmath: bool | set = False) -> Callable:
    """``njit(cache=True, nogil=True)`` falling back to no cache when it cannot write."""

    def decorate(fn: Callable) -> Callable:
        options = dict(parallel=parallel, fastmath=fastmath, nogil=True, error_model="numpy")
        if CACHE:
            try:
                return njit(cache=True, **options)(fn)
            except RuntimeError:  # "cannot cache function ...: no locator available"
                pass
        return njit(cache=False, **options)(fn)

    return decorate


@jit()
def probe(a):
    """A trivial kernel compiled at import to prove numba works here."""
    return a + 1
