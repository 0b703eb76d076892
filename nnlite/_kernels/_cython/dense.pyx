# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython dense kernels: BLAS sgemm/dgemm for the products, one fused pass for the rest.

``dense_forward`` and ``dense_backward`` (the reference's names and
signatures; the equations: :class:`nnlite.layers.Dense`) check their
arguments and call :func:`gemm_rm` for xW, xᵀg and gWᵀ; ``host_side/dense.py``
prepares the arrays for the one fused pass on each side of the products:
bias and φ after xW (``activations.bias_act``), g = δ ⊙ φ' and its column sum
∂b before xᵀg (``activations.act_grad_2d``).

``gemm_rm`` calls ``scipy.linalg.cython_blas``.  BLAS is column-major; a
row-major (r, c) array is the column-major (c, r) transpose, so the
row-major product op(A)·op(B) is computed as the column-major op(B)ᵀ·op(A)ᵀ.
"""
import numpy as np
from scipy.linalg.cython_blas cimport sgemm, dgemm

from nnlite._kernels import checks
from nnlite._kernels.host_arrays import contiguous, matmul_with
from nnlite._kernels.host_side import dense as host

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
    z = matmul_with(gemm_rm, x, W, out)  # z = xW
    return host.bias_and_activation(z, b, act, alpha, bias_act=bias_act)


def dense_backward(x, W, a, delta, act, alpha=0.0, need_dx=True, dW=None, db=None, z=None):
    """Return (∂W, ∂b, ∂x); ∂x is None when ``need_dx`` is False."""
    checks.dense_backward(x, W, a, delta, act, alpha, need_dx, dW, db, z)
    x, g, db = host.gradient_at_z(x, a, delta, act, alpha, db, z, act_grad=act_grad_2d)
    dW = matmul_with(gemm_rm, x, g, dW, ta=True)  # ∂W = xᵀg
    # ∂x = gWᵀ
    dx = matmul_with(gemm_rm, g, contiguous(W, W.dtype), None, tb=True) if need_dx else None
    return dW, db, dx
