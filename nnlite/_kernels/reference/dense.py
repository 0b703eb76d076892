r"""Reference dense kernels: the fused affine map and activation.

The equations: :class:`nnlite.layers.Dense`; the code below reads like them.
δ ⊙ φ' is computed from the output a (from z for gelu, swish and mish).
"""

from __future__ import annotations

import numpy as np

from .. import checks
from .activations import activation_backward, activation_forward


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, act: str,
                  alpha: float = 0.0, out: np.ndarray | None = None) -> np.ndarray:
    """Dense layer output for a 2-D batch x of shape (n, d_in); W is (d_in, d_out)."""
    checks.dense_forward(x, W, b, act, alpha, out)
    z = np.matmul(x, W, out=out)
    if b is not None:
        z += b
    return activation_forward(z, act, alpha, out=z)


def dense_backward(x: np.ndarray, W: np.ndarray, a: np.ndarray, delta: np.ndarray,
                   act: str, alpha: float = 0.0, need_dx: bool = True,
                   dW: np.ndarray | None = None, db: np.ndarray | None = None,
                   z: np.ndarray | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Return (∂W, ∂b, ∂x) for δ = ∂L/∂a; ∂x is None when ``need_dx`` is False.

    Pass ``act="linear"`` when δ is already ∂L/∂z (fused softmax + CE).
    ``dW``/``db`` are optional preallocated outputs.  ``z`` = xW + b, the
    pre-activation, is needed by gelu, gelu_approximate, swish and mish (their
    φ' is computed from z) and ignored by the others.
    """
    checks.dense_backward(x, W, a, delta, act, alpha, need_dx, dW, db, z)
    g = activation_backward(a, delta, act, alpha, z=z)
    dW = np.matmul(x.T, g, out=dW)
    db = np.sum(g, axis=0, out=db)
    dx = g @ W.T if need_dx else None
    return dW, db, dx
