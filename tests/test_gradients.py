"""Central-difference gradient checks (float64) of activations, losses and a model.

The analytic gradients of a model are ``model.compute_gradients`` — what a
training step computes before the optimizer update; the numeric ones are
``numerical_gradient``'s (L(θ + h) − L(θ − h)) / 2h.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite import activations, losses
from nnlite.utils.gradient_check import numerical_gradient

H = 1e-6
ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "softmax", "softplus", "elu", "selu",
               "leaky_relu", "gelu", "gelu:approximate", "swish", "mish"]


@pytest.fixture(autouse=True)
def float64():
    previous = keras.backend.floatx()
    keras.backend.set_floatx("float64")
    keras.backend.clear_session()
    keras.utils.set_random_seed(7)
    yield
    keras.backend.set_floatx(previous)


# --------------------------------------------------------------------- helpers
def numeric_grad(f, x: np.ndarray) -> np.ndarray:
    """∂f/∂x by central differences, perturbing ``x`` in place."""
    return numerical_gradient(f, x, H)


def check_model_gradients(model, x, y, rtol=1e-5, atol=1e-8) -> None:
    _, analytic = model.compute_gradients(x, y)
    assert analytic, "model has no trainable weights"
    for var, grad in zip(model.trainable_variables, analytic):
        numeric = numeric_grad(lambda: model.compute_gradients(x, y)[0], var.value)
        np.testing.assert_allclose(grad, numeric, rtol=rtol, atol=atol,
                                   err_msg=f"gradient of {var.name}")


def mlp(activation, as_layer: bool, n_in=4, hidden=5, n_out=3):
    if as_layer:
        hidden_layers = [keras.layers.Dense(hidden), keras.layers.Activation(activation)]
    else:
        hidden_layers = [keras.layers.Dense(hidden, activation=activation)]
    return keras.models.Sequential([keras.layers.InputLayer(input_shape=[n_in]),
                                    *hidden_layers, keras.layers.Dense(n_out)])


# ----------------------------------------------------------------- activations
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_backward_matches_numeric_derivative(name):
    rng = np.random.default_rng(0)
    z = rng.normal(size=(6, 4)) * 2
    delta = rng.normal(size=(6, 4))
    act = activations.get(name)
    a = act(z)
    # ∂(Σ δ ⊙ φ(z))/∂z is exactly δ ⊙ φ'(z) (a Jacobian-vector product for softmax);
    # gelu, swish and mish compute φ' from z, the others from a (and ignore z)
    numeric = numeric_grad(lambda: float(np.sum(delta * act(z))), z)
    np.testing.assert_allclose(act.backward(a, delta, z=z.copy()), numeric, rtol=1e-6,
                               atol=1e-8)


@pytest.mark.parametrize("as_layer", [False, True], ids=["dense", "activation_layer"])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradients_through_model(name, as_layer):
    model = mlp(name, as_layer)
    model.compile(loss="mse", optimizer="sgd")
    rng = np.random.default_rng(1)
    check_model_gradients(model, rng.normal(size=(7, 4)), rng.normal(size=(7, 3)))


def test_leaky_relu_custom_slope_and_custom_activation():
    def cube(z):
        return z ** 3
    cube.derivative = lambda z: 3 * z ** 2
    model = keras.models.Sequential([
        keras.layers.InputLayer(input_shape=[3]),
        keras.layers.Dense(4, activation=activations.leaky_relu.with_alpha(0.05)),
        keras.layers.Dense(4, activation=cube),
        keras.layers.Dense(2)])
    model.compile(loss="mse", optimizer="sgd")
    rng = np.random.default_rng(2)
    check_model_gradients(model, rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))


# ---------------------------------------------------------------------- losses
def _targets(name: str, rng, shape):
    n, k = shape
    if name == "sparse_categorical_crossentropy":
        return rng.integers(0, k, size=n)
    if name == "categorical_crossentropy":
        return np.eye(k)[rng.integers(0, k, size=n)]
    if name == "binary_crossentropy":
        return rng.integers(0, 2, size=shape).astype(float)
    if name in ("mean_squared_logarithmic_error", "poisson"):
        return rng.uniform(0.1, 3.0, size=shape)
    return rng.normal(size=shape)


def _predictions(name: str, rng, shape):
    if name in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        return rng.uniform(0.05, 1.0, size=shape)  # unnormalized: Keras divides by the sum
    if name == "binary_crossentropy":
        return rng.uniform(0.05, 0.95, size=shape)
    if name in ("mean_squared_logarithmic_error", "poisson"):
        return rng.uniform(0.1, 3.0, size=shape)
    return rng.normal(size=shape)


LOSS_NAMES = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
              "mean_squared_logarithmic_error", "huber_loss", "poisson",
              "binary_crossentropy", "categorical_crossentropy",
              "sparse_categorical_crossentropy"]


def _mean_loss(loss, y, pred) -> float:
    return float(np.mean(loss.per_sample(y, pred)))


def _values_with_checked_grad(loss, y, pred) -> np.ndarray:
    """``loss.value_and_grad``'s per-sample values, once its gradient matched the numeric one."""
    values, grad = loss.value_and_grad(y, pred, 1.0 / len(pred))
    numeric = numeric_grad(lambda: _mean_loss(loss, y, pred), pred)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)
    return values


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_value_and_grad_wrt_predictions(name):
    rng = np.random.default_rng(3)
    loss = losses.get(name)
    pred = _predictions(name, rng, (6, 4))
    y = loss.check_targets(_targets(name, rng, (6, 4)), pred.shape)
    values = _values_with_checked_grad(loss, y, pred)
    assert values.shape == (6,)
    np.testing.assert_allclose(np.mean(values), loss(y, pred), rtol=1e-12)


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy",
                                  "sparse_categorical_crossentropy"])
