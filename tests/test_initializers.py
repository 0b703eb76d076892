"""Initializers: Keras formulas checked on the statistics of large draws."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite import initializers

SHAPE = (400, 600)          # fan_in = 400, fan_out = 600, fan_avg = 500
FANS = {"fan_in": 400, "fan_out": 600, "fan_avg": 500}


@pytest.fixture(autouse=True)
def seeded():
    keras.utils.set_random_seed(0)


@pytest.mark.parametrize("name, scale, mode, bounded", [
    ("glorot_uniform", 1.0, "fan_avg", "uniform"),
    ("glorot_normal", 1.0, "fan_avg", "normal"),
    ("he_uniform", 2.0, "fan_in", "uniform"),
    ("he_normal", 2.0, "fan_in", "normal"),
    ("lecun_uniform", 1.0, "fan_in", "uniform"),
    ("lecun_normal", 1.0, "fan_in", "normal"),
])
def test_presets_have_keras_variance_and_support(name, scale, mode, bounded):
    w = initializers.get(name)(SHAPE)
    assert w.shape == SHAPE and w.dtype == np.float32
    variance = scale / FANS[mode]
    assert abs(w.mean()) < 0.02 * np.sqrt(variance)
    assert w.var() == pytest.approx(variance, rel=0.02)
    if bounded == "uniform":                    # U(−√(3σ²), √(3σ²))
        limit = np.sqrt(3 * variance)
        assert np.abs(w).max() <= limit
        assert np.abs(w).max() > 0.99 * limit
    else:                                       # truncated at 2·σ/0.8796…
        cut = 2 * np.sqrt(variance) / 0.87962566103423978
        assert np.abs(w).max() <= cut * (1 + 1e-6)
        assert np.abs(w).max() > 0.95 * cut


def test_glorot_uniform_limit_formula():
    w = initializers.GlorotUniform()((30, 10))
    assert np.abs(w).max() <= np.sqrt(6 / (30 + 10))


@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
def test_variance_scaling(mode, distribution):
    init = initializers.VarianceScaling(scale=2.0, mode=mode, distribution=distribution)
    w = init(SHAPE)
    assert w.var() == pytest.approx(2.0 / FANS[mode], rel=0.02)
    if distribution == "untruncated_normal":
        assert np.abs(w).max() > 3.5 * np.sqrt(2.0 / FANS[mode])   # tails not cut


def test_variance_scaling_defaults_and_errors():
    init = initializers.VarianceScaling()
    assert (init.scale, init.mode, init.distribution) == (1.0, "fan_in", "truncated_normal")
    with pytest.raises(ValueError, match="mode"):
        initializers.VarianceScaling(mode="fan_sum")
    with pytest.raises(ValueError, match="distribution"):
        initializers.VarianceScaling(distribution="cauchy")
    with pytest.raises(ValueError, match="scale"):
        initializers.VarianceScaling(scale=0)


def test_compute_fans_for_conv_kernels():
    assert initializers.compute_fans((3, 3, 16, 32)) == (144.0, 288.0)
    assert initializers.compute_fans((20, 10)) == (20.0, 10.0)
    assert initializers.compute_fans((7,)) == (7.0, 7.0)


def test_random_and_constant_initializers():
    normal = initializers.RandomNormal()
    assert (normal.mean, normal.stddev) == (0.0, 0.05)
    w = normal(SHAPE)
    assert w.std() == pytest.approx(0.05, rel=0.02)
    uniform = initializers.RandomUniform()
    u = uniform(SHAPE)
    assert u.min() >= -0.05 and u.max() <= 0.05 and u.var() == pytest.approx(0.01 / 12, rel=0.02)
    t = initializers.TruncatedNormal(stddev=1.0)(SHAPE)
    assert np.abs(t).max() <= 2.0
    assert t.var() == pytest.approx(0.774, rel=0.02)     # variance of N(0,1) cut at ±2
    np.testing.assert_array_equal(initializers.get("zeros")((2, 3)), 0)
    np.testing.assert_array_equal(initializers.get("ones")((2, 3)), 1)
    np.testing.assert_array_equal(initializers.Constant(0.5)((2,)), [0.5, 0.5])


def test_seed_and_global_seed_reproduce():
    a = initializers.HeNormal(seed=3)((5, 5))
    b = initializers.HeNormal(seed=3)((5, 5))
    np.testing.assert_array_equal(a, b)
    keras.utils.set_random_seed(11)
    c = initializers.HeNormal()((5, 5))
    keras.utils.set_random_seed(11)
    np.testing.assert_array_equal(c, initializers.HeNormal()((5, 5)))
    assert not np.array_equal(a, c)


def test_lookup_and_dense_usage():
    assert isinstance(initializers.get("he_normal"), initializers.HeNormal)
    assert isinstance(initializers.get("GlorotUniform"), initializers.GlorotUniform)
    init = initializers.VarianceScaling(scale=2.0, mode="fan_avg", distribution="uniform")
    layer = keras.layers.Dense(300, kernel_initializer=init)
    layer(np.zeros((1, 700)))
    assert np.abs(layer.kernel.value).max() <= np.sqrt(3 * 2.0 / 500)
    assert layer.kernel.value.var() == pytest.approx(2.0 / 500, rel=0.03)
    with pytest.raises(ValueError, match="Unknown initializer"):
        initializers.get("he_uniformm")
    config = initializers.serialize(init)
    again = initializers.deserialize(config)
    assert (again.scale, again.mode, again.distribution) == (2.0, "fan_avg", "uniform")


def test_float64_follows_floatx():
    keras.backend.set_floatx("float64")
    try:
        assert initializers.get("glorot_uniform")((3, 3)).dtype == np.float64
    finally:
        keras.backend.set_floatx("float32")
