"""Numba dense kernels: NumPy's BLAS for the products, one fused numba pass for the rest.

``dense_forward`` and ``dense_backward`` have the reference's names and
signatures (the equations: :class:`nnlite.layers.Dense`): each checks its
arguments, computes the products itself and hands its loops to
``host_side/dense.py``, which prepares the arrays.  Forward: the product
xW is written into ``out``, then bias and φ in place
(``activations.bias_act``).  Backward: δ ⊙ φ' and its column sum ∂b in one
pass (``activations.act_grad_2d``), then ∂W and ∂x with BLAS.  The GEMM is
never called from inside a parallel region (OpenBLAS' threads and the
OpenMP pool would fight).
"""

from __future__ import annotations

import numpy as np

from .. import checks
from ..host_arrays import contiguous
from ..host_side import dense as host
from .activations import act_grad_2d, bias_act


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, act: str,
                  alpha: float = 0.0, out: np.ndarray | None = None) -> np.ndarray:
    """Dense layer output for x of shape (n, d_in) and W of shape (d_in, d_out)."""
    checks.dense_forward(x, W, b, act, alpha, out)
    z = np.matmul(x, W, out=out)  # z = xW, NumPy's BLAS
    return host.bias_and_activation(z, b, act, alpha, bias_act=bias_act)


def dense_backward(x: np.ndarray, W: np.ndarray, a: np.ndarray, delta: np.ndarray,
                   act: str, alpha: float = 0.0, need_dx: bool = True,
                   dW: np.ndarray | None = None, db: np.ndarray | None = None,
                   z: np.ndarray | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Return (∂W, ∂b, ∂x); ∂x is None when ``need_dx`` is False.

    g = δ ⊙ φ' and ∂b in one numba pass, then the two products by NumPy's BLAS.
    """
    checks.dense_backward(x, W, a, delta, act, alpha, need_dx, dW, db, z)
    x, g, db = host.gradient_at_z(x, a, delta, act, alpha, db, z, act_grad=act_grad_2d)
    dW = np.matmul(x.T, g, out=dW)  # ∂W = xᵀg
    dx = np.matmul(g, contiguous(W, W.dtype).T) if need_dx else None  # ∂x = gWᵀ
    return dW, db, dx
