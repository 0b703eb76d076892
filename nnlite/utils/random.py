"""One seed for every random source of nnlite.

nnlite draws initial weights and shuffles with NumPy's global generator
(``np.random``), exactly as book code seeded with ``np.random.seed(42)``
expects; stochastic layers (dropout) draw a per-layer seed from it when they
are built and then use a counter-based hash of (seed, step, element), so a
run is reproduced bit for bit by :func:`set_random_seed` — on the same
machine, backend and number of BLAS threads.  To make the thread count not
matter, also call :func:`nnlite.config.enable_op_determinism` (what is and
is not promised is listed there).
"""

from __future__ import annotations

import random

import numpy as np


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global generator and nnlite's layers.

    Promise: the same seed gives the same weights bit for bit on a given
    machine, backend and BLAS thread count.  The matrix products'
    rounding follows the number of BLAS threads (1 vs 2 threads differ from
    about the 6th digit); :func:`nnlite.config.enable_op_determinism` pins
    BLAS to one thread so that any thread setting gives the same bits::

        nnlite.utils.set_random_seed(42)
        nnlite.config.enable_op_determinism()
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)


def draw_seed() -> int:
    """A 63-bit seed from the global generator (for per-layer RNG streams)."""
    return int(np.random.randint(0, 2**62, dtype=np.int64))
