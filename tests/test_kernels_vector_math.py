"""The training-speed paths of the kernels agree with the reference on hard inputs.

* numba's branch-free e^x − 1 (ELU, SELU) over the whole negative range, at
  both precisions, with NaN, ±inf, −0 and subnormals; in place (z is out) as
  well as out of place;
* the NumPy-ufunc φ of the host wrappers (ELU/SELU/sigmoid/tanh on backends
  without their own SIMD φ);
* ``bn_backward(need_dx=False)``: the same ∂γ, ∂β and no ∂x.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlite import _kernels
from nnlite._kernels import reference as ref
from nnlite._kernels.activation_codes import ACT_CODE
from nnlite._kernels.vector_phi import VECTOR_PHI, vector_phi_

#: ULPs allowed against NumPy's expm1 (float32), relative error (float64).
ULPS32, REL64 = 3.0, 1e-15  # SELU: λ·α_s is one rounded constant here


def hard_inputs(dtype) -> np.ndarray:
    """A dense grid over [−60, 5] plus the special values, as a (rows, 101) matrix."""
    grid = np.linspace(-60.0, 5.0, 200_000)
    tiny = np.finfo(dtype).tiny
    special = [0.0, -0.0, tiny, -tiny, tiny / 4, -tiny / 4, -1e-8, -0.34657359, -0.34657360,
               -17.33, -37.5, -40.0, -41.0, -87.0, -745.0, -1e30, np.inf, -np.inf, np.nan]
    values = np.concatenate([grid, special]).astype(dtype)
    pad = (-len(values)) % 101
    return np.concatenate([values, np.zeros(pad, dtype)]).reshape(-1, 101)


def assert_close_to_reference(got, want, dtype):
    assert np.array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    got, want = got[ok].astype(np.float64), want[ok].astype(np.float64)
    assert np.array_equal(np.isinf(got), np.isinf(want))
    finite = np.isfinite(want)
    err = np.abs(got[finite] - want[finite])
    if dtype == np.float32:
        ulp = np.spacing(np.abs(want[finite]).astype(np.float32)).astype(np.float64)
        assert (err / ulp).max() <= ULPS32
    else:
        scale = np.maximum(np.abs(want[finite]), np.finfo(np.float64).tiny)
        assert (err / scale).max() <= REL64


@pytest.fixture
def numba_kernels():
    status = _kernels.available_backends()["numba"]
    if status != "available":
        pytest.skip(status)
    from nnlite._kernels.numba_cpu import activations
    return activations


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("act, alpha", [("elu", 1.0), ("elu", 0.3), ("selu", 0.0)])
def test_numba_vectorized_elu_selu_match_numpy(numba_kernels, dtype, act, alpha):
    z = hard_inputs(dtype)
    want = ref.activation_forward(z, act, alpha)
    out = np.empty_like(z)
    numba_kernels.bias_act_2d(z, z[0, :0], out, ACT_CODE[act], alpha)
    assert_close_to_reference(out, want, dtype)
    inplace = z.copy()  # the dense layer's call: z is out
    numba_kernels.bias_act_2d(inplace, inplace[0, :0], inplace, ACT_CODE[act], alpha)
    np.testing.assert_array_equal(inplace, out)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
def test_numba_bias_is_added_before_the_activation(numba_kernels, dtype):
    rng = np.random.default_rng(0)
    z = rng.normal(size=(7, 33)).astype(dtype) * 4
    b = rng.normal(size=33).astype(dtype)
    for act in ("relu", "leaky_relu", "linear", "elu", "selu"):
        out = z.copy()
        numba_kernels.bias_act_2d(out, b, out, ACT_CODE[act], 0.2)
        want = ref.activation_forward(z + b, act, 0.2)
        np.testing.assert_allclose(out, want, rtol=1e-6 if dtype == np.float32 else 1e-14,
                                   atol=1e-7 if dtype == np.float32 else 1e-15, err_msg=act)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("act", ["elu", "selu", "sigmoid", "tanh"])
def test_numpy_ufunc_phi_matches_the_reference(dtype, act):
    code = ACT_CODE[act]
    assert code in VECTOR_PHI
    z = hard_inputs(dtype)
    want = ref.activation_forward(z, act, 0.7)
    got = z.copy()
    with np.errstate(all="ignore"):
        vector_phi_(got, code, 0.7)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, rtol=2e-7 if dtype == np.float32 else 1e-15,
                               atol=0)


@pytest.mark.parametrize("backend_name", ["reference", "numba", "cython"])
def test_bn_backward_without_dx(backend_name):
    if _kernels.available_backends()[backend_name] != "available":
        pytest.skip(backend_name)
    rng = np.random.default_rng(4)
    x = rng.normal(3.0, 2.0, size=(40, 6)).astype(np.float32)
    dy = rng.normal(size=(40, 6)).astype(np.float32)
    gamma = rng.random(6).astype(np.float32) + 0.5
    forward = _kernels.get_kernel("bn_forward_train", backend_name)
    backward = _kernels.get_kernel("bn_backward", backend_name)
    _, _, mean, _, inv_std = forward(x, gamma, np.zeros(6, np.float32), 1e-3, keep_xhat=False)
    dx, dgamma, dbeta = backward(dy, x, gamma, inv_std, mean=mean)
    none, dgamma2, dbeta2 = backward(dy, x, gamma, inv_std, mean=mean, need_dx=False)
    assert dx is not None and none is None
    np.testing.assert_array_equal(dgamma2, dgamma)
    np.testing.assert_array_equal(dbeta2, dbeta)
