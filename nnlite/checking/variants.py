"""Other correct-looking forms of a kernel's equation that the reference does not compute.

When a kernel's result matches one of them, ``check_kernels`` names it in
the hint instead of a bare difference.  Each variant computes, from the
kernel's arguments before the call, the arrays it would leave behind.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def adam_book_form(p: dict) -> dict[str, np.ndarray]:
    """Adam as the book writes it: m̂ and v̂ first, then ε added to √v̂."""
    b1, b2, t = p["beta1"], p["beta2"], p["t"]
    grad = p["grad"].astype(np.float64)
    m = b1 * p["m"] + (1 - b1) * grad
    v = b2 * p["v"] + (1 - b2) * grad * grad
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    return {"param": p["param"] - p["lr"] * m_hat / (np.sqrt(v_hat) + p["eps"])}


#: kernel name -> (variant, what to tell the learner when the result matches it)
VARIANTS: dict[str, list[tuple[Callable[[dict], dict], str]]] = {
    "adam_update": [(adam_book_form,
                     "this is the book's form, ε added to √v̂ = √(v/(1−β₂ᵗ)); the reference "
                     "(as Keras) folds both corrections into the step size "
                     "α = η·√(1−β₂ᵗ)/(1−β₁ᵗ) and adds ε to the uncorrected √v. Where "
                     "gradients are small the two differ by more than the tolerance: write "
                     "the folded form")],
}


def matching_variant(kernel: str, params: dict, arg: str, got: np.ndarray,
                     rtol: float, atol: float) -> str:
    """The message of the first variant of ``kernel`` whose ``arg`` equals ``got``, or ""."""
    for variant, message in VARIANTS.get(kernel, []):
        expected = variant(params).get(arg)
        if expected is not None and np.shape(got) == np.shape(expected) and np.allclose(
                got, expected, rtol=10 * rtol, atol=10 * atol):
            return message
    return ""
