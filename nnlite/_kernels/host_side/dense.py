"""The host side of the compiled dense kernels, written once for numba, Cython and CUDA.

Each function checks its arguments, makes C-contiguous arrays of the loops'
dtype, uses or allocates the outputs, handles the empty batch, and calls
what its backend passes in, named for their role:

- ``gemm(A, B, C, ta, tb, beta)``: the products, through
  :func:`..host_arrays.matmul_with`; None: NumPy's matmul (its BLAS);
- ``bias_act(z2, bias, out2, code, alpha)``: bias and φ in one pass;
- ``act_grad(a2, delta2, g, db, code, alpha)``: δ ⊙ φ' and its column sums ∂b.

The equations: :class:`nnlite.layers.Dense`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import checks
from ..activation_codes import act_code, derivative_input
from ..host_arrays import buffer_for, contiguous, deliver, matmul_with


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, act: str,
                  alpha: float = 0.0, out: np.ndarray | None = None, *,
                  gemm: Callable | None, bias_act: Callable) -> np.ndarray:
    """x·W into ``out`` by ``gemm``, then bias and φ in place by ``bias_act``."""
    checks.dense_forward(x, W, b, act, alpha, out)
    code = act_code(act)
    z = _product(gemm, x, W, out)
    if z.size == 0:
        return z
    work = contiguous(z, z.dtype)  # z itself when the loop can write it
    bias = work[0, :0] if b is None else contiguous(b, work.dtype)
    bias_act(work, bias, work, code, float(alpha))
    return deliver(work, z)


def dense_backward(x: np.ndarray, W: np.ndarray, a: np.ndarray, delta: np.ndarray,
                   act: str, alpha: float = 0.0, need_dx: bool = True,
                   dW: np.ndarray | None = None, db: np.ndarray | None = None,
                   z: np.ndarray | None = None, *, gemm: Callable | None, act_grad: Callable,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(∂W, ∂b, ∂x or None): δ ⊙ φ' and ∂b by ``act_grad``, ∂W and ∂x by ``gemm``."""
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
        act_grad(a2, d2, g, db_work, code, float(alpha))
    db = deliver(db_work, db)
    dW = _product(gemm, x if x.dtype == dtype else contiguous(x, dtype), g, dW, ta=True)
    dx = _product(gemm, g, contiguous(W, W.dtype), None, tb=True) if need_dx else None
    return dW, db, dx


def _product(gemm: Callable | None, A: np.ndarray, B: np.ndarray, out: np.ndarray | None,
             ta: bool = False, tb: bool = False) -> np.ndarray:
    """op(A)·op(B) into ``out`` with the backend's ``gemm``; NumPy's matmul when None."""
    if gemm is None:
        return np.matmul(A.T if ta else A, B.T if tb else B, out=out)
    return matmul_with(gemm, A, B, out, ta, tb)
