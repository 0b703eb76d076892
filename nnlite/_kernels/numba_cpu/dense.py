r"""Numba dense kernels: BLAS GEMM (numpy) + one fused numba pass.

Forward:  out = xW (BLAS, written into ``out``), then a = φ(out + b) in place.
Backward: g = δ ⊙ φ'(a) and ∂b = Σ_rows g in one pass, then ∂W = xᵀg and
∂x = gWᵀ with BLAS.  The GEMM is never called from inside a
``parallel=True`` function (OpenBLAS and the OpenMP pool would fight).
"""

from __future__ import annotations

import numpy as np

from .._common import act_code
from .activations import act_grad_2d, bias_act_2d


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, act: str,
                  alpha: float = 0.0, out: np.ndarray | None = None) -> np.ndarray:
    """a = φ(xW + b) for x of shape (n, d_in) and W of shape (d_in, d_out)."""
    code = act_code(act)
    z = np.matmul(x, W, out=out)
    if z.size == 0:
        return z
    work = z if z.flags.c_contiguous else np.ascontiguousarray(z)
    bias = work[0, :0] if b is None else np.ascontiguousarray(b, dtype=work.dtype)
    bias_act_2d(work, bias, work, code, float(alpha))
    if work is not z:
        z[...] = work
    return z


def dense_backward(x: np.ndarray, W: np.ndarray, a: np.ndarray, delta: np.ndarray,
                   act: str, alpha: float = 0.0, need_dx: bool = True,
                   dW: np.ndarray | None = None, db: np.ndarray | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Return (∂W, ∂b, ∂x); ∂x is None when ``need_dx`` is False."""
    code = act_code(act)
    dtype = np.result_type(a.dtype, delta.dtype)
    a2 = np.ascontiguousarray(a, dtype=dtype)
    d2 = np.ascontiguousarray(delta, dtype=dtype)
    g = np.empty(d2.shape, dtype=dtype)
    db_work = np.empty(d2.shape[1], dtype=dtype) if db is None else db
    if not (db_work.flags.c_contiguous and db_work.dtype == dtype):
        db_work = np.empty(d2.shape[1], dtype=dtype)
    if d2.shape[0] == 0:
        g = d2.copy()
        db_work[...] = 0
    else:
        act_grad_2d(a2, d2, g, db_work, code, float(alpha))
    if db is None:
        db = db_work
    elif db_work is not db:
        db[...] = db_work
    dW = np.matmul(x.T, g, out=dW)
    dx = np.matmul(g, W.T) if need_dx else None
    return dW, db, dx
