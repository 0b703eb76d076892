"""Inspection API, equations, GradientMonitor and check_gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nnlite as keras
from nnlite import backend, equations
from nnlite.callbacks import GradientMonitor
from nnlite.inspect import Inspection, inspect_batch
from nnlite.utils import check_gradients


def _mlp(activation="tanh", out="softmax", loss="sparse_categorical_crossentropy", **kw):
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.layers.Flatten(input_shape=[2, 3]),
        keras.layers.Dense(5, activation=activation, **kw),
        keras.layers.Activation("relu"),
        keras.layers.Dense(3, activation=out),
    ])
    model.compile(loss=loss, optimizer="sgd")
    return model


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    return rng.normal(size=(7, 2, 3)), rng.integers(0, 3, 7)


# ------------------------------------------------------------------ inspect
def test_inspect_records_every_layer_and_chain_rule(batch):
    x, y = batch
    model = _mlp()
    trace = inspect_batch(model, x, y)
    assert isinstance(trace, Inspection)
    assert [t.class_name for t in trace] == ["Flatten", "Dense", "Activation", "Dense"]
    flat, dense, act, out = trace.layers
    # forward: outputs feed the next layer; z = xW + b and a = tanh(z)
    np.testing.assert_allclose(flat.output, x.reshape(7, 6), rtol=1e-6)
    np.testing.assert_allclose(dense.input, flat.output)
    z = dense.input @ dense.weights["kernel"] + dense.weights["bias"]
    np.testing.assert_allclose(dense.pre_activation, z, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dense.output, np.tanh(z), rtol=1e-5, atol=1e-6)
    # backward: δ of a layer is ∂L/∂x of the layer above; ∂L/∂W = xᵀ ∂L/∂z
    np.testing.assert_allclose(act.grad_output, out.grad_input, rtol=1e-6)
    np.testing.assert_allclose(dense.grad_output, act.grad_input, rtol=1e-6)
    np.testing.assert_allclose(dense.grad_pre_activation,
                               dense.grad_output * (1 - dense.output ** 2), rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(dense.weight_grads["kernel"],
                               dense.input.T @ dense.grad_pre_activation, rtol=1e-4, atol=1e-7)
    # fused softmax + CE: ∂L/∂z = (p − onehot)/n
    onehot = np.eye(3)[y]
    np.testing.assert_allclose(out.grad_pre_activation, (out.output - onehot) / 7,
                               rtol=1e-4, atol=1e-7)
    assert out.grad_output is not None and flat.grad_input.shape == x.shape
    assert trace.loss == pytest.approx(
        -np.mean(np.log(out.output[np.arange(7), y])), rel=1e-4)


def test_inspect_leaves_the_model_unchanged(batch):
    x, y = batch
    model = _mlp()
    before = model.get_weights()
    expected = model.predict(x, verbose=0)
    inspect_batch(model, x, y)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.optimizer.iterations == 0
    assert all("forward" not in layer.__dict__ for layer in model.layers)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected)
    model.fit(x, y, epochs=1, verbose=0)  # still trains normally


def test_inspect_forward_only_and_text(batch):
    x, y = batch
    model = _mlp()
    trace = inspect_batch(model, x)
    assert trace.loss is None and trace["dense"].grad_output is None
    assert trace["dense"].output.shape == (7, 5)
    text = trace["dense"].describe()
    assert "Dense" in text and "pre-activation z" in text and r"\varphi" in text
    full = inspect_batch(model, x, y)
    steps = list(full.step_through())
    assert len(steps) == 8 and steps[0].startswith("FORWARD") and "∂L/∂kernel" in steps[4]
    assert "loss =" in full.table()
    with pytest.raises(KeyError, match="No layer named"):
        full["nope"]


def test_inspect_regularizer_gradient_included(batch):
    x, y = batch
    model = _mlp(kernel_regularizer=keras.regularizers.l2(0.5))
    trace = inspect_batch(model, x, y)
    d = trace["dense"]
    plain = d.input.T @ d.grad_pre_activation
    np.testing.assert_allclose(d.weight_grads["kernel"], plain + 2 * 0.5 * d.weights["kernel"],
                               rtol=1e-4, atol=1e-6)


def test_inspect_requires_compile_for_gradients(batch):
    x, y = batch
    model = keras.Sequential([keras.layers.Dense(2, input_shape=[6])])
    with pytest.raises(RuntimeError, match="compile"):
        inspect_batch(model, x.reshape(7, 6), y)


# ---------------------------------------------------------------- equations
def test_equations_for_layers_activations_losses_optimizers():
    dense = keras.layers.Dense(3, activation="sigmoid")
    assert "xW + b" in dense.equations and r"\sigma" in dense.equations
    assert keras.layers.Dense.equations.startswith("**Dense**")
    assert "momentum" in keras.optimizers.SGD().equations
    assert "p - y" in keras.losses.get("categorical_crossentropy").equations
    assert "1 - \\tanh^2" in keras.activations.tanh.equations
    assert equations.equations_for(object) == ""  # no docstring section: no equations
    lines = []
    model = _mlp()
    model.summary(print_fn=lines.append, show_equations=True)
    assert any("backward" in line.lower() for line in lines)
    text = "\n".join(lines)  # each layer's equations, then the compiled loss and optimizer
    for name in ("flatten:", "dense:", "activation:", "dense_1:", "loss:", "optimizer:"):
        assert f"\n{name}\n" in text, name
    assert text.index("loss:\n**SparseCategoricalCrossentropy**") < \
        text.index("optimizer:\n**SGD**")


def test_every_builtin_layer_and_optimizer_has_equations():
    for name in dir(keras.layers):
        cls = getattr(keras.layers, name)
        if isinstance(cls, type) and issubclass(cls, keras.layers.Layer) \
                and cls is not keras.layers.Layer:
            assert cls.equations, f"{name} has no equations"
    for name, cls in vars(keras.optimizers).items():
        if isinstance(cls, type) and issubclass(cls, keras.optimizers.Optimizer):
            assert cls.equations, f"{name} has no equations"
    for name, cls in vars(keras.losses).items():
        if isinstance(cls, type) and issubclass(cls, keras.losses.Loss) \
                and not name.startswith("_") and cls is not keras.losses.Loss:
            assert "$" in cls.equations, f"{name} has no equations"
    for name in ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus",
                 "softmax", "gelu", "gelu:approximate", "swish", "silu", "mish"):
        assert "$" in keras.activations.get(name).equations, f"{name} has no equations"


def test_inspect_gelu_dense_back_propagates_through_phi_prime_of_z(batch):
    """GELU's φ' is read from the recorded z (one output a has two pre-images z)."""
    x, y = batch
    dense = inspect_batch(_mlp("gelu"), x, y).layers[1]
    z = np.asarray(dense.pre_activation, dtype=np.float64)
    cdf = 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))
    np.testing.assert_allclose(dense.output, z * cdf, rtol=1e-5, atol=1e-6)
    phi_prime = cdf + z * np.exp(-z**2 / 2) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(dense.grad_pre_activation, dense.grad_output * phi_prime,
                               rtol=1e-4, atol=1e-8)


# ---------------------------------------------------------- gradient monitor
def test_gradient_monitor_records_per_layer_and_epoch():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(96, 4))
    y = (X[:, 0] > 0).astype(int)
    keras.utils.set_random_seed(1)
    model = keras.Sequential([
        keras.layers.Dense(8, activation="sigmoid", input_shape=[4]),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(0.1))
    monitor = GradientMonitor(batch_freq=1)
    history = model.fit(X, y, epochs=3, batch_size=32, callbacks=[monitor], verbose=0)
    stats = history.layer_stats
    assert stats is monitor.history
    names = [layer.name for layer in model.layers]
    for stat in ("grad_norm", "weight_norm", "update_ratio", "act_mean", "act_std"):
        assert set(stats[stat]) == set(names)
        assert all(len(v) == 3 for v in stats[stat].values())
    assert set(stats["saturated"]) == {names[0]} and set(stats["dead"]) == {names[1]}
    assert 0 <= stats["dead"][names[1]][0] <= 1
    # update ratio = ‖Δθ‖/‖θ‖ with Δθ = −η g for plain SGD
    gn, wn, ur = (monitor.batch_history[s][names[2]][-1]
                  for s in ("grad_norm", "weight_norm", "update_ratio"))
    assert ur == pytest.approx(0.1 * gn / wn, rel=1e-3)
    assert len(monitor.batch_steps) == 9
    assert "grad_norm" not in history.history  # the book's DataFrame plot is unchanged
    assert all("forward" not in layer.__dict__ for layer in model.layers)


def test_gradient_monitor_shows_vanishing_gradients():
    """Deep sigmoid net with small N(0, 1) weights: the first layer's gradient is tiny."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(64, 20))
    y = rng.integers(0, 3, 64)
    keras.utils.set_random_seed(2)
    init = keras.initializers.RandomNormal(stddev=0.1)
    model = keras.Sequential(
        [keras.layers.Dense(20, activation="sigmoid", kernel_initializer=init,
                            input_shape=[20])]
        + [keras.layers.Dense(20, activation="sigmoid", kernel_initializer=init)
           for _ in range(5)]
        + [keras.layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    monitor = GradientMonitor()
    model.fit(X, y, epochs=1, batch_size=32, callbacks=[monitor], verbose=0)
    g = monitor.get("grad_norm")
    first, last = g[model.layers[0].name][0], g[model.layers[-2].name][0]
    assert first < last / 100


def test_gradient_monitor_arguments():
    with pytest.raises(ValueError, match="batch_freq"):
        GradientMonitor(batch_freq=0)
    with pytest.raises(ValueError, match="saturation_threshold"):
        GradientMonitor(saturation_threshold=2)
    monitor = GradientMonitor(layers=["nope"])
    model = _mlp()
    with pytest.raises(ValueError, match="no layer named 'nope'"):
        model.fit(np.zeros((4, 2, 3)), np.zeros(4), epochs=1, callbacks=[monitor], verbose=0)


# ---------------------------------------------------------- gradient check
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "elu", "selu", "softplus", "gelu",
                                        "swish", "mish"])
