# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython dense kernels: BLAS sgemm/dgemm for the products, one fused pass for the rest.

``dense_forward`` and ``dense_backward`` have the reference's names and
signatures (the equations: :class:`nnlite.layers.Dense`).  Forward: the
product xW is written into ``out``, then bias and φ in place
(``activations.bias_act``).  Backward: δ ⊙ φ' and its column sum ∂b in one
pass (``activations.act_grad_2d``), then ∂W and ∂x with :func:`gemm_rm`.

``gemm_rm`` calls ``scipy.linalg.cython_blas``.  BLAS is column-major; a
row-major (r, c) array is the column-major (c, r) transpose, so the
row-major product op(A)·op(B) is computed as the column-major op(B)ᵀ·op(A)ᵀ.
"""
import numpy as np
from scipy.linalg.cython_blas cimport sgemm, dgemm

from nnlite._kernels import checks
from nnlite._kernels.activation_codes import act_code, derivative_input
from nnlite._kernels.host_arrays import buffer_for, contiguous, deliver, matmul_with

from ._floats cimport real
from .activations import act_grad_2d, bias_act


def gemm_rm(const real[:, ::1] A, const real[:, ::1] B, real[:, ::1] C, bint ta, bint tb, double beta):
    """C ← op(A)·op(B) + β C for C-contiguous row-major matrices (op: transpose if ta / tb)."""
    cdef int m = C.shape[1], n = C.shape[0]
    cdef int k = A.shape[0] if ta else A.shape[1]
    cdef int lda = A.shape[1], ldb = B.shape[1], ldc = C.shape[1]
    cdef char opa = b'T' if ta else b'N'
    cdef char opb = b'T' if tb else b'N'
    cdef float sa = 1.0, sb = <float>beta
    cdef double da = 1.0, db = beta
    if m == 0 or n == 0:
        return
    cdef Py_ssize_t i, j
    if k == 0:  # empty sum: C ← β C
        for i in range(n):
            for j in range(m):
                C[i, j] = <real>(beta * C[i, j]) if beta != 0 else 0
        return
    with nogil:
        if real is float:
            sgemm(&opb, &opa, &m, &n, &k, &sa, <float*>&B[0, 0], &ldb, <float*>&A[0, 0], &lda, &sb,
                  &C[0, 0], &ldc)
        else:
            dgemm(&opb, &opa, &m, &n, &k, &da, <double*>&B[0, 0], &ldb, <double*>&A[0, 0], &lda, &db,
                  &C[0, 0], &ldc)


def dense_forward(x, W, b, act, alpha=0.0, out=None):
    """Dense layer output for x of shape (n, d_in) and W of shape (d_in, d_out)."""
    checks.dense_forward(x, W, b, act, alpha, out)
    code = act_code(act)
    z = matmul_with(gemm_rm, x, W, out)
    if z.size == 0:
        return z
    work = contiguous(z, z.dtype)  # z itself when the loop can write it
    bias = work[0, :0] if b is None else contiguous(b, work.dtype)
    bias_act(work, bias, work, code, alpha)
    return deliver(work, z)


def dense_backward(x, W, a, delta, act, alpha=0.0, need_dx=True, dW=None, db=None, z=None):
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
    dW = matmul_with(gemm_rm, x if x.dtype == dtype else contiguous(x, dtype), g, dW, ta=True)
    dx = matmul_with(gemm_rm, g, contiguous(W, W.dtype), None, tb=True) if need_dx else None
    return dW, db, dx
