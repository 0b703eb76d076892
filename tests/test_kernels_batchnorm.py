"""Batch-norm statistics stay accurate on data with a large mean (no cancellation)."""

from __future__ import annotations

import numpy as np
import pytest

from nnlite import _kernels
from nnlite._kernels import reference as ref

#: A mean so large that E[x²] − E[x]² in float64 loses every digit of σ² = 1.
BIG_MEAN = {np.float64: 1e8, np.float32: 1e6}


def _data(dtype, n=4096, c=5):
    rng = np.random.default_rng(3)
    return (BIG_MEAN[dtype] + rng.standard_normal((n, c))).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_data_defeats_the_one_pass_textbook_formula(dtype):
    x = _data(dtype).astype(np.float64)
    naive = (x * x).mean(axis=0) - x.mean(axis=0) ** 2
    assert not np.allclose(naive, x.var(axis=0), rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_reference_stats_stable_on_large_mean(dtype):
    x = _data(dtype)
    exact = x.astype(np.float64).var(axis=0)
    _, var = ref.bn_stats(x)
    np.testing.assert_allclose(var, exact, rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_backend_stats_stable_on_large_mean(backend, dtype):
    x = _data(dtype)
    exact = x.astype(np.float64).var(axis=0)
    mean, var = _kernels.get_kernel("bn_stats", backend)(x)
    np.testing.assert_allclose(var, exact, rtol=1e-5)
    np.testing.assert_allclose(mean, x.astype(np.float64).mean(axis=0), rtol=1e-7)


def test_backward_matches_finite_differences():
    rng = np.random.default_rng(0)
    x, gamma, beta = rng.standard_normal((6, 3)), rng.random(3) + 0.5, rng.standard_normal(3)
    dy = rng.standard_normal((6, 3))

    def loss(xx):
        return float((ref.bn_forward_train(xx, gamma, beta, 1e-3)[0] * dy).sum())

    _, xhat, _, _, inv_std = ref.bn_forward_train(x, gamma, beta, 1e-3)
    dx, _, _ = ref.bn_backward(dy, xhat, gamma, inv_std)
    num = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = 1e-6
        num[idx] = (loss(x + e) - loss(x - e)) / 2e-6
    np.testing.assert_allclose(dx, num, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", ["reference", "numba", "cython"])
def test_backward_from_x_equals_backward_from_xhat(name):
    """Recomputing x̂ = (x − μ)·inv_std in the backward gives the stored x̂'s gradients."""
    if _kernels.available_backends()[name] != "available":
        pytest.skip(name)
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((300, 7)) * 3 + 2).astype(np.float32)
    dy = rng.standard_normal((300, 7)).astype(np.float32)
    gamma, beta = np.full(7, 1.5, np.float32), np.zeros(7, np.float32)
    fwd, bwd = (_kernels.get_kernel(k, name) for k in ("bn_forward_train", "bn_backward"))
    y, xhat, mean, _, inv_std = fwd(x, gamma, beta, 1e-3)
    y2, none, *_ = fwd(x, gamma, beta, 1e-3, keep_xhat=False)
    assert none is None
    np.testing.assert_array_equal(y2, y)
    from_xhat = bwd(dy, xhat, gamma, inv_std)
    from_x = bwd(dy, x, gamma, inv_std, mean=mean)
    for a, b in zip(from_xhat, from_x):
        np.testing.assert_array_equal(b, a)
