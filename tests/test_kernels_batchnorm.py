"""Batch-norm statistics stay accurate on data with a large mean (no cancellation)."""

from __future__ import annotations

import numpy as np
import pytest

from nnlite import _kernels
from nnlite._kernels import reference as ref


def _data(dtype, n=4096, c=5):
    rng = np.random.default_rng(3)
    return (1e4 + 0.1 * rng.standard_normal((n, c))).astype(dtype)


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
