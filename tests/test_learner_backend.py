"""Learners' own kernels, layers and optimizers: register_backend, check_*, bench.

The learner's module (written to a temporary ``mine.py``) has a correct
``dense_backward`` and ``adam_update`` in plain NumPy and a ``bn_backward``
that forgets the 1/N of the batch mean.
"""

from __future__ import annotations

import json
import sys
import textwrap

import numpy as np
import pytest

import nnlite
from nnlite import _kernels, bench
from nnlite.__main__ import main as nnlite_main

LEARNER_KERNELS = textwrap.dedent('''
    import numpy as np

    CALLS = {"dense_backward": 0, "adam_update": 0}
    _DERIVATIVES = {"linear": lambda a: np.ones_like(a), "relu": lambda a: (a > 0) * 1.0,
                    "tanh": lambda a: 1 - a * a, "sigmoid": lambda a: a * (1 - a)}


    def dense_backward(x, W, a, delta, act, alpha=0.0, need_dx=True, dW=None, db=None,
                       z=None):
        CALLS["dense_backward"] += 1
        if act not in _DERIVATIVES:
            raise NotImplementedError(f"activation {act!r}")
        d = delta * _DERIVATIVES[act](a)
        grads = [x.T @ d, d.sum(axis=0)]
        for k, out in enumerate((dW, db)):
            if out is not None:
                out[...] = grads[k]
                grads[k] = out
        return grads[0], grads[1], (d @ W.T if need_dx else None)


    def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None):
        CALLS["adam_update"] += 1
        if vhat is not None:
            raise NotImplementedError("amsgrad")
        m[...] = beta1 * m + (1 - beta1) * grad
        v[...] = beta2 * v + (1 - beta2) * grad * grad
        step = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
        param -= (step * m / (np.sqrt(v) + eps)).astype(param.dtype)


    def bn_backward(dy, xhat, gamma, inv_std, *, dx_out=None, mean=None, need_dx=True):
        if mean is not None:
            xhat = (xhat - mean) * inv_std
        n = dy.shape[0]
        dgamma, dbeta = (dy * xhat).sum(axis=0), dy.sum(axis=0)
        dx = gamma * inv_std * (n * dy - dbeta - xhat * dgamma)  # forgot: / n
        return (dx if need_dx else None), dgamma.astype(dy.dtype), dbeta.astype(dy.dtype)
''')


@pytest.fixture
def mine(tmp_path):
    """The learner's file, registered as backend "mine" (forgotten afterwards)."""
    path = tmp_path / "mine.py"
    path.write_text(LEARNER_KERNELS)
    previous = _kernels.get_backend()
    _kernels.register_backend("mine", path)
    yield path
    _kernels.set_backend(previous)
    if "mine" in _kernels.BACKENDS:
        _kernels.unregister_backend("mine")


def _module(name="mine"):
    return sys.modules[f"nnlite_backend_{name}"]


