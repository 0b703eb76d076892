"""The host side of the compiled dense kernels, written once for numba, Cython and CUDA.

The products z = xW, ∂W = xᵀg and ∂x = gWᵀ stay in each backend's public
``def`` (each with its own GEMM); around them these functions check nothing
(the backend's ``def`` calls ``checks`` first), make C-contiguous arrays of
one dtype, use or allocate the outputs, handle the empty batch, and call the
backend's loop, named for its role:

- ``bias_act(z2, bias, out2, code, alpha)``: bias and φ in one pass;
- ``act_grad(a2, delta2, g, db, code, alpha)``: g = δ ⊙ φ' and its column sums ∂b.

The equations: :class:`nnlite.layers.Dense`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..activation_codes import act_code, derivative_input
from ..host_arrays import buffer_for, contiguous, deliver


def bias_and_activation(z: np.ndarray, b: np.ndarray | None, act: str, alpha: float, *,
                        bias_act: Callable) -> np.ndarray:
    """φ(z + b) written over the product z (its memory when the loop can write it)."""
    if z.size == 0:
        return z
    work = contiguous(z, z.dtype)  # z itself when the loop can write it
    bias = work[0, :0] if b is None else contiguous(b, work.dtype)
    bias_act(work, bias, work, act_code(act), float(alpha))
    return deliver(work, z)


def gradient_at_z(x: np.ndarray, a: np.ndarray, delta: np.ndarray, act: str, alpha: float,
                  db: np.ndarray | None, z: np.ndarray | None, *, act_grad: Callable,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, g = ∂L/∂z, ∂b) in δ's and a's common dtype, g and ∂b by ``act_grad``
    (∂b into ``db`` when given)."""
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
    x = x if x.dtype == dtype else contiguous(x, dtype)
    return x, g, deliver(db_work, db)
