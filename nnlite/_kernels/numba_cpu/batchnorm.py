r"""Numba batch-norm kernels (x of shape (N, C), statistics per column).

Statistics use *two-level sums*: the rows are cut into blocks of ``ROWS``;
each block (cache-resident) gets its exact two-pass mean and M₂ = Σ(x − μ_b)²
in float64, in parallel, and the blocks are merged with Chan's formula

  δ = μ_b − μ_a,  μ = μ_a + δ n_b/n,  M₂ = M₂a + M₂b + δ² n_a n_b / n,

so x is read once from memory and there is no E[x²] − E[x]² cancellation.
The normalize / backward passes are parallel over rows.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import jit

@jit(parallel=True)
@jit()
@jit(parallel=True)
@jit(parallel=True)
@jit(parallel=True)
