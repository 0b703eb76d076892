"""The batch-norm kernels' host side (``_kernels/host_side/batchnorm.py``).

Plain Python "loops" stand in for a backend's compiled ones: what the host
side hands them, where the results land, and that an empty batch calls none.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlite._kernels.host_side import batchnorm as host
from nnlite._kernels.reference import batchnorm as reference


def normalize(x, mean, inv_std, gamma, beta, xhat, y, want_xhat):
    """x̂ and y as a compiled loop computes them, after checking what it was handed."""
    for a in (x, mean, inv_std, gamma, beta, xhat, y):
        assert a.flags.c_contiguous and a.dtype == x.dtype
    h = (x - mean) * inv_std
    if want_xhat:
        xhat[...] = h
    y[...] = gamma * h + beta


def no_loop(*args):
    raise AssertionError("a loop was called for an empty batch")


def test_the_loop_gets_c_contiguous_arrays_of_the_batch_dtype_and_writes_out():
    x = np.random.default_rng(0).normal(size=(5, 8)).astype(np.float32)[:, ::2]
    mean, var = np.linspace(-1, 1, 4), np.linspace(0.5, 2, 4)
    gamma, beta = np.arange(1.0, 5.0), np.zeros(4)
    out = np.empty((5, 4), np.float32)
    y = host.bn_forward_infer(x, mean, var, gamma, beta, 1e-3, out, normalize=normalize)
    assert y is out
    np.testing.assert_allclose(y, reference.bn_forward_infer(x, mean, var, gamma, beta, 1e-3),
                               rtol=1e-6)


def test_an_empty_batch_calls_no_loop():
    x = np.empty((0, 3))
    y, xhat, mean, var, inv_std = host.bn_forward_train(
        x, np.ones(3), np.zeros(3), 1e-3, moments=no_loop, normalize=no_loop)
    assert y.shape == xhat.shape == (0, 3) and np.isnan(mean).all() and np.isnan(var).all()
    dx, dgamma, dbeta = host.bn_backward(x, x, np.ones(3), np.ones(3), rows=64,
                                         grad_sums=no_loop, bn_dx=no_loop)
    assert dx.shape == (0, 3) and not dgamma.any() and not dbeta.any()


@pytest.mark.parametrize("n", [1, 5, 6])
def test_batch_moments_hands_one_block_row_per_rows_rows(n):
    seen = []

    def block_stats(x, rows, bmean, bm2):
        seen.append(bmean.shape)
        bmean[...], bm2[...] = 0.0, 0.0

    def merge_stats(n, rows, bmean, bm2, mean, var):
        mean[...], var[...] = 1.0, 2.0

    mean, var = host.batch_moments(np.ones((n, 3)), rows=2, block_stats=block_stats,
                                   merge_stats=merge_stats)
    assert seen == [(-(-n // 2), 3)] and (mean == 1.0).all() and (var == 2.0).all()
