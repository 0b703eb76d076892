"""Guess the likely mistake behind a difference from the expected numbers.

Each rule looks at the expected and obtained arrays (for an array updated in
place, at its values and then at the *updates*: after minus before) and
returns a sentence, or "" when the numbers do not tell.  Rules, in order:
wrong shape (transposed, not summed over the batch, summed where one value
per example belongs), NaN or inf produced, an in-place argument left
unchanged, all zeros, a square or a square root too many, the right numbers
in the wrong places (transposed), a constant ratio (sign, N or 1/N, the
dropout scale, the learning rate, Adam's bias corrections, or the factor
itself), a factor of its own per column (a per-feature statistic such as a
normalization's variance), and otherwise how many entries differ and where (a row, a column,
only where one side is 0).  Known other forms of an equation (ε left out,
the book's Adam) are recognised by :mod:`nnlite.checking.variants`.
"""

from __future__ import annotations

import re

import numpy as np

from .._kernels.reference.activations import SELU_SCALE

#: How close a ratio must be to a named factor to be called by its name.
FACTOR_RTOL = 2e-3


def shape_hint(e: tuple, g: tuple) -> str:
    """Why shape ``g`` was produced where ``e`` is expected, when it can be told."""
    if len(e) >= 2 and g == e[::-1]:
        return (f"the result has the transposed shape {g} instead of {e}: a transposed "
                f"gradient (e.g. δ.T @ x where the equation has x.T @ δ)")
    if len(g) == len(e) + 1 and g[1:] == e:
        return (f"one value per example, shape {g}, where {e} is expected: the sum over the "
                f"batch (axis 0) is missing, e.g. db = δ.sum(axis=0)")
    if len(g) < len(e) and e[len(e) - len(g):] == g:
        return (f"shape {g} where one value per example, {e}, is expected: do not sum or "
                f"average over the batch here (the caller does)")
    return f"wrong shape: expected {e}, got {g}"


def nan_hint(expected: np.ndarray, got: np.ndarray) -> str:
    bad = ~np.isfinite(got) & np.isfinite(expected)
    if not bad.any():
        return ""
    where = tuple(int(i) for i in np.argwhere(bad)[0])
    kind = "NaN" if np.isnan(got[where]) else "inf"
    return (f"{kind} produced at index {where} ({int(bad.sum())} entries) where the expected "
            f"value is finite: a division by zero, log(0), exp overflow or sqrt of a negative "
            f"number? (the reference's stable forms are in its docstring)")


def unchanged_hint(name: str, before: np.ndarray, expected: np.ndarray,
                   got: np.ndarray) -> str:
    if np.array_equal(got, before, equal_nan=True) and not np.array_equal(
            expected, before, equal_nan=True):
        return (f"{name} was left unchanged: this kernel updates it in place; write "
                f"{name}[...] = … or {name} -= … (a plain `{name} = …` only rebinds the "
                f"local name and the caller never sees the result)")
    return ""


def placement_hint(expected: np.ndarray, got: np.ndarray, rtol: float, atol: float) -> str:
    """The right numbers in the wrong places: transposed, or otherwise permuted."""
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and \
            np.allclose(got, expected.T, rtol=rtol, atol=atol):
        return "got equals expected.T: the right numbers transposed (a transposed gradient?)"
    if expected.size > 1 and np.allclose(np.sort(got, axis=None), np.sort(expected, axis=None),
                                         rtol=rtol, atol=atol):
        return ("the right numbers in the wrong places (the sorted values agree): a "
                "transposed or wrongly reshaped result, or axes swapped")
    return ""


def constant_ratio(expected: np.ndarray, got: np.ndarray) -> float | None:
    """got / expected when it is the same number everywhere (None otherwise)."""
    e, g = expected.reshape(-1).astype(float), got.reshape(-1).astype(float)
    if e.size == 1:  # a single number (a norm, a loss): its ratio, whatever it is
        c = float(g[0] / e[0]) if e[0] != 0 and np.isfinite(g[0]) else 0.0
        return None if c == 0 or abs(c - 1) < 1e-3 else c
    scale = np.max(np.abs(e)) if e.size else 0.0
    keep = np.abs(e) > 1e-3 * scale
    if scale == 0 or keep.sum() < 2 or not np.isfinite(g).all():
        return None
    ratio = g[keep] / e[keep]
    c = float(np.median(ratio))
    if c == 0 or abs(c - 1) < 1e-3 or np.max(np.abs(ratio - c)) > 1e-3 * abs(c):
        return None
    if not np.allclose(g, c * e, rtol=1e-3, atol=1e-6 * scale):
        return None
    return c