def test_check_gradients_passes_for_correct_backprop(batch, activation):
    x, y = batch
    model = _mlp(activation, kernel_regularizer=keras.regularizers.l1_l2(0.01, 0.01))
    result = check_gradients(model, x, y, max_entries=None)
    assert set(result) == {w.name for w in model.trainable_weights}
    assert result.max_error < 1e-6, str(result)
    assert result.passed()
    assert model.weights[0].dtype == np.float32 and backend.floatx() == "float32"


def test_check_gradients_mse_and_sigmoid_bce():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, 4))
    for out, loss, y in (("linear", "mse", rng.normal(size=(6, 1))),
                         ("sigmoid", "binary_crossentropy", rng.integers(0, 2, (6, 1)))):
        keras.utils.set_random_seed(3)
        model = keras.Sequential([keras.layers.Dense(5, activation="relu", input_shape=[4]),
                                  keras.layers.Dense(1, activation=out)])
        model.compile(loss=loss, optimizer="sgd")
        assert check_gradients(model, x, y).max_error < 1e-6


def test_check_gradients_catches_a_wrong_backward(batch, monkeypatch):
    x, y = batch
    model = _mlp()
    dense = model.layers[1]
    original = type(dense).backward

    def wrong(self, grad_output, fused=False):
        dx = original(self, grad_output, fused)
        if self is dense:
            self.kernel.grad *= 1.1
        return dx

    monkeypatch.setattr(type(dense), "backward", wrong)
    result = check_gradients(model, x, y)
    assert result[dense.kernel.name] > 1e-3
    assert result[model.layers[3].kernel.name] < 1e-6
    assert "relative error" in str(result)


def test_check_gradients_needs_compiled_model(batch):
    x, y = batch
    model = keras.Sequential([keras.layers.Dense(2, input_shape=[6])])
    with pytest.raises(RuntimeError, match="compile"):
        check_gradients(model, x.reshape(7, 6), y)


def test_batchnorm_and_dropout_are_checked_and_left_unchanged(batch):
    x, y = batch
    keras.backend.clear_session()
    keras.utils.set_random_seed(4)
    model = keras.Sequential([keras.layers.Flatten(input_shape=[2, 3]),
                              keras.layers.Dense(6, activation="elu"),
                              keras.layers.BatchNormalization(),
                              keras.layers.Dropout(0.3),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    assert check_gradients(model, x, y, max_entries=None).max_error < 1e-6
    moving = [w.numpy() for w in model.non_trainable_weights]
    step = model.layers[3].step
    trace = inspect_batch(model, x, y)
    assert trace["batch_normalization"].weight_grads.keys() == {"gamma", "beta"}
    assert model.layers[3].step == step
    for a, w in zip(moving, model.non_trainable_weights):
        np.testing.assert_array_equal(a, w.value)
