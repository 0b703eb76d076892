"""A tiny MLP trained a few steps with the kernels gives the same losses on every backend,
and optimizer kernels flush subnormal state to zero."""

from __future__ import annotations

import numpy as np
import pytest

from nnlite import _kernels


def _train(backend: str, dtype=np.float32, steps: int = 5) -> list[float]:
    k = {name: _kernels.get_kernel(name, backend) for name in _kernels.KERNEL_NAMES}
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 20)).astype(dtype)
    y = rng.integers(0, 4, 64)
    W1, b1 = (rng.standard_normal((20, 16)) * 0.3).astype(dtype), np.zeros(16, dtype)
    W2, b2 = (rng.standard_normal((16, 4)) * 0.3).astype(dtype), np.zeros(4, dtype)
    params = [W1, b1, W2, b2]
    state = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    losses = []
    for t in range(1, steps + 1):
        h = k["dense_forward"](x, W1, b1, "relu")
        z = k["dense_forward"](h, W2, b2, "linear")
        loss, dz = k["softmax_xent_sparse"](z, y, 1 / len(x))
        losses.append(float(loss.mean()))
        dW2, db2, dh = k["dense_backward"](h, W2, z, dz, "linear")
        dW1, db1, _ = k["dense_backward"](x, W1, h, dh, "relu", need_dx=False)
        for p, g, (m, v) in zip(params, [dW1, db1, dW2, db2], state):
            k["adam_update"](p, g, m, v, 0.01, 0.9, 0.999, 1e-7, t)
    return losses


def test_small_mlp_same_losses(backend):
    expected = _train("reference")
    got = _train(backend)
    assert expected[-1] < expected[0]
    np.testing.assert_allclose(got, expected, rtol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["reference", "numba", "cython"])
def test_adam_flushes_subnormals(name, dtype):
    if _kernels.available_backends()[name] != "available":
        pytest.skip(name)
    tiny = np.finfo(dtype).tiny
    p, g = np.ones(1000, dtype), np.zeros(1000, dtype)
    m = np.full(1000, tiny, dtype)      # β₁·m and β₂·v fall below tiny: subnormal
    v = np.full(1000, tiny, dtype)
    _kernels.get_kernel("adam_update", name)(p, g, m, v, 1e-3, 0.9, 0.999, 1e-7, 1)
    assert np.all(m == 0) and np.all(v == 0)


def _nan_step(name: str, kernel: str, dtype) -> list[np.ndarray]:
    """One optimizer step with a NaN in the gradient; returns (param, *state)."""
    p, g = np.ones(64, dtype), np.full(64, 1e-3, dtype)
    g[5] = np.nan
    state = [np.full(64, 1e-3, dtype) for _ in range(3)]
    k = _kernels.get_kernel(kernel.split(":")[0], name)
    if kernel == "adam_update":
        k(p, g, *state[:2], 1e-3, 0.9, 0.999, 1e-7, 1)
    elif kernel == "adam_update:amsgrad":
        k(p, g, *state[:2], 1e-3, 0.9, 0.999, 1e-7, 1, state[2])
    elif kernel == "rmsprop_update":
        k(p, g, state[0], 1e-3, 0.9, 1e-7, state[1], 0.5)
    elif kernel == "adamax_update":
        k(p, g, *state[:2], 1e-3, 0.9, 0.999, 1e-7, 1)
    else:  # sgd_momentum_update
        k(p, g, state[0], 1e-3, 0.9, False)
    return [p, *state]


@pytest.mark.parametrize("kernel", ["adam_update", "adam_update:amsgrad", "rmsprop_update",
                                    "adamax_update", "sgd_momentum_update"])
def test_flush_to_zero_keeps_nan(backend, kernel):
    """A NaN gradient must show up in the state and the weights, not be flushed to 0."""
    expected = _nan_step("reference", kernel, np.float32)
    got = _nan_step(backend, kernel, np.float32)
    assert np.isnan(expected[0][5]) and np.isnan(expected[1][5])
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-5)  # NaN == NaN here
