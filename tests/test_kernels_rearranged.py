"""Rearranged forms agree with the book's: each fast form beside the form a learner knows.

* Adam: the bias corrections folded into one step size α = η√(1 − β₂ᵗ)/(1 − β₁ᵗ),
  θ ← θ − α m/(√v + ε), against m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ),
  θ ← θ − η m̂/(√v̂ + ε̂) with ε̂ = ε/√(1 − β₂ᵗ) (Kingma & Ba, end of section 2).
* Batch norm: per-block moments merged with Chan's formula against the mean
  and variance of the whole batch.
* Dropout: the integer test (bits ≫ 40) ≥ ⌈rate·2²⁴⌉ of the fast backends
  against the specification u = (bits ≫ 40)·2⁻²⁴, keep = u ≥ rate, with bits
  hashed element by element in Python integers.
"""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest

from nnlite import _kernels
from nnlite._kernels.reference.dropout import dropout_key, splitmix64_int

CPU = [b for b in ("reference", "numba", "cython")
       if _kernels.available_backends()[b] == "available"]
FAST = [b for b in CPU if b != "reference"]


def book_adam(param, grad, m, v, lr, beta1, beta2, eps, t):
    """Adam as the book writes it, with bias-corrected moments m̂ and v̂."""
    m[...] = beta1 * m + (1 - beta1) * grad
    v[...] = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    eps_hat = eps / math.sqrt(1 - beta2**t)
    param -= lr * m_hat / (np.sqrt(v_hat) + eps_hat)


@pytest.mark.parametrize("backend", CPU)
def test_folded_adam_step_is_the_books_adam(backend):
    rng = np.random.default_rng(0)
    param = rng.standard_normal(1000)
    folded = [param.copy(), np.zeros(1000), np.zeros(1000)]
    book = [param.copy(), np.zeros(1000), np.zeros(1000)]
    adam = _kernels.get_kernel("adam_update", backend)
    for t in range(1, 21):
        grad = rng.standard_normal(1000) * 1e-2
        adam(*folded[:1], grad, *folded[1:], 1e-2, 0.9, 0.999, 1e-7, t)
        book_adam(*book[:1], grad, *book[1:], 1e-2, 0.9, 0.999, 1e-7, t)
    for got, expected in zip(folded, book):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def _batch_moments(backend: str):
    assert _kernels._load(backend) is not None, f"backend {backend!r} did not load"
    return importlib.import_module(_kernels._MODULES[backend] + ".batchnorm").batch_moments


@pytest.mark.parametrize("backend", FAST)
@pytest.mark.parametrize("n", [1, 63, 64, 65, 1000])
def test_block_moments_merged_by_chan_are_the_batch_moments(backend, n):
    rng = np.random.default_rng(n)
    x = 1e4 + rng.standard_normal((n, 7))  # a large mean: E[x²] − E[x]² would cancel
    mean, var = _batch_moments(backend)(np.ascontiguousarray(x))
    np.testing.assert_allclose(mean, x.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(var, ((x - x.mean(axis=0)) ** 2).mean(axis=0), rtol=1e-9,
                               atol=1e-12)


def spec_mask(n: int, seed: int, step: int, rate: float) -> np.ndarray:
    """keep_i = u_i ≥ rate with u_i = (splitmix64(key + i) ≫ 40)·2⁻²⁴, one int at a time."""
    key = dropout_key(seed, step)
    u = [(splitmix64_int((key + i) & 0xFFFFFFFFFFFFFFFF) >> 40) * 2.0**-24 for i in range(n)]
    return np.array(u) >= rate


RATES = [0.0, 0.3, 0.5, 1.0, 5 * 2.0**-24, math.nextafter(5 * 2.0**-24, 1.0),
         math.nextafter(0.5, 0.0)]


@pytest.mark.parametrize("backend", CPU)
@pytest.mark.parametrize("rate", RATES)
def test_integer_threshold_mask_is_the_uniform_test(backend, rate):
    mask = _kernels.get_kernel("dropout_mask", backend)(2000, 11, 3, rate)
    np.testing.assert_array_equal(mask, spec_mask(2000, 11, 3, rate))