def _close(c: float, value: float) -> bool:
    return value != 0 and abs(c / value - 1) < FACTOR_RTOL


def _named_factors(params: dict, rows: int | None) -> list[tuple[float, str]]:
    """(factor, explanation) pairs for got/expected, from the kernel's own arguments."""
    named = []
    rate = params.get("rate")
    if isinstance(rate, float) and 0 < rate < 1:
        keep = 1 - rate
        named += [(keep, f"off by exactly 1−rate = {keep:g}: the inverted-dropout scale "
                         f"1/(1−rate) = {1 / keep:g} is missing"),
                  (keep * keep, f"off by exactly (1−rate)² = {keep * keep:g}: multiplied by "
                                f"1−rate where the inverted-dropout scale divides by it"),
                  (1 / keep, f"off by exactly 1/(1−rate) = {1 / keep:g}: the inverted-dropout "
                             f"scale is applied twice, or where none belongs")]
    lr = params.get("lr")
    if isinstance(lr, float) and lr not in (0.0, 1.0):
        named += [(lr, f"off by exactly lr = {lr:g}: the learning rate is applied twice"),
                  (1 / lr, f"off by exactly 1/lr = {1 / lr:g}: the learning rate is missing")]
    b1, b2, t = params.get("beta1"), params.get("beta2"), params.get("t")
    if isinstance(b1, float) and isinstance(b2, float) and isinstance(t, int) and t >= 1:
        c1, c2 = 1 - b1**t, np.sqrt(1 - b2**t)
        named += [(c1 / c2, f"off by (1−β₁ᵗ)/√(1−β₂ᵗ) = {c1 / c2:.4g} at step t = {t}: the "
                            f"bias corrections m̂ = m/(1−β₁ᵗ) and v̂ = v/(1−β₂ᵗ) are missing"),
                  (c1, f"off by 1−β₁ᵗ = {c1:.4g}: the bias correction m̂ = m/(1−β₁ᵗ) is "
                       f"missing"),
                  (1 / c2, f"off by 1/√(1−β₂ᵗ) = {1 / c2:.4g}: the bias correction "
                           f"v̂ = v/(1−β₂ᵗ) is missing")]
    if params.get("act") == "selu":
        named += [(1 / SELU_SCALE, f"off by exactly 1/λ = {1 / SELU_SCALE:.6g}: SELU's scale "
                                   f"λ ≈ {SELU_SCALE:.4f} is missing")]
    if rows is not None and rows > 1:
        named += [(float(rows), f"off by exactly N = {rows} (the batch size): a 1/N is "
                                f"missing (a sum over the batch where a mean belongs)"),
                  (1 / rows, f"off by exactly 1/N = 1/{rows}: a mean over the batch where the "
                             f"equation sums (or a 1/N counted twice)")]
    named += [(-1.0, "sign flipped (got = −expected): e.g. θ += η·g where θ −= η·g belongs, "
                     "or y − t where t − y belongs"),
              (2.0, "off by exactly 2: e.g. the derivative of ½x² is x, not 2x"),
              (0.5, "off by exactly ½: e.g. the derivative of x² is 2x")]
    return named


def factor_hint(c: float, params: dict, rows: int | None) -> str:
    for value, text in _named_factors(params, rows):
        if _close(c, value):
            return text.replace("off by exactly", "off by a constant factor, exactly", 1)
    return f"off by a constant factor: got = {c:.6g} × expected"


def value_hint(expected: np.ndarray, got: np.ndarray, rtol: float, atol: float) -> str:
    """Nothing written, a square or a square root too many."""
    if not got.any() and expected.any():
        return ("got all zeros: nothing was written into it (write into the given array: "
                "w.grad[...] = …, out[...] = …)")
    if np.allclose(got, expected * expected, rtol=rtol, atol=atol):
        return "got = expected²: a square root is missing (e.g. a squared norm)"
    if (expected >= 0).all() and np.allclose(got * got, expected, rtol=rtol, atol=atol):
        return "got = √expected: a square root too many"
    return ""


