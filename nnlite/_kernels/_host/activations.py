"""Public activation kernels on top of ``ll.bias_act_2d`` / ``ll.act_grad_2d``.

φ for ``elu``, ``selu``, ``sigmoid`` and ``tanh`` is applied with NumPy's
ufuncs (:func:`vector_phi_`), not in the compiled loop, unless the backend
vectorizes it itself (``ll.simd_phi``): neither numba nor the C compiler has
a SIMD ``exp``/``expm1``/``tanh`` here (no SVML), so the scalar libm call
costs 8–16 ns per element, while NumPy's AVX2/AVX-512 float32 ufuncs take
0.1–0.3 ns per pass (256×300 ELU: 0.70 ms → 0.09 ms).  The ufunc expressions are
those of the reference, so the results are the reference's.
"""

from __future__ import annotations

import numpy as np

from .. import checks
from .._common import ELU, FROM_Z_CODES, LINEAR, SELU, SIGMOID, TANH, act_code, as2d
from ..reference.activations import SELU_ALPHA, SELU_SCALE

#: Activation codes applied by :func:`vector_phi_` (NumPy SIMD ufuncs).
VECTOR_PHI = frozenset((ELU, SELU, SIGMOID, TANH))


def vector_phi_(z: np.ndarray, code: int, alpha: float) -> None:
    r"""z ← φ(z) in place with NumPy ufuncs, for ``code`` in :data:`VECTOR_PHI`.

    elu: max(z, 0) + α·expm1(min(z, 0)); selu: λ·elu_{α_s}(z);
    sigmoid: with e = e^{−|z|}, 1/(1 + e) for z ≥ 0 and e/(1 + e) below;
    tanh: tanh z.  (Each equals the reference's ``where`` form.)
    """
    if code == TANH:
        np.tanh(z, out=z)
        return
    t = np.empty_like(z)
    if code == SIGMOID:
        np.abs(z, out=t)
        np.negative(t, out=t)
        np.exp(t, out=t)                      # e = e^{-|z|} ∈ (0, 1]
        negative = z < 0
        np.add(t, 1, out=z)
        np.reciprocal(z, out=z)               # 1/(1 + e)
        np.multiply(t, z, out=t)              # e/(1 + e)
        np.copyto(z, t, where=negative)
        return
    scale, a = (SELU_SCALE, SELU_ALPHA) if code == SELU else (1.0, alpha)
    np.minimum(z, 0, out=t)
    np.expm1(t, out=t)
    if a != 1.0:
        np.multiply(t, a, out=t)
    np.maximum(z, 0, out=z)
    np.add(z, t, out=z)
    if scale != 1.0:
        np.multiply(z, scale, out=z)


def bias_act_(ll, z2: np.ndarray, bias: np.ndarray, out2: np.ndarray, code: int,
              alpha: float) -> None:
    """out2 = φ(z2 + bias) with the low-level kernel, or the kernel + :func:`vector_phi_`.

    A backend whose ``ll.simd_phi`` lists an activation code vectorizes that φ
    itself (numba: ELU and SELU, with a branch-free e^x − 1).
    """
    if code in VECTOR_PHI and code not in getattr(ll, "simd_phi", ()):
        ll.bias_act_2d(z2, bias, out2, LINEAR, 0.0)
        vector_phi_(out2, code, alpha)
    else:
        ll.bias_act_2d(z2, bias, out2, code, float(alpha))


def derivative_input(a: np.ndarray, z: np.ndarray | None, code: int) -> np.ndarray:
    """What ``ll.act_grad_2d`` reads φ' from: z (in a's dtype) for gelu, swish and mish, else a."""
    return z.astype(a.dtype, copy=False) if code in FROM_Z_CODES else a


def out_2d(shape: tuple, dtype: np.dtype, out: np.ndarray | None
           ) -> tuple[np.ndarray, np.ndarray]:
    """(result array, C-contiguous 2-D array the kernel writes; same memory when possible)."""
    if out is None:
        out = np.empty(shape, dtype=dtype)
    k = shape[-1] if len(shape) else 1
    if out.flags.c_contiguous and out.dtype == dtype:
        return out, out.reshape(-1, k)
    return out, np.empty((out.size // max(k, 1), k), dtype=dtype)


class ActivationKernels:
    ll: object

    def activation_forward(self, z: np.ndarray, act: str, alpha: float = 0.0,
                           out: np.ndarray | None = None) -> np.ndarray:
        """a = φ(z) in one fused pass (see the reference)."""
        checks.activation_forward(z, act, alpha, out)
        code = act_code(act)
        out, work = out_2d(z.shape, z.dtype, out)
        if z.size:
            z2 = as2d(z)
            bias_act_(self.ll, z2, z2[0, :0], work, code, alpha)
            if not np.shares_memory(work, out):
                out[...] = work.reshape(z.shape)
        return out

    def activation_backward(self, a: np.ndarray, delta: np.ndarray, act: str,
                            alpha: float = 0.0, out: np.ndarray | None = None,
                            z: np.ndarray | None = None) -> np.ndarray:
        """g = δ ⊙ φ'(z) from the output a, or from z for gelu, swish, mish (see the reference)."""
        checks.activation_backward(a, delta, act, alpha, out, z)
        code = act_code(act)
        out, work = out_2d(delta.shape, a.dtype, out)
        if delta.size:
            a2 = as2d(derivative_input(a, z, code))
            d2 = as2d(delta.astype(a.dtype, copy=False))
            self.ll.act_grad_2d(a2, d2, work, d2[0, :0], code, float(alpha))
            if not np.shares_memory(work, out):
                out[...] = work.reshape(delta.shape)
        return out
