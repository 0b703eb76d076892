"""The dense kernels' host side (``_kernels/host_side/dense.py``).

Plain Python "loops" stand in for a backend's compiled ones: the products by a
backend's ``gemm`` or, with ``gemm=None``, NumPy's matmul, and an empty batch
that calls no loop.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlite._kernels.host_side import dense as host
from nnlite._kernels.reference import dense as reference


def gemm(A, B, C, ta, tb, beta):
    """C ← op(A)·op(B) + β C, after checking what a compiled GEMM is handed."""
    assert A.flags.c_contiguous and B.flags.c_contiguous and C.flags.c_contiguous
    C[...] = (A.T if ta else A) @ (B.T if tb else B) + beta * C


def bias_linear(z2, bias, out2, code, alpha):
    assert isinstance(alpha, float)
    out2[...] = z2 + bias


def act_grad_linear(a2, d2, g, db, code, alpha):
    g[...] = d2
    db[...] = d2.sum(axis=0)


def no_loop(*args):
    raise AssertionError("a loop was called for an empty batch")


@pytest.mark.parametrize("with_gemm", [gemm, None])
def test_forward_and_backward_match_the_reference(with_gemm):
    rng = np.random.default_rng(1)
    x, W, b, delta = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2), \
        rng.normal(size=(4, 2))
    a = host.dense_forward(x, W, b, "linear", gemm=with_gemm, bias_act=bias_linear)
    np.testing.assert_allclose(a, reference.dense_forward(x, W, b, "linear"))
    got = host.dense_backward(x, W, a, delta, "linear", gemm=with_gemm,
                              act_grad=act_grad_linear)
    for g, r in zip(got, reference.dense_backward(x, W, a, delta, "linear")):
        np.testing.assert_allclose(g, r)


def test_an_empty_batch_calls_no_loop():
    x, W, delta = np.empty((0, 3)), np.ones((3, 2)), np.empty((0, 2))
    dW, db, dx = host.dense_backward(x, W, delta, delta, "relu", gemm=None, act_grad=no_loop)
    assert not dW.any() and not db.any() and dx.shape == (0, 3)
