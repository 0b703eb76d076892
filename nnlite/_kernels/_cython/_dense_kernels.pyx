# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Row-major GEMM through ``scipy.linalg.cython_blas`` (sgemm / dgemm).

BLAS is column-major; a row-major (r, c) array is the column-major (c, r)
transpose, so C = op(A)·op(B) in row-major is Cᵀ = op(B)ᵀ·op(A)ᵀ:
  gemm_rm(A, B, C, ta, tb, beta):  C ← op(A)·op(B) + β C   (all C-contiguous)
"""
from scipy.linalg.cython_blas cimport sgemm, dgemm
from ._act cimport real


def gemm_rm(const real[:, ::1] A, const real[:, ::1] B, real[:, ::1] C, bint ta, bint tb, double beta):
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
