"""The dense kernels' host side (``_kernels/host_side/dense.py``).

Plain Python "loops" stand in for a backend's compiled ones (the products are
the backends' own, outside the host side); an empty batch calls no loop.
"""

from __future__ import annotations

import numpy as np

from nnlite._kernels.host_side import dense as host
from nnlite._kernels.reference import dense as reference


def bias_linear(z2, bias, out2, code, alpha):
    assert isinstance(alpha, float)
    out2[...] = z2 + bias


def act_grad_linear(a2, d2, g, db, code, alpha):
    g[...] = d2
    db[...] = d2.sum(axis=0)


def no_loop(*args):
    raise AssertionError("a loop was called for an empty batch")


def test_bias_and_activation_then_gradient_at_z_match_the_reference():
    rng = np.random.default_rng(1)
    x, W, b, delta = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2), \
        rng.normal(size=(4, 2))
    a = host.bias_and_activation(x @ W, b, "linear", 0, bias_act=bias_linear)
    np.testing.assert_allclose(a, reference.dense_forward(x, W, b, "linear"))
    x32, g, db = host.gradient_at_z(x.astype(np.float32), a, delta, "linear", 0.0, None, None,
                                    act_grad=act_grad_linear)
    assert x32.dtype == g.dtype == np.float64  # x in the gradient's dtype, for the products
    dW, expected_db, _ = reference.dense_backward(x, W, a, delta, "linear")
    np.testing.assert_allclose(x32.T @ g, dW, rtol=1e-6)
    np.testing.assert_allclose(db, expected_db)


def test_the_bias_gradient_lands_in_db():
    delta = np.arange(6.0).reshape(3, 2)
    db = np.empty(2)
    _, _, got = host.gradient_at_z(np.ones((3, 4)), delta, delta, "linear", 0.0, db, None,
                                   act_grad=act_grad_linear)
    assert got is db and np.array_equal(db, [6.0, 9.0])


def test_an_empty_batch_calls_no_loop():
    delta = np.empty((0, 2))
    assert host.bias_and_activation(delta, np.ones(2), "relu", 0.0, bias_act=no_loop) is delta
    _, g, db = host.gradient_at_z(np.empty((0, 3)), delta, delta, "relu", 0.0, None, None,
                                  act_grad=no_loop)
    assert g.shape == (0, 2) and not db.any()
