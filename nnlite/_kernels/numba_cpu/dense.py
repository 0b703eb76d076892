"""Numba dense kernels: NumPy's BLAS for the products, one fused numba pass for the rest.

``dense_forward`` and ``dense_backward`` have the reference's names and
signatures (the equations: :class:`nnlite.layers.Dense`).  Forward: the
product xW is written into ``out``, then bias and φ in place
(``activations.bias_act``).  Backward: δ ⊙ φ' and its column sum ∂b in one
pass (``activations.act_grad_2d``), then ∂W and ∂x with BLAS.  The GEMM is
never called from inside a parallel region (OpenBLAS' threads and the
OpenMP pool would fight).
"""

from __future__ import annotations

import numpy as np

from .. import checks
from ..activation_codes import act_code, derivative_input
from ..host_arrays import buffer_for, contiguous, deliver
from .activations import act_grad_2d, bias_act


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, act: str,
                  alpha: float = 0.0, out: np.ndarray | None = None) -> np.ndarray:
    """Dense layer output for x of shape (n, d_in) and W of shape (d_in, d_out)."""
    checks.dense_forward(x, W, b, act, alpha, out)
    code = act_code(act)
    z = np.matmul(x, W, out=out)
    if z.size == 0:
        return z
    work = contiguous(z, z.dtype)  # z itself when the loop can write it
    bias = work[0, :0] if b is None else contiguous(b, work.dtype)
    bias_act(work, bias, work, code, alpha)
    return deliver(work, z)


def dense_backward(x: np.ndarray, W: np.ndarray, a: np.ndarray, delta: np.ndarray,
                   act: str, alpha: float = 0.0, need_dx: bool = True,
                   dW: np.ndarray | None = None, db: np.ndarray | None = None,
                   z: np.ndarray | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Return (∂W, ∂b, ∂x); ∂x is None when ``need_dx`` is False."""
    checks.dense_backward(x, W, a, delta, act, alpha, need_dx, dW, db, z)
    code = act_code(act)
    dtype = a.dtype if a.dtype == delta.dtype else np.result_type(a.dtype, delta.dtype)
    a2, d2 = contiguous(derivative_input(a, z, code), dtype), contiguous(delta, dtype)
    g = np.empty(d2.shape, dtype=dtype)
    db_work = buffer_for((d2.shape[1],), dtype, db)
    if d2.shape[0] == 0:
        g[...] = d2
        db_work[...] = 0
    else:
        act_grad_2d(a2, d2, g, db_work, code, float(alpha))
    db = deliver(db_work, db)
    dW = np.matmul((x if x.dtype == dtype else contiguous(x, dtype)).T, g, out=dW)
    dx = np.matmul(g, contiguous(W, W.dtype).T) if need_dx else None
    return dW, db, dx
