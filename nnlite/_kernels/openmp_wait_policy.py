"""OpenMP threads wait passively between parallel regions (``OMP_WAIT_POLICY=PASSIVE``).

OpenMP worker threads (numba's "omp" layer, Cython's prange) spin after
each parallel region by default.  On a 2-core machine they then fight
OpenBLAS' threads, and a kernel that follows a GEMM waits a whole scheduler
slice (~8 ms measured, vs 0.3 ms).  Passive waiting costs a few µs per
parallel call instead.  Set before any OpenMP runtime loads; a value the
user already set wins.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
