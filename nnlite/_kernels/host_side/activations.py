"""The host side of the compiled activation kernels, written once for numba, Cython and CUDA.

Each function checks its arguments, turns the activation's name into its
code (``activation_codes.py``), views the arrays as C-contiguous (rows, last
axis) matrices, uses or allocates the output, skips the loops for an empty
array, and calls the loop its backend passes in, named for its role:

- ``bias_act(z2, bias, out2, code, alpha)``: φ of z2 + bias (bias empty: none);
- ``act_grad(a2, delta2, g, db, code, alpha)``: δ ⊙ φ' into g (db empty: no
  bias sum).

The equations: :mod:`nnlite.activations` and ``reference/activations.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import checks
from ..activation_codes import act_code, derivative_input
from ..host_arrays import as2d, deliver_rows, output_2d


def activation_forward(z: np.ndarray, act: str, alpha: float = 0.0,
                       out: np.ndarray | None = None, *, bias_act: Callable) -> np.ndarray:
    """φ(z) elementwise (softmax: along the last axis) by the backend's ``bias_act``."""
    checks.activation_forward(z, act, alpha, out)
    code = act_code(act)
    out, work = output_2d(z.shape, z.dtype, out)
    if z.size:
        z2 = as2d(z)
        bias_act(z2, z2[0, :0], work, code, alpha)
    return deliver_rows(work, out)


def activation_backward(a: np.ndarray, delta: np.ndarray, act: str, alpha: float = 0.0,
                        out: np.ndarray | None = None, z: np.ndarray | None = None, *,
                        act_grad: Callable) -> np.ndarray:
    """δ ⊙ φ' from the output a (from ``z`` for gelu, swish, mish) by the backend's ``act_grad``."""
    checks.activation_backward(a, delta, act, alpha, out, z)
    code = act_code(act)
    out, work = output_2d(delta.shape, a.dtype, out)
    if delta.size:
        a2 = as2d(derivative_input(a, z, code))
        d2 = as2d(delta.astype(a.dtype, copy=False))
        act_grad(a2, d2, work, d2[0, :0], code, float(alpha))
    return deliver_rows(work, out)