def column_scale_hint(expected: np.ndarray, got: np.ndarray, rows: int | None = None) -> str:
    """Each column (feature) scaled by its own factor around its mean: a per-feature statistic.

    Centred by column, ``got − mean(got) = c_j · (expected − mean(expected))``
    with one c_j per column, not all equal: what a wrong variance or standard
    deviation does to a normalization (ε left out, N − 1 in place of N).
    """
    if expected.ndim != 2 or expected.shape[0] < 3 or expected.shape[1] < 2:
        return ""
    e = expected.astype(float) - expected.mean(axis=0)
    g = got.astype(float) - got.mean(axis=0)
    norm = np.sum(e * e, axis=0)
    if not (norm > 0).all() or not np.isfinite(g).all():
        return ""
    c = np.sum(e * g, axis=0) / norm  # least-squares factor of each column
    if not np.allclose(g, c * e, rtol=1e-4, atol=1e-6 * np.max(np.abs(e))) or \
            np.allclose(c, 1.0, rtol=1e-6):
        return ""
    shown = ", ".join(f"{v:.6g}" for v in c[:4]) + (", …" if c.size > 4 else "")
    if rows is not None and rows > 1 and np.allclose(c, np.sqrt((rows - 1) / rows), rtol=1e-3):
        return (f"each column (feature) is scaled around its mean by √((N−1)/N) = "
                f"{np.sqrt((rows - 1) / rows):.6g} (N = {rows}): the variance is divided by "
                f"N − 1 (unbiased, np.var(ddof=1)) where the equation divides by N")
    return (f"each column (feature) is scaled around its mean by its own factor ({shown}): "
            f"a per-feature statistic is off — the variance or standard deviation (ε left "
            f"out? divided by N − 1 instead of N?)")


def spread_hint(expected: np.ndarray, got: np.ndarray, bad: np.ndarray) -> str:
    """How many entries differ, and where: a row, a column, or where one side is 0."""
    n_bad, n = int(bad.sum()), bad.size
    if n_bad and n_bad < n and not expected[bad].any():
        return (f"{n_bad} of {n} entries differ, all where the expected value is 0: a mask or "
                f"a condition (x > 0, dropped units) is missing or wrong")
    if n_bad and n_bad < n and not got[bad].any():
        return (f"{n_bad} of {n} entries differ, all where you got 0: a mask or condition "
                f"too strict")
    flat = bad.reshape(-1)
    first = int(np.argmax(flat)) if n_bad else 0
    if 0 < first and flat[first:].all():
        return (f"the first {first} entries are right and every entry from flat index {first} "
                f"on differs: a loop that covers only part of the array, or covers some of it "
                f"twice (in a CUDA grid-stride loop, step by cuda.gridsize(1))")
    text = f"{n_bad} of {n} entries differ"
    if bad.ndim == 2 and n_bad > 1:
        rows, cols = np.nonzero(bad)
        if len(set(cols)) == 1:
            text += f", all in column {cols[0]}"
        elif len(set(rows)) == 1:
            text += f", all in row {rows[0]}"
    return text


_BROADCAST = re.compile(r"from shape \(([\d, ]*)\) into shape \(([\d, ]*)\)")


def exception_hint(exc: BaseException) -> str:
    """``raised <type>: <message>``, plus the shape hint for a broadcast into ``w.grad``."""
    text = f"raised {type(exc).__name__}: {exc}"
    match = _BROADCAST.search(str(exc))
    if match:
        got, expected = (tuple(int(n) for n in m.split(",") if n.strip())
                         for m in match.groups())
        hint = shape_hint(expected, got)
        if not hint.startswith("wrong shape"):
            text += f" — {hint}"
    return text


def diagnose(expected, got, *, rtol: float, atol: float, params: dict | None = None,
             rows: int | None = None, before: np.ndarray | None = None,
             name: str = "the output") -> str:
    """The likely mistake behind ``got`` ≠ ``expected`` (arrays), or how it differs."""
    params = params or {}
    e, g = np.asarray(expected), np.asarray(got)
    if e.shape != g.shape:
        return shape_hint(e.shape, g.shape)
    if e.dtype == bool or g.dtype.kind not in "fiu":
        return ""
    hint = nan_hint(e, g)
    if hint:
        return hint
    if before is not None:
        hint = unchanged_hint(name, before, e, g)
        if hint:
            return hint
        c = constant_ratio(e, g)  # the values themselves off by a factor (scale_, clipping)
        if c is not None:
            return f"{name} is " + factor_hint(c, params, rows)
        e, g = e.astype(float) - before, g.astype(float) - before  # compare the updates
    hint = value_hint(e, g, rtol, atol) or placement_hint(e, g, rtol, atol)
    if hint:
        return hint
    c = constant_ratio(e, g)
    if c is not None:
        what = f"the update of {name} is " if before is not None else ""
        return what + factor_hint(c, params, rows)
    bad = ~(np.abs(g - e) <= atol + rtol * np.abs(e))
    return column_scale_hint(e, g, rows) or spread_hint(e, g, bad)
