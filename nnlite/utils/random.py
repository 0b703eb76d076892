"""One seed for every random source of nnlite.

nnlite draws initial weights and shuffles with NumPy's global generator
(``np.random``), exactly as book code seeded with ``np.random.seed(42)``
expects; stochastic layers (dropout) draw a per-layer seed from it when they
are built and then use a counter-based hash of (seed, step, element), so a
run is reproduced bit for bit by :func:`set_random_seed`.
"""

from __future__ import annotations

import random

import numpy as np


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global generator and nnlite's layers."""
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)


def draw_seed() -> int:
    """A 63-bit seed from the global generator (for per-layer RNG streams)."""
    return int(np.random.randint(0, 2**62, dtype=np.int64))
