"""The ``cuda`` backend: numba.cuda kernels for every family.

Each module has the reference's name (``activations``, ``dense``,
``batchnorm``, ``dropout``, ``losses``, ``optimizers``, ``clipping``,
``rectifiers``) and holds its ``@cuda.jit``
kernels, their launchers (grid-stride loops, a tiled shared-memory GEMM,
per-column reductions, the counter-based dropout RNG; they accept NumPy
arrays, copied to the GPU and back, or device arrays, used in place) and its
public kernels, plain functions with the reference's names and signatures
(host arrays); the registry (``nnlite._kernels``) finds each kernel in the
module of its family.

Importing raises ImportError when no GPU is usable.  Under the CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``) it loads so the kernels can be *tested*, but
``"auto"`` never selects it (see ``SIMULATED``).
"""

from ._gpu_available import SIMULATED  # noqa: F401  (ImportError when no GPU is usable)