def test_registered_kernels_train_the_mlp_and_the_others_come_from_the_reference(mine):
    assert nnlite.backends()["mine"] == "available"
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((64, 6, 6)).astype("float32"), rng.integers(0, 4, 64)
    nnlite.utils.set_random_seed(42)
    model = nnlite.Sequential([nnlite.layers.Flatten(input_shape=[6, 6]),
                               nnlite.layers.Dense(30, activation="relu"),
                               nnlite.layers.Dense(10, activation="relu"),
                               nnlite.layers.Dense(4, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    with nnlite.backend("mine"):
        table = nnlite.kernel_table()
        history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert table["dense_backward"] == table["adam_update"] == table["bn_backward"] == "mine"
    assert table["dense_forward"] == "reference"
    assert "dense_backward          mine" in str(table)
    assert _module().CALLS["dense_backward"] > 0 and _module().CALLS["adam_update"] > 0
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert nnlite.kernel_table()["dense_backward"] != "mine"  # restored after the block


def test_calls_a_kernel_does_not_implement_go_to_the_reference(mine):
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((32, 3)).astype("float32"), rng.standard_normal((32, 1))
    model = nnlite.Sequential([nnlite.layers.Dense(4, activation="elu", input_shape=(3,)),
                               nnlite.layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    with nnlite.backend("mine"), pytest.warns(RuntimeWarning, match="mine.dense_backward "
                                              "raised NotImplementedError"):
        history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_check_kernels_points_at_the_broken_kernel(mine):
    report = nnlite.check_kernels("mine", verbose=False)
    assert not report.passed
    assert report["dense_backward"].passed and report["adam_update"].passed
    assert "skipped" in report["dense_backward"].detail  # the activations it does not have
    bn = report["bn_backward"]
    assert not bn.passed and "N = 33" in bn.hint and "1/N is missing" in bn.hint
    assert bn.index == (0, 0) and bn.max_error > bn.tolerance
    assert "bn_backward" in str(report) and "FAILED" in str(report)
    with pytest.raises(AssertionError, match="bn_backward"):
        report.raise_if_failed()


def test_check_kernels_on_the_file_with_selected_kernels(mine):
    report = nnlite.check_kernels(str(mine), kernels=["adam_update"], verbose=False)
    assert report.passed and [r.name for r in report.results] == ["adam_update"]


def test_wrong_signature_is_refused_with_the_expected_one():
    def bn_backward(dy, xhat, gamma):
        return dy

    with pytest.raises(TypeError, match=r"bn_backward\(dy, xhat, gamma, inv_std, \*, "
                                        r"dx_out=None, mean=None, need_dx=True\)"):
        nnlite.register_backend("mine", {"bn_backward": bn_backward})
    assert "mine" not in nnlite.backends()


def test_unknown_kernel_names_and_builtin_names_are_refused():
    def dense_backwards(x):
        return x

    with pytest.raises(ValueError, match="did you mean 'dense_backward'"):
        nnlite.register_backend("mine", {"dense_backwards": dense_backwards})
    with pytest.raises(ValueError, match="built-in backend"):
        nnlite.register_backend("numba", {"sgd_update": lambda param, grad, lr: None})


def test_cli_check_exits_1_and_prints_the_table(mine, capsys):
    assert nnlite_main(["check", str(mine), "--kernels", "bn_backward,adam_update"]) == 1
    out = capsys.readouterr().out
    assert "bn_backward" in out and "FAILED" in out and "hint:" in out
    assert "adam_update                 passed" in out


class MyDense(nnlite.layers.Layer):
    """A learner's Dense layer; ``mistake`` plants one of the classic backward bugs."""

    def __init__(self, units, mistake=None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.mistake = units, mistake

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units))
        self.bias = self.add_weight("bias", (self.units,), "zeros")

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def forward(self, x, training=False):
        self._x = x
        return x @ self.kernel.value + self.bias.value

    def backward(self, grad_output):
        dW = self._x.T @ grad_output
        self.kernel.grad[...] = dW.T if self.mistake == "transposed" else dW
        if self.mistake == "bias_not_summed":
            self.bias.grad = grad_output
        else:
            self.bias.grad[...] = grad_output.sum(axis=0)
        return grad_output @ self.kernel.value.T

    def get_config(self):
        return {**super().get_config(), "units": self.units, "mistake": self.mistake}


@pytest.mark.parametrize("layer", [nnlite.layers.Dense, MyDense])
def test_check_layer_passes_a_correct_dense(layer):
    report = nnlite.check_layer(layer, input_shape=(4, 5), verbose=False, units=3)
    assert report.passed, str(report)
    assert {"output shape", "∂L/∂inputs", "∂L/∂kernel", "∂L/∂bias", "config round trip",
            "save/load weights", "training step"} <= {r.name for r in report.results}


def test_check_layer_catches_a_transposed_kernel_gradient():
    report = nnlite.check_layer(MyDense, input_shape=(4, 5), verbose=False, units=5,
                                mistake="transposed")
    assert not report.passed and not report["∂L/∂kernel"].passed
    assert "transposed" in report["∂L/∂kernel"].hint
    assert report["∂L/∂bias"].passed and report["∂L/∂inputs"].passed


def test_check_layer_catches_a_bias_gradient_not_summed_over_the_batch():
    report = nnlite.check_layer(MyDense, input_shape=(4, 5), verbose=False, units=3,
                                mistake="bias_not_summed")
    assert "sum over the batch (axis 0) is missing" in report["∂L/∂bias"].hint


class MySGD(nnlite.optimizers.SGD):
    def update_step(self, var, grad, lr):
        velocity = self.slots(var)["momentum"]
        velocity[...] = self.momentum * velocity - lr * grad
        var.value += velocity


class MyAdam(nnlite.optimizers.Adam):
    """The book's Adam; ``bias_correction=False`` plants the classic bug."""

    bias_correction = True

    def update_step(self, var, grad, lr):
        slots, t = self.slots(var), self.iterations + 1
        m, v = slots["m"], slots["v"]
        m[...] = self.beta_1 * m + (1 - self.beta_1) * grad
        v[...] = self.beta_2 * v + (1 - self.beta_2) * grad**2
        if self.bias_correction:
            m, v = m / (1 - self.beta_1**t), v / (1 - self.beta_2**t)
        var.value -= lr * m / (np.sqrt(v) + self.epsilon)


class AdamWithoutBiasCorrection(MyAdam):
    bias_correction = False


def test_check_optimizer_passes_correct_momentum_and_adam():
    assert nnlite.check_optimizer(MySGD, verbose=False, momentum=0.9).passed
    report = nnlite.check_optimizer(MyAdam(learning_rate=0.01), verbose=False)
    assert report.passed, str(report)


def test_check_optimizer_catches_a_missing_bias_correction():
    report = nnlite.check_optimizer(AdamWithoutBiasCorrection, verbose=False)
    assert not report.passed
    first = report["quadratic step 1"]
    assert not first.passed and "bias corrections" in first.hint and "3.162" in first.hint


def test_bench_times_the_learner_kernels_beside_the_builtin_ones(mine, tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert bench.main(["--quick", "--no-compile", "--backend", "reference", "--backend",
                       "mine", "--backend-module", str(mine), "--json", str(out)]) == 0
    assert "mine" in capsys.readouterr().out
    rows = json.loads(out.read_text())["rows"]
    timed = {row["family"] for row in rows if row["backend"] == "mine"}
    assert timed == {"dense bwd", "BN bwd", "Adam"}  # only the kernels mine.py defines
    assert {row["family"] for row in rows if row["backend"] == "reference"} >= timed
