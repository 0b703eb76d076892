"""PReLU, general-ReLU and RReLU kernels: the reference's equations, RReLU slopes
identical bit for bit on every backend, and numba's parallel loops.

The agreement with the reference on every backend (batch 1, odd sizes,
strided, zero rows, large) is in ``test_kernels_agreement.py``; the cases
are declared in ``nnlite/checking/kernel_cases.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlite import _kernels
from nnlite._kernels import reference as ref
from nnlite.checking.kernel_cases import CASES

DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])


# ------------------------------------------------------------------ the reference
def test_relu_general_reference_values():
    x = np.array([-2.0, 0.5, 0.75, 1.0, 1.5, 3.0])
    # cap 1, slope 0.2, threshold 0.5: s(x − t) at and below t, min(x, M) above
    np.testing.assert_allclose(ref.relu_general_forward(x, 1.0, 0.2, 0.5),
                               [-0.5, 0.0, 0.75, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(ref.relu_general_backward(x, np.ones_like(x), 1.0, 0.2, 0.5),
                                  [0.2, 0.2, 1.0, 0.0, 0.0, 0.0])
    # ThresholdedReLU(θ = 1): x above θ, 0 elsewhere; ∂ = 1[x > θ]
    np.testing.assert_array_equal(ref.relu_general_forward(x, None, 0.0, 1.0),
                                  np.where(x > 1.0, x, 0.0))
    np.testing.assert_array_equal(ref.relu_general_backward(x, np.ones_like(x), None, 0.0, 1.0),
                                  (x > 1.0).astype(float))


def test_prelu_reference_sums_the_slope_gradient_over_shared_axes():
    rng = np.random.default_rng(0)
    x, dy = rng.standard_normal((6, 3, 4)), rng.standard_normal((6, 3, 4))
    alpha = rng.standard_normal((1, 4))  # shared_axes=[1]: one slope per channel
    dx, dalpha = ref.prelu_backward(x, alpha, dy)
    expected = np.zeros(4)
    for i in range(6):
        for h in range(3):
            expected += dy[i, h] * np.minimum(x[i, h], 0)
    np.testing.assert_allclose(dalpha, expected[None, :], rtol=1e-12)
    np.testing.assert_array_equal(dx, dy * np.where(x > 0, 1.0, alpha))
    assert ref.prelu_backward(x, alpha, dy, need_dx=False)[0] is None


def test_rrelu_slopes_are_the_dropout_uniforms_mapped_to_the_interval():
    n, seed, step, lower, upper = 5000, 11, 4, 0.1, 0.3
    u = ref.dropout_uniform(n, seed, step)
    slopes = -ref.rrelu_forward(-np.ones(n), seed, step, lower, upper)
    np.testing.assert_array_equal(slopes, lower + (upper - lower) * u)
    assert slopes.min() >= lower and slopes.max() < upper
    assert not np.array_equal(slopes, -ref.rrelu_forward(-np.ones(n), seed, step + 1,
                                                         lower, upper))


# -------------------------------------------------------------- every backend
@DTYPES
def test_rrelu_slopes_identical_across_backends(backend, dtype):
    # 301 × 257 = 77,357 elements: above the Cython kernels' threading threshold
    x = -np.ones((301, 257), dtype)
    dy = np.ones_like(x)
    expected = ref.rrelu_forward(x, 12345, 67, 0.1, 0.3)
    got = _kernels.get_kernel("rrelu_forward", backend)(x, 12345, 67, 0.1, 0.3)
    np.testing.assert_array_equal(got, expected)  # y = −a: the slopes themselves
    back = _kernels.get_kernel("rrelu_backward", backend)(x, dy, 12345, 67, 0.1, 0.3)
    np.testing.assert_array_equal(back, -expected)  # the backward draws the same slopes


@DTYPES
def test_rrelu_backward_is_the_derivative_of_the_forward(backend, dtype):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((57, 13)).astype(dtype)
    fwd = _kernels.get_kernel("rrelu_forward", backend)
    bwd = _kernels.get_kernel("rrelu_backward", backend)
    y = fwd(x, 5, 9, 0.1, 0.4)
    slopes = bwd(x, np.ones_like(x), 5, 9, 0.1, 0.4)
    np.testing.assert_array_equal(y, x * slopes)  # piecewise linear: y = f'(x)·x


# ------------------------------------------------------- numba's parallel loops
RECTIFIER_CASES = sorted(k for k in CASES if k.split(":")[0] in
                         {"prelu_forward", "prelu_backward", "relu_general_forward",
                          "relu_general_backward", "rrelu_forward", "rrelu_backward"})


@DTYPES
@pytest.mark.parametrize("key", RECTIFIER_CASES)
def test_numba_parallel_loops_match_reference(key, dtype, monkeypatch):
    """The ``parallel=True`` twins (inputs of ≥ 2²⁰ elements) on small inputs."""
    if _kernels.available_backends()["numba"] != "available":
        pytest.skip("numba backend unavailable")
    from nnlite._kernels.numba_cpu import _jit

    monkeypatch.setattr(_jit, "PARALLEL_MIN", 1)
    from test_kernels_agreement import run_case

    run_case(key, "odd", dtype, "numba")
