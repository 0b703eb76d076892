"""Public activation kernels on top of ``ll.bias_act_2d`` / ``ll.act_grad_2d``."""

from __future__ import annotations

import numpy as np

from .._common import act_code, as2d


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
        code = act_code(act)
        out, work = out_2d(z.shape, z.dtype, out)
        if z.size:
            z2 = as2d(z)
            self.ll.bias_act_2d(z2, z2[0, :0], work, code, float(alpha))
            if not np.shares_memory(work, out):
                out[...] = work.reshape(z.shape)
        return out

    def activation_backward(self, a: np.ndarray, delta: np.ndarray, act: str,
                            alpha: float = 0.0, out: np.ndarray | None = None) -> np.ndarray:
        """g = δ ⊙ φ'(z) from the output a (see the reference)."""
        code = act_code(act)
        out, work = out_2d(delta.shape, a.dtype, out)
        if delta.size:
            a2, d2 = as2d(a), as2d(delta.astype(a.dtype, copy=False))
            self.ll.act_grad_2d(a2, d2, work, d2[0, :0], code, float(alpha))
            if not np.shares_memory(work, out):
                out[...] = work.reshape(delta.shape)
        return out
