"""Dropout RNG: known values, identical masks on every backend and thread count."""

from __future__ import annotations

import numpy as np
import pytest

from nnlite import _kernels
from nnlite._kernels import reference as ref
from nnlite._kernels.reference.dropout import splitmix64_int


def test_splitmix64_known_values():
    # Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    assert splitmix64_int(0) == 0xE220A8397B1DCDAF
    assert splitmix64_int(0x9E3779B97F4A7C15) == 0x6E789E6AA1B965F4


def test_uniform_is_24_bit_and_in_range():
    u = ref.dropout_uniform(10_000, 3, 4)
    assert u.min() >= 0 and u.max() < 1
    assert np.all(u * 2**24 == np.floor(u * 2**24))
    assert abs(u.mean() - 0.5) < 0.01


def test_mask_depends_on_seed_and_step():
    a = ref.dropout_mask((64, 64), 1, 1, 0.5)
    assert not np.array_equal(a, ref.dropout_mask((64, 64), 1, 2, 0.5))
    assert not np.array_equal(a, ref.dropout_mask((64, 64), 2, 1, 0.5))
    assert abs(a.mean() - 0.5) < 0.03


@pytest.mark.parametrize("rate", [0.0, 0.3, 0.5, 0.999, 1.0])
def test_masks_identical_across_backends(backend, rate):
    shape = (301, 257)
    expected = ref.dropout_mask(shape, 12345, 67, rate)
    got = _kernels.get_kernel("dropout_mask", backend)(shape, 12345, 67, rate)
    np.testing.assert_array_equal(got, expected)
    x = np.ones(shape, np.float32)
    y, mask = _kernels.get_kernel("dropout_forward", backend)(x, 12345, 67, rate)
    np.testing.assert_array_equal(mask, expected)


def test_masks_identical_across_thread_counts():
    numba = pytest.importorskip("numba")
    if _kernels.available_backends()["numba"] != "available":
        pytest.skip("numba backend unavailable")
    kernel = _kernels.get_kernel("dropout_mask", "numba")
    before = numba.get_num_threads()
    try:
        masks = []
        for n in sorted({1, before}):
            numba.set_num_threads(n)
            masks.append(kernel((1000, 333), 9, 9, 0.25))
    finally:
        numba.set_num_threads(before)
    for m in masks[1:]:
        np.testing.assert_array_equal(m, masks[0])


def test_inverted_scaling_and_alpha_dropout_moments():
    x = np.random.default_rng(0).standard_normal(200_000)
    y, mask = ref.dropout_forward(x, 1, 1, 0.2)
    np.testing.assert_allclose(y[mask], x[mask] / 0.8)
    assert np.all(y[~mask] == 0)
    ya, _ = ref.alpha_dropout_forward(x, 1, 1, 0.2)
    assert abs(ya.mean()) < 0.01 and abs(ya.std() - 1) < 0.01
