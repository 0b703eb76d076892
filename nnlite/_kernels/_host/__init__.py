"""Public activation and dense kernels built on a backend's low-level loops.

The other families (batch norm, dropout, losses, optimizers, clipping,
rectifiers) are plain functions in each backend's module of the same name;
these two are next.  A backend supplies its low-level loops as a namespace
``ll``; ``HostKernels(ll)`` turns them into the public kernels with the
reference signatures: it validates the arguments with ``checks``, handles
contiguity and dtypes and allocates or reuses ``out=`` arrays.  Names
expected in ``ll``:

  activations  bias_act_2d, act_grad_2d, simd_phi (optional)
  dense        gemm (optional; None → NumPy/BLAS matmul)
"""

from __future__ import annotations

from types import SimpleNamespace

from .activations import ActivationKernels
from .dense import DenseKernels


class HostKernels(ActivationKernels, DenseKernels):
    """The activation and dense kernels of one backend, built on its low-level loops ``ll``."""

    def __init__(self, ll: SimpleNamespace):
        self.ll = ll

    def export(self, names: list[str]) -> dict:
        """``{name: bound method}`` for a backend module's ``globals()``."""
        return {name: getattr(self, name) for name in names}
