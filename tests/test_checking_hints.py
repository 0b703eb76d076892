"""The hints of nnlite.checking: each classic mistake, planted in a kernel, is named."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite
from nnlite._kernels import reference as ref


def _transposed_dense_backward(x, W, a, delta, act, alpha=0.0, need_dx=True, dW=None,
                               db=None, z=None):
    dW_, db_, dx = ref.dense_backward(x, W, a, delta, act, alpha, need_dx, None, None, z)
    return dW_.T, db_, dx


def _rebinding_sgd(param, grad, lr):
    param = param - lr * grad  # noqa: F841  (the mistake: a new array, not an update)


def _uphill_sgd(param, grad, lr):
    param += lr * grad


def _unscaled_dropout_backward(dy, mask, rate, out=None):
    return dy * mask


def _mean_instead_of_sum(x, W, a, delta, act, alpha=0.0, need_dx=True, dW=None, db=None,
                         z=None):
    dW_, db_, dx = ref.dense_backward(x, W, a, delta, act, alpha, need_dx, None, None, z)
    return dW_, db_ / x.shape[0], dx


def _nan_stats(x):
    mean, var = ref.bn_stats(x)
    return mean, np.sqrt(var - 10)


def _squared_norm(grads):
    return sum(float((g.astype(float) ** 2).sum()) for g in grads)


def _infer_without_epsilon(x, mean, var, gamma, beta, eps, out=None):
    return gamma * (x - mean) / np.sqrt(var) + beta


def _nesterov_ignored(param, grad, velocity, lr, momentum, nesterov):
    velocity[...] = momentum * velocity - lr * grad
    param += velocity


def _constant_statistics(dy, xhat, gamma, inv_std, *, dx_out=None, mean=None, need_dx=True):
    dx, dgamma, dbeta = ref.bn_backward(dy, xhat, gamma, inv_std, mean=mean)
    return gamma * inv_std * dy, dgamma, dbeta


def _backward_without_mask(dy, mask, rate, out=None):
    return dy / (1 - rate)


@pytest.mark.parametrize("name, kernel, words", [
    ("global_norm", _squared_norm, "a square root is missing"),
    ("bn_forward_infer", _infer_without_epsilon, "without ε"),
    ("sgd_momentum_update", _nesterov_ignored, "nesterov=True is ignored"),
    ("bn_backward", _constant_statistics, "treated as constants"),
    ("dropout_backward", _backward_without_mask, "all where the expected value is 0"),
    ("dense_backward", _transposed_dense_backward, "transposed"),
    ("sgd_update", _rebinding_sgd, "param was left unchanged"),
    ("sgd_update", _uphill_sgd, "sign flipped"),
    ("dropout_backward", _unscaled_dropout_backward,
     "inverted-dropout scale 1/(1−rate) = 1.42857 is missing"),
    ("dense_backward", _mean_instead_of_sum, "off by a constant factor, exactly 1/N = 1/33"),
    ("bn_stats", _nan_stats, "NaN produced"),
])
def test_a_planted_mistake_gets_its_hint(name, kernel, words):
    with np.errstate(invalid="ignore"):
        report = nnlite.check_kernels({name: kernel}, verbose=False)
    result = report[name]
    assert not result.passed and words in result.hint, str(report)


def test_an_exception_is_shown_and_not_implemented_cases_are_skipped():
    def dense_forward(x, W, b, act, alpha=0.0, out=None):
        if act != "linear":
            raise NotImplementedError(act)
        return x @ W + (0 if b is None else b)

    def sgd_update(param, grad, lr):
        raise RuntimeError("my bug")

    report = nnlite.check_kernels({"dense_forward": dense_forward, "sgd_update": sgd_update},
                                  verbose=False)
    assert report["dense_forward"].passed and "skipped 13 of 14" in report["dense_forward"].detail
    assert "raised RuntimeError: my bug" in report["sgd_update"].hint


def test_adam_in_the_books_form_is_recognised():
    def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None):
        if vhat is not None:
            raise NotImplementedError("amsgrad")
        m[...] = beta1 * m + (1 - beta1) * grad
        v[...] = beta2 * v + (1 - beta2) * grad * grad
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        param -= lr * m_hat / (np.sqrt(v_hat) + eps)

    result = nnlite.check_kernels(adam_update, verbose=False)["adam_update"]
    assert not result.passed and "the book's form" in result.hint
