r"""Public dense kernels: GEMM (``ll.gemm`` or NumPy's BLAS) + one fused pass.

Forward:  out = xW (written into ``out``), then a = φ(out + b) in place.
Backward: g = δ ⊙ φ'(a) (φ'(z) for gelu, swish, mish) and ∂b = Σ_rows g in
one pass, then ∂W = xᵀg and ∂x = gWᵀ with BLAS.  The GEMM is never called from inside a parallel
region (OpenBLAS' threads and the OpenMP pool would fight).
"""

from __future__ import annotations

import numpy as np

from .. import checks
from .._common import act_code
from .activations import bias_act_, derivative_input


def _contiguous(a: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``a`` itself when C-contiguous of ``dtype`` (skips NumPy's slower check), else a copy."""
    return a if a.dtype == dtype and a.flags.c_contiguous else np.ascontiguousarray(a, dtype)


class DenseKernels:
    ll: object

    def _matmul(self, A, B, out, ta=False, tb=False):
        """op(A)·op(B) into ``out`` (allocated when None)."""
        gemm = getattr(self.ll, "gemm", None)
        a, b = (A.T if ta else A), (B.T if tb else B)
        ok = (gemm is not None and A.dtype == B.dtype and A.dtype.kind == "f"
              and A.flags.c_contiguous and B.flags.c_contiguous)
        if not ok:
            return np.matmul(a, b, out=out)
        if out is None or not (out.flags.c_contiguous and out.dtype == A.dtype):
            res = np.empty((a.shape[0], b.shape[1]), dtype=A.dtype)
            gemm(A, B, res, ta, tb, 0.0)
            if out is None:
                return res
            out[...] = res
            return out
        gemm(A, B, out, ta, tb, 0.0)
        return out

    def dense_forward(self, x: np.ndarray, W: np.ndarray, b: np.ndarray | None, act: str,
                      alpha: float = 0.0, out: np.ndarray | None = None) -> np.ndarray:
        """a = φ(xW + b) for x of shape (n, d_in) and W of shape (d_in, d_out)."""
        checks.dense_forward(x, W, b, act, alpha, out)
        code = act_code(act)
        z = self._matmul(x, W, out)
        if z.size == 0:
            return z
        work = z if z.flags.c_contiguous else np.ascontiguousarray(z)
        bias = work[0, :0] if b is None else _contiguous(b, work.dtype)
        bias_act_(self.ll, work, bias, work, code, alpha)
        if work is not z:
            z[...] = work
        return z

    def dense_backward(self, x: np.ndarray, W: np.ndarray, a: np.ndarray, delta: np.ndarray,
                       act: str, alpha: float = 0.0, need_dx: bool = True,
                       dW: np.ndarray | None = None, db: np.ndarray | None = None,
                       z: np.ndarray | None = None,
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Return (∂W, ∂b, ∂x); ∂x is None when ``need_dx`` is False."""
        checks.dense_backward(x, W, a, delta, act, alpha, need_dx, dW, db, z)
        code = act_code(act)
        dtype = a.dtype if a.dtype == delta.dtype else np.result_type(a.dtype, delta.dtype)
        a2, d2 = _contiguous(derivative_input(a, z, code), dtype), _contiguous(delta, dtype)
        g = np.empty(d2.shape, dtype=dtype)
        db_work = db if db is not None and db.flags.c_contiguous and db.dtype == dtype \
            else np.empty(d2.shape[1], dtype=dtype)
        if d2.shape[0] == 0:
            g[...] = d2
            db_work[...] = 0
        else:
            self.ll.act_grad_2d(a2, d2, g, db_work, code, float(alpha))
        if db is None:
            db = db_work
        elif db_work is not db:
            db[...] = db_work
        dW = self._matmul(x if x.dtype == dtype else _contiguous(x, dtype), g, dW, ta=True)
        dx = self._matmul(g, _contiguous(W, W.dtype), None, tb=True) if need_dx else None
        return dW, db, dx
