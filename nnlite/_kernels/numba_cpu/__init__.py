"""The ``numba`` backend: ``@njit(cache=True)`` CPU kernels, one module per family.

Each module has the reference's name (``activations``, ``dense``,
``batchnorm``, ``dropout``, ``losses``, ``optimizers``, ``clipping``,
``rectifiers``) and holds its jitted loops
and its public kernels, plain functions with the reference's names and
signatures; the registry (``nnlite._kernels``) finds each kernel in the
module of its family.  Dense layers use NumPy's BLAS for the
GEMM and a serial fused numba pass for bias and activation; batch norm,
dropout and the optimizers use ``parallel=True`` loops (never around BLAS
calls) for inputs of ``_jit.PARALLEL_MIN`` elements or more and a serial
twin of the same loop below that (no thread wake-up).

Importing raises ImportError with the reason when numba is missing or cannot
compile here, so the registry can report why and fall back.
``NNLITE_NUMBA_CACHE=0`` disables the on-disk cache.
"""

from . import _can_compile  # noqa: F401  (ImportError with the reason when numba cannot compile)
