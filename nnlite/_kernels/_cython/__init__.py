"""The ``cython`` backend: kernels compiled at install (typed memoryviews,
OpenMP ``prange``, ``scipy.linalg.cython_blas`` sgemm/dgemm), float32 and float64.

Each extension module has the reference's name (``activations.pyx``,
``dense.pyx``, ``batchnorm.pyx``, ``dropout.pyx``, ``losses.pyx``,
``optimizers.pyx``, ``clipping.pyx``, ``rectifiers.pyx``) and holds its
typed loops and its public kernels, plain ``def`` functions with the
reference's names and signatures; the registry (``nnlite._kernels``) finds
each kernel in the module of its family.  Raises
ImportError with the reason when the extension modules are missing.
"""

from . import _compiled  # noqa: F401  (ImportError with the reason when not compiled)
