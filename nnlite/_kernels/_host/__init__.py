"""Host-side wrappers shared by the compiled CPU backends (numba, cython).

A backend supplies its *low-level* kernels (fixed argument lists, C-contiguous
arrays, no Python objects) as a namespace ``ll``; ``HostKernels(ll)`` turns
them into the public kernels with the reference signatures: it validates the
arguments with ``checks`` (the same checks as the reference, before any
unchecked loop), handles contiguity and dtypes, allocates or reuses ``out=``
arrays, and falls back to the reference for layouts the low-level kernels do
not take (e.g. strided in-place updates).  Low-level names expected in ``ll``:

  activations  bias_act_2d, act_grad_2d
  dense        gemm (optional; None → NumPy/BLAS matmul)
  losses       softmax_xent, sigmoid_bce, xent_probs, bce_probs
  batch norm   block_stats, merge_stats, normalize, grad_sums, bn_dx
  dropout      uniform, mask, dropout_fwd, dropout_bwd
  optimizers   sgd, sgd_momentum, adagrad, rmsprop, adam, adamax, nadam
  clipping     clip, sumsq, scale, max_norm_cols
  rectifiers   prelu_fwd, prelu_bwd, relu_general_fwd, relu_general_bwd, rrelu_fwd,
               rrelu_bwd
"""

from __future__ import annotations

from types import SimpleNamespace

from .activations import ActivationKernels
from .batchnorm import BatchNormKernels
from .clipping import ClippingKernels
from .dense import DenseKernels
from .dropout import DropoutKernels
from .losses import LossKernels
from .optimizers import OptimizerKernels
from .rectifiers import RectifierKernels


class HostKernels(ActivationKernels, DenseKernels, LossKernels, BatchNormKernels,
                  DropoutKernels, OptimizerKernels, ClippingKernels, RectifierKernels):
    """All public kernels of one backend, built on its low-level kernels ``ll``."""

    def __init__(self, ll: SimpleNamespace):
        self.ll = ll

    def export(self, names: list[str]) -> dict:
        """``{name: bound method}`` for a backend module's ``globals()``."""
        return {name: getattr(self, name) for name in names}
