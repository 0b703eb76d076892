"""Other plausible forms of a kernel's equation, each tied to the mistake it reveals.

When a kernel's result matches one of them, ``check_kernels`` names it in
the hint instead of a bare difference.  A variant takes the kernel's
arguments (before the call, by name) and returns what that form would give:
``(result, arguments after the call)``, or None where it does not apply.
Most run the reference with one argument changed (ε = 0, ``nesterov=False``);
the others write the form out.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

import numpy as np

from .. import _kernels

Variant = Callable[[str, dict], tuple | None]


def reference_with(**changes) -> Variant:
    """The reference run with ``changes`` applied to the arguments (where it has them)."""
    def variant(kernel: str, params: dict) -> tuple | None:
        if any(name not in params or params[name] == value for name, value in changes.items()):
            return None
        args = copy.deepcopy(params)
        args.update(changes)
        return _kernels._loaded["reference"][kernel](**args), args
    return variant


def adam_book_form(kernel: str, params: dict) -> tuple | None:
    """Adam as the book writes it: m̂ and v̂ first, then ε added to √v̂."""
    p = params
    b1, b2, t = p["beta1"], p["beta2"], p["t"]
    grad = p["grad"].astype(np.float64)
    m = b1 * p["m"] + (1 - b1) * grad
    v = b2 * p["v"] + (1 - b2) * grad * grad
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    return None, {"param": p["param"] - p["lr"] * m_hat / (np.sqrt(v_hat) + p["eps"])}


def adam_folded(params: dict, m: np.ndarray, v: np.ndarray, root) -> dict:
    """The reference's folded Adam step from given moments, with ``root`` in place of √."""
    b1, b2, t = params["beta1"], params["beta2"], params["t"]
    alpha = params["lr"] * np.sqrt(1 - b2**t) / (1 - b1**t)
    return {"param": params["param"] - alpha * m / (root(v) + params["eps"])}


def adam_without_square_root(kernel: str, params: dict) -> tuple | None:
    """The step divided by v itself, not by √v."""
    p = params
    grad = p["grad"].astype(np.float64)
    m = p["beta1"] * p["m"] + (1 - p["beta1"]) * grad
    v = p["beta2"] * p["v"] + (1 - p["beta2"]) * grad * grad
    return None, adam_folded(p, m, v, root=lambda a: a)


def adam_step_with_old_moments(kernel: str, params: dict) -> tuple | None:
    """The step taken with last step's m and v, before they are updated."""
    if not params["m"].any():  # the first step: old moments are zero, nothing to tell
        return None
    return None, adam_folded(params, params["m"], params["v"], root=np.sqrt)


def global_norm_summed(kernel: str, params: dict) -> tuple | None:
    """Σ‖g‖ over the tensors, where the global norm is √(Σ‖g‖²)."""
    return float(sum(np.sqrt(np.sum(np.asarray(g, np.float64) ** 2))
                     for g in params["grads"])), {}


def bn_backward_constant_statistics(kernel: str, params: dict) -> tuple | None:
    """∂x = γ·δ/σ: the batch mean and variance treated as constants."""
    dx = params["gamma"] * params["inv_std"] * params["dy"]
    return (dx, None, None), {}


EPSILON_MISSING = ("matches the equation without ε: add ε where the reference does (inside "
                   "the square root, or to the denominator)")

#: kernel name -> [(variant, what to tell the learner when the result matches it)]
VARIANTS: dict[str, list[tuple[Variant, str]]] = {
    "adam_update": [(adam_book_form,
                     "this is the book's form, ε added to √v̂ = √(v/(1−β₂ᵗ)); the reference "
                     "(as Keras) folds both corrections into the step size "
                     "α = η·√(1−β₂ᵗ)/(1−β₁ᵗ) and adds ε to the uncorrected √v. Where "
                     "gradients are small the two differ by more than the tolerance: write "
                     "the folded form"),
                    (adam_without_square_root,
                     "the step is divided by v, not by √v: the square root of the second "
                     "moment is missing"),
                    (adam_step_with_old_moments,
                     "the step uses last step's m and v: update the moments first, then "
                     "step with the new ones")],
    "global_norm": [(global_norm_summed,
                     "the tensors' norms are added: the global norm is √(Σ‖g‖²) over every "
                     "entry of every tensor, not Σ‖g‖")],
    "bn_backward": [(bn_backward_constant_statistics,
                     "∂x = γ·δ/σ: the batch mean and variance are treated as constants; they "
                     "depend on x too, which adds −(Σδ + x̂·Σ(δ⊙x̂))/N inside the parentheses")],
    "sgd_momentum_update": [(reference_with(nesterov=False),
                             "matches plain momentum: nesterov=True is ignored (Nesterov "
                             "steps with the look-ahead momentum·v − η·g)")],
}


def _at(where: str, result: object, args: dict) -> object:
    """The value at ``where`` (``result[1]``, ``argument param``) of a variant's outputs."""
    if where.startswith("argument "):
        name = where.split()[1].split("[")[0]
        value, path = args.get(name), where.split(name, 1)[1]
    else:
        value, path = result, where[len("result"):]
    for index in re.findall(r"\[(\d+)\]", path):
        value = None if value is None else value[int(index)]
    return value


def matching_variant(kernel: str, params: dict, where: str, got: object,
                     rtol: float, atol: float) -> str:
    """The message of the first variant of ``kernel`` whose value at ``where`` equals
    ``got``, or ""."""
    candidates = list(VARIANTS.get(kernel, []))
    if "eps" in params:
        candidates.append((reference_with(eps=0.0), EPSILON_MISSING))
    for variant, message in candidates:
        try:
            outputs = variant(kernel, params)
        except Exception:  # a variant that cannot run on these inputs tells nothing
            continue
        if outputs is None:
            continue
        expected = _at(where, *outputs)
        if expected is not None and np.shape(got) == np.shape(expected) and np.allclose(
                got, expected, rtol=10 * rtol, atol=10 * atol):
            return message
    return ""