def test_loss_from_logits_value_and_grad(name):
    rng = np.random.default_rng(4)
    loss = losses.get(name)
    loss = type(loss)(from_logits=True)
    z = rng.normal(size=(6, 4)) * 3
    y = loss.check_targets(_targets(name, rng, (6, 4)), z.shape)
    values = _values_with_checked_grad(loss, y, z)
    act = activations.sigmoid if name == "binary_crossentropy" else activations.softmax
    probs_loss = type(loss)()
    np.testing.assert_allclose(values, probs_loss.per_sample(y, act(z)), rtol=1e-6)


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy",
                                  "sparse_categorical_crossentropy"])
def test_fused_loss_grad_is_derivative_wrt_logits(name):
    rng = np.random.default_rng(5)
    loss = losses.get(name)
    assert loss.fused_activation == ("sigmoid" if name == "binary_crossentropy" else "softmax")
    act = activations.get(loss.fused_activation)
    z = rng.normal(size=(6, 4)) * 2
    y = loss.check_targets(_targets(name, rng, (6, 4)), z.shape)
    values, grad = loss.fused_value_and_grad(y, act(z), 1.0 / len(z))
    np.testing.assert_allclose(values, loss.per_sample(y, act(z)), rtol=1e-10)
    numeric = numeric_grad(lambda: _mean_loss(loss, y, act(z)), z)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_gradient_through_output_layer(name):
    """Fused (softmax/sigmoid + CE) and unfused paths inside a real model."""
    output_act = {"binary_crossentropy": "sigmoid", "categorical_crossentropy": "softmax",
                  "sparse_categorical_crossentropy": "softmax",
                  "mean_squared_logarithmic_error": "softplus", "poisson": "softplus"}
    model = keras.models.Sequential([keras.layers.InputLayer(input_shape=[3]),
                                     keras.layers.Dense(5, activation="tanh"),
                                     keras.layers.Dense(4, activation=output_act.get(name))])
    model.compile(loss=name, optimizer="sgd")
    rng = np.random.default_rng(6)
    if name in ("categorical_crossentropy", "sparse_categorical_crossentropy",
                "binary_crossentropy"):
        assert model._fused_outputs == [True]
    check_model_gradients(model, rng.normal(size=(6, 3)), _targets(name, rng, (6, 4)))


# ----------------------------------------------------------------- whole model
def test_functional_model_gradients_multi_input_multi_output():
    """Wide & deep with an auxiliary output: a tensor feeding two layers sums grads."""
    input_a = keras.layers.Input(shape=[3], name="wide_input")
    input_b = keras.layers.Input(shape=[4], name="deep_input")
    hidden1 = keras.layers.Dense(6, activation="relu")(input_b)
    hidden2 = keras.layers.Dense(5, activation="elu")(hidden1)
    concat = keras.layers.concatenate([input_a, hidden2])
    output = keras.layers.Dense(1, name="main_output")(concat)
    aux = keras.layers.Dense(1, name="aux_output")(hidden2)
    model = keras.models.Model(inputs=[input_a, input_b], outputs=[output, aux])
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer="sgd")
    rng = np.random.default_rng(8)
    xa, xb = rng.normal(size=(8, 3)), rng.normal(size=(8, 4))
    y = rng.normal(size=(8, 1))
    check_model_gradients(model, (xa, xb), (y, 2 * y))


def test_classifier_gradients_flatten_and_fused_softmax():
    model = keras.models.Sequential([keras.layers.Flatten(input_shape=[2, 3]),
                                     keras.layers.Dense(5, activation="selu"),
                                     keras.layers.Dense(4, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    rng = np.random.default_rng(9)
    check_model_gradients(model, rng.normal(size=(7, 2, 3)), rng.integers(0, 4, size=7))


@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "mse"])
def test_softmax_activation_layer_output_fused_and_unfused(loss):
    model = keras.models.Sequential([keras.layers.InputLayer(input_shape=[3]),
                                     keras.layers.Dense(4),
                                     keras.layers.Activation("softmax")])
    model.compile(loss=loss, optimizer="sgd")
    assert model._fused_outputs == [loss != "mse"]
    rng = np.random.default_rng(11)
    y = rng.integers(0, 4, size=6) if loss != "mse" else rng.random((6, 4))
    check_model_gradients(model, rng.normal(size=(6, 3)), y)


def test_gradients_do_not_depend_on_optimizer_step():
    """The grads computed for one step are what SGD then applies: θ' = θ − η∇L."""
    model = mlp("tanh", as_layer=False)
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.1))
    rng = np.random.default_rng(10)
    x, y = rng.normal(size=(8, 4)), rng.normal(size=(8, 3))
    before = model.get_weights()
    _, grads = model.compute_gradients(x, y)
    model.train_on_batch(x, y)
    for w0, g, w1 in zip(before, grads, model.get_weights()):
        np.testing.assert_allclose(w1, w0 - 0.1 * g, rtol=1e-10, atol=1e-12)
