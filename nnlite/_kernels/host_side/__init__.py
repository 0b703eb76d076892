"""The host side of the compiled kernels, written once for numba, Cython and CUDA.

One module per kernel family, named like ``reference/<family>.py``.  Each
function has the name of the public kernel it serves and does, once, what
every compiled backend did alike before and after its loops: check the
arguments (:mod:`..checks`), make C-contiguous arrays of the loops' dtype,
use or allocate the output buffers (:mod:`..host_arrays`), handle the empty
cases, call the loops the backend passes in, and deliver the results.

The arithmetic over the arrays runs in the backends' loops, which stay in
each backend's module of the family's name (``numba_cpu/batchnorm.py``,
``_cython/batchnorm.pyx``, ``cuda/batchnorm.py``); that module's public
``def`` names its loops where it calls this package, so a reader goes from
the public kernel to the loop that computes without opening another file.
What is here besides the plumbing is the order of some kernels' steps (batch
norm's statistics, then x̂ and y) and a few scalars the loops take (BN's
γ·inv_std/N, Adam's 1 − β₁), each with a comment naming where its equation
is written; a dense layer's products stay in each backend's ``def``.
"""
