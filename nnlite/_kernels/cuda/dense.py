r"""CUDA dense kernels: a tiled GEMM for the products, one fused pass for the rest.

``dense_forward`` and ``dense_backward`` have the reference's names and
signatures (the equations: :class:`nnlite.layers.Dense`).  Given NumPy
arrays they compute the products with :func:`gemm` and hand their
launchers to ``host_side/dense.py``, which prepares the arrays (the
launchers copy to the device and back); given device
arrays (a ``fit`` on the ``cuda`` backend) they work on the device and return
device arrays, copying nothing.
Forward: the product xW is written into ``out``, then bias and φ in place in
one more launch (``activations.bias_act_2d``).  Backward: δ ⊙ φ' and its
column sum ∂b (``activations.act_grad_2d``), then ∂W and ∂x with :func:`gemm`.

``gemm`` runs device arrays on cuBLAS when CuPy is installed (``cublas.py``).
Otherwise, and always under the simulator, it is the classic tiled
shared-memory kernel (TILE × TILE blocks) for row-major matrices: each block
loads one tile of op(A) and one of op(B) into shared memory per step along k,
every thread accumulates one element of the product.  One compiled kernel
per dtype (shared arrays need a compile-time type).
"""

from __future__ import annotations

import numpy as np
from numba import cuda, float32, float64

from .. import checks
from ..activation_codes import FROM_Z_CODES, act_code
from ..host_arrays import contiguous, matmul_with
from ..host_side import dense as host
from . import cublas
from ._launch import SIMULATED, device_empty, launcher, no_array, on_device
from .activations import act_grad_2d, bias_act_2d

TILE = 2 if SIMULATED else 16


def _make_gemm(nbtype):
    @cuda.jit
    def gemm(A, B, C, ta, tb, beta):
        sA = cuda.shared.array((TILE, TILE), nbtype)
        sB = cuda.shared.array((TILE, TILE), nbtype)
        tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
        row = cuda.blockIdx.y * TILE + ty
        col = cuda.blockIdx.x * TILE + tx
        n, m = C.shape
        k = A.shape[0] if ta else A.shape[1]
        acc = 0.0
        for t0 in range(0, k, TILE):
            ka, kb = t0 + tx, t0 + ty
            if row < n and ka < k:
                sA[ty, tx] = A[ka, row] if ta else A[row, ka]
            else:
                sA[ty, tx] = 0
            if col < m and kb < k:
                sB[ty, tx] = B[col, kb] if tb else B[kb, col]
            else:
                sB[ty, tx] = 0
            cuda.syncthreads()
            for q in range(TILE):
                acc += sA[ty, q] * sB[q, tx]
            cuda.syncthreads()
        if row < n and col < m:
            C[row, col] = acc + (beta * C[row, col] if beta != 0 else 0.0)

    return gemm


_GEMM = {np.dtype(np.float32): _make_gemm(float32), np.dtype(np.float64): _make_gemm(float64)}


def _grid(A, B, C, *_):
    n, m = C.shape
    return ((m + TILE - 1) // TILE, (n + TILE - 1) // TILE), (TILE, TILE)


_RUN = {dt: launcher(k, (2,), None, _grid) for dt, k in _GEMM.items()}


@cuda.jit
def _zero_fill(a):
    for i in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
        a[i] = 0


zero_fill = launcher(_zero_fill, (0,), lambda a: a.size)


def gemm(A, B, C, ta, tb, beta):
    """C ← op(A)·op(B) + β C, row-major, host or device arrays (op: transpose if ta / tb).

    Device arrays go to cuBLAS when CuPy is usable (``cublas.use_cublas``), else to the
    tiled kernel above.
    """
    if C.shape[0] and C.shape[1]:
        if cublas.use_cublas(A, B, C):
            cublas.gemm(A, B, C, ta, tb, beta)
            return
        _RUN[np.dtype(C.dtype)](A, B, C, bool(ta), bool(tb), float(beta))


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, act: str,
                  alpha: float = 0.0, out: np.ndarray | None = None) -> np.ndarray:
    """Dense layer output for x of shape (n, d_in) and W of shape (d_in, d_out), on the device."""
    checks.dense_forward(x, W, b, act, alpha, out)
    if on_device(x):
        return _dense_forward_device(x, W, b, act_code(act), float(alpha), out)
    z = matmul_with(gemm, x, W, out)  # z = xW
    return host.bias_and_activation(z, b, act, alpha, bias_act=bias_act_2d)


def dense_backward(x: np.ndarray, W: np.ndarray, a: np.ndarray, delta: np.ndarray,
                   act: str, alpha: float = 0.0, need_dx: bool = True,
                   dW: np.ndarray | None = None, db: np.ndarray | None = None,
                   z: np.ndarray | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Return (∂W, ∂b, ∂x), on the device for device arrays; ∂x None when ``need_dx`` is False."""
    checks.dense_backward(x, W, a, delta, act, alpha, need_dx, dW, db, z)
    if on_device(x):
        code = act_code(act)
        return _dense_backward_device(x, W, z if code in FROM_Z_CODES else a, delta, code,
                                      float(alpha), need_dx, dW, db)
    x, g, db = host.gradient_at_z(x, a, delta, act, alpha, db, z, act_grad=act_grad_2d)
    dW = matmul_with(gemm, x, g, dW, ta=True)  # ∂W = xᵀg
    dx = matmul_with(gemm, g, contiguous(W, W.dtype), None, tb=True) if need_dx else None  # gWᵀ
    return dW, db, dx


# ----------------------------------------------------------------------------
# Device arrays in, device arrays out (nothing copied).
# ----------------------------------------------------------------------------


def _same_dtype_on_device(kernel: str, dtype, **arrays) -> None:
    for name, a in arrays.items():
        if a is not None and (not on_device(a) or a.dtype != dtype):
            raise ValueError(f"{kernel}: with device arrays every array must be a device "
                             f"array of dtype {dtype}; {name} is "
                             f"{type(a).__name__} of dtype {a.dtype}")


def _dense_forward_device(x, W, b, code: int, alpha: float, out):
    """x·W into ``out`` (allocated on the device when None), then bias and φ in place."""
    _same_dtype_on_device("dense_forward", W.dtype, x=x, W=W, b=b, out=out)
    if out is None:
        out = device_empty((x.shape[0], W.shape[1]), W.dtype)
    if out.size:
        gemm(x, W, out, False, False, 0.0)
        bias_act_2d(out, no_array(W.dtype) if b is None else b, out, code, alpha)
    return out


def _dense_backward_device(x, W, a, delta, code: int, alpha: float, need_dx: bool, dW, db):
    """(∂W, ∂b, ∂x) on the device; ``a`` is φ's output (its input z for gelu, swish, mish)."""
    _same_dtype_on_device("dense_backward", W.dtype, x=x, W=W, a=a, delta=delta, dW=dW, db=db)
    dtype = W.dtype
    dW = device_empty(W.shape, dtype) if dW is None else dW
    db = device_empty((W.shape[1],), dtype) if db is None else db
    g = device_empty(delta.shape, dtype)
    if delta.shape[0]:
        act_grad_2d(a, delta, g, db, code, alpha)
        gemm(x, g, dW, True, False, 0.0)
    else:
        zero_fill(dW.reshape(dW.size))
        zero_fill(db)
    dx = None
    if need_dx:
        dx = device_empty(x.shape, dtype)
        gemm(g, W, dx, False, True, 0.0)
    return dW, db, dx
