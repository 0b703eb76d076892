"""Default names follow Keras' to_snake_case for layers, metrics and subclassed models."""

import pytest

from nnlite.naming import snake_case


@pytest.mark.parametrize("name, expected", [
    ("Dense", "dense"), ("BatchNormalization", "batch_normalization"),
    ("LeakyReLU", "leaky_re_lu"), ("PReLU", "p_re_lu"), ("AUC", "auc"),
    ("RootMeanSquaredError", "root_mean_squared_error"),
    ("WideAndDeepModel", "wide_and_deep_model"), ("MCDropout", "mc_dropout"),
])
def test_snake_case(name, expected):
    assert snake_case(name) == expected
