"""Check your own kernels, layers and optimizers against nnlite's.

* :func:`check_kernels` — your kernel functions against the NumPy reference
  on the agreement tests' inputs (:mod:`.kernels`);
* :func:`check_layer` — a layer's shapes, gradients (central differences),
  config and one training step (:mod:`.layer`);
* :func:`check_optimizer` — an optimizer's ``update_step`` against nnlite's
  own optimizer, step by step (:mod:`.optimizer`).

Each returns a :class:`Report` that prints as a table, with a hint naming
the likely mistake where the numbers tell it.
"""

from __future__ import annotations

from .kernels import check_kernels
from .layer import check_layer
from .optimizer import check_optimizer
from .report import CheckResult, Report

__all__ = ["check_kernels", "check_layer", "check_optimizer", "CheckResult", "Report"]
