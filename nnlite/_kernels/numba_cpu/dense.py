"""Numba dense kernels: NumPy's BLAS for the products, one fused numba pass for the rest.

``dense_forward`` and ``dense_backward`` have the reference's names and
signatures (the equations: :class:`nnlite.layers.Dense`); they hand their
loops to ``host_side/dense.py``, which checks and prepares.  Forward: the
product xW is written into ``out``, then bias and φ in place
(``activations.bias_act``).  Backward: δ ⊙ φ' and its column sum ∂b in one
pass (``activations.act_grad_2d``), then ∂W and ∂x with BLAS.  The GEMM is
never called from inside a parallel region (OpenBLAS' threads and the
OpenMP pool would fight).
"""

from __future__ import annotations

import numpy as np

from ..host_side import dense as host
from .activations import act_grad_2d, bias_act


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, act: str,
                  alpha: float = 0.0, out: np.ndarray | None = None) -> np.ndarray:
    """Dense layer output for x of shape (n, d_in) and W of shape (d_in, d_out)."""
    return host.dense_forward(x, W, b, act, alpha, out, gemm=None,  # NumPy's matmul
                              bias_act=bias_act)


def dense_backward(x: np.ndarray, W: np.ndarray, a: np.ndarray, delta: np.ndarray,
                   act: str, alpha: float = 0.0, need_dx: bool = True,
                   dW: np.ndarray | None = None, db: np.ndarray | None = None,
                   z: np.ndarray | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Return (∂W, ∂b, ∂x); ∂x is None when ``need_dx`` is False."""
    return host.dense_backward(x, W, a, delta, act, alpha, need_dx, dW, db, z,
                               gemm=None, act_grad=act_grad_2d)  # gemm: NumPy's matmul
