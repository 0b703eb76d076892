"""Regularizers (l1, l2, l1_l2, callables) and constraints (max_norm, …), end to end."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite import backend, constraints, regularizers
from nnlite.utils.gradient_check import numerical_gradient

L = keras.layers


def _numeric_grad(f, w, h=1e-6):
    """∂f(w)/∂w by central differences (``w`` is perturbed in place)."""
    return numerical_gradient(lambda: f(w), w, h)


# ------------------------------------------------------------ regularizers
@pytest.mark.parametrize("reg, formula", [
    (regularizers.l1(0.01), lambda w: 0.01 * np.abs(w).sum()),
    (regularizers.l2(0.01), lambda w: 0.01 * np.square(w).sum()),  # no ½
    (regularizers.l1_l2(l1=0.02, l2=0.03),
     lambda w: 0.02 * np.abs(w).sum() + 0.03 * np.square(w).sum()),
    (regularizers.L2(0.5), lambda w: 0.5 * np.square(w).sum()),
])
def test_penalty_formula_and_gradient(reg, formula):
    w = np.random.default_rng(0).standard_normal((4, 3))
    assert reg(w) == pytest.approx(formula(w), rel=1e-12)
    np.testing.assert_allclose(reg.gradient(w), _numeric_grad(reg, w.copy()), rtol=1e-6,
                               atol=1e-9)


def test_keras_defaults():
    assert regularizers.l1().l1 == 0.01 and regularizers.l2().l2 == 0.01
    assert regularizers.l1_l2().get_config() == {"l1": 0.01, "l2": 0.01}
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.get("l2").l2 == 0.01
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}
    assert regularizers.l2(l=0.1).l2 == 0.1  # old Keras keyword


def test_serialize_round_trip():
    for reg in (regularizers.l1(0.2), regularizers.l2(0.3), regularizers.l1_l2(0.1, 0.4)):
        again = regularizers.deserialize(regularizers.serialize(reg))
        assert type(again) is type(reg) and again.get_config() == reg.get_config()


@pytest.mark.parametrize("make", [lambda: regularizers.l2(-0.01), lambda: regularizers.l1(-1),
                                  lambda: regularizers.l1_l2(l1=0.1, l2=float("nan")),
                                  lambda: regularizers.l2("big")])
def test_bad_factor_raises_clearly(make):
    with pytest.raises(ValueError, match="regularization factor"):
        make()


def _pair(**reg_kwargs):
    """Two identical one-layer models, the second with regularizers."""
    keras.utils.set_random_seed(0)
    plain = keras.models.Sequential([L.Dense(3, input_shape=[4])])
    reg = keras.models.Sequential([L.Dense(3, input_shape=[4], **reg_kwargs)])
    reg.set_weights(plain.get_weights())
    for m in (plain, reg):
        m.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.1))
    rng = np.random.default_rng(1)
    return plain, reg, rng.standard_normal((8, 4)), rng.standard_normal((8, 3))


def test_fit_loss_includes_the_weight_penalty():
    plain, reg, x, y = _pair(kernel_regularizer=regularizers.l2(0.01),
                             bias_regularizer=regularizers.l1(0.05))
    reg.layers[0].bias.assign([0.5, -1.0, 2.0])
    plain.layers[0].bias.assign([0.5, -1.0, 2.0])
    W, b = reg.get_weights()
    penalty = 0.01 * np.square(W).sum() + 0.05 * np.abs(b).sum()
    h_reg = reg.fit(x, y, epochs=1, batch_size=8, verbose=0).history["loss"][0]
    h_plain = plain.fit(x, y, epochs=1, batch_size=8, verbose=0).history["loss"][0]
    assert h_reg == pytest.approx(h_plain + penalty, rel=1e-5)


def test_penalty_gradient_is_added_to_the_weights_gradient():
    plain, reg, x, y = _pair(kernel_regularizer=regularizers.l1_l2(l1=0.01, l2=0.02))
    W0 = reg.get_weights()[0].astype(np.float64)
    plain.train_on_batch(x, y)
    reg.train_on_batch(x, y)
    # SGD: W ← W − η(g + ∂Ω/∂W), so the difference is −η·∂Ω/∂W at the old weights
    expected = -0.1 * (0.01 * np.sign(W0) + 2 * 0.02 * W0)
    np.testing.assert_allclose(reg.get_weights()[0] - plain.get_weights()[0], expected,
                               atol=1e-6)


def test_activity_regularizer_loss_and_gradient_float64():
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        keras.utils.set_random_seed(2)
        model = keras.models.Sequential([
            L.Dense(3, input_shape=[4], activation="tanh",
                    activity_regularizer=regularizers.l2(0.1))])
        model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1.0))
        rng = np.random.default_rng(3)
        x, y = rng.standard_normal((6, 4)), rng.standard_normal((6, 3))
        W, b = (w.copy() for w in model.get_weights())

        def total(W_):
            a = np.tanh(x @ W_ + b)
            return np.mean(np.square(a - y)) + 0.1 * np.square(a).sum() / len(x)

        loss = model.train_on_batch(x, y)
        assert loss == pytest.approx(total(W), rel=1e-10)
        # lr = 1: the step is −∂L/∂W, compared with central differences
        np.testing.assert_allclose(W - model.get_weights()[0], _numeric_grad(total, W.copy()),
                                   rtol=1e-6, atol=1e-9)
    finally:
        backend.set_floatx(previous)


@pytest.mark.parametrize("training", [True, False])
def test_model_gradient_check_through_every_ch11_layer_and_penalty(training):
    """float64 backprop vs central differences of the full loss (penalties included)."""
    from nnlite.utils import check_gradients

    R = regularizers
    keras.utils.set_random_seed(0)
    model = keras.models.Sequential([
        L.Dense(6, input_shape=[4], kernel_regularizer=R.l2(0.05),
                bias_regularizer=R.l1(0.02), activity_regularizer=R.l1_l2(0.01, 0.02)),
        L.BatchNormalization(momentum=0.9, gamma_regularizer=R.L2(0.1),
                             beta_regularizer=R.L1(0.1)),
        L.PReLU(alpha_regularizer=R.L1L2(l2=0.3)), L.Dropout(0.3),
        L.Dense(5, activation="selu", kernel_initializer="lecun_normal"),
        L.AlphaDropout(0.2), L.GaussianNoise(0.1), L.GaussianDropout(0.2), L.RReLU(),
        L.Dense(5, activation="elu"), L.LeakyReLU(0.2), L.ELU(0.7),
        L.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    rng = np.random.default_rng(0)
    prelu = model.layers[2]
    prelu.alpha.assign(0.2 * rng.standard_normal(prelu.alpha.shape))
    bn = model.layers[1]
    bn.moving_variance.assign(rng.uniform(0.5, 2.0, 6))
    x, y = rng.standard_normal((8, 4)), rng.integers(0, 3, 8)
    result = check_gradients(model, x, y, training=training, max_entries=None)
    assert len(result) == len(model.trainable_weights) == 11
    assert result.max_error < 1e-7, str(result)


def test_callable_regularizers():
    def my_l1(w):
        return 0.01 * np.abs(w).sum()

    my_l1.gradient = lambda w: 0.01 * np.sign(w)
    plain, reg, x, y = _pair(kernel_regularizer=my_l1)
    W = reg.get_weights()[0]
    loss = reg.train_on_batch(x, y)
    assert loss == pytest.approx(plain.train_on_batch(x, y) + 0.01 * np.abs(W).sum(),
                                 rel=1e-5)
    no_grad = keras.models.Sequential([L.Dense(2, input_shape=[4],
                                               kernel_regularizer=lambda w: float(w.sum()))])
    no_grad.compile(loss="mse", optimizer="sgd")
    with pytest.raises(TypeError, match="gradient"):
        no_grad.fit(x, y[:, :2], verbose=0)


def test_book_regularized_dense_model_trains():
    from functools import partial

    RegularizedDense = partial(L.Dense, activation="elu", kernel_initializer="he_normal",
                               kernel_regularizer=keras.regularizers.l2(0.01))
    model = keras.models.Sequential([
        L.Flatten(input_shape=[4, 4]), RegularizedDense(30), RegularizedDense(20),
        RegularizedDense(3, activation="softmax", kernel_initializer="glorot_uniform")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((50, 4, 4)), rng.integers(0, 3, 50)
    history = model.fit(x, y, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


# -------------------------------------------------------------- constraints
def test_constraint_formulas_match_keras():
    w = np.random.default_rng(5).standard_normal((6, 4)) * 3
    norms = np.sqrt((w ** 2).sum(axis=0, keepdims=True))
    np.testing.assert_allclose(constraints.max_norm(2.0)(w),
                               w * np.clip(norms, 0, 2.0) / (1e-7 + norms), rtol=1e-6)
    np.testing.assert_allclose(constraints.non_neg()(w), w * (w >= 0))
    np.testing.assert_allclose(constraints.unit_norm()(w), w / (1e-7 + norms))
    mm = constraints.min_max_norm(min_value=1.0, max_value=2.0, rate=0.5)
    desired = 0.5 * np.clip(norms, 1.0, 2.0) + 0.5 * norms
    np.testing.assert_allclose(mm(w), w * desired / (1e-7 + norms))
    row_norms = np.sqrt((w ** 2).sum(axis=1))
    assert (np.sqrt((constraints.MaxNorm(1.0, axis=1)(w) ** 2).sum(axis=1))
            <= np.minimum(row_norms, 1.0) + 1e-6).all()


def test_max_norm_holds_after_training():
    keras.utils.set_random_seed(6)
    model = keras.models.Sequential([
        L.Dense(20, activation="selu", kernel_initializer="lecun_normal", input_shape=[5],
                kernel_constraint=keras.constraints.max_norm(1.)),
        L.Dense(1, kernel_constraint="max_norm", bias_constraint=constraints.non_neg())])
    rng = np.random.default_rng(7)
    x = rng.standard_normal((128, 5))
    y = 10 * x.sum(axis=1, keepdims=True)  # large targets push the weights to grow
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.01))
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    W1 = model.layers[0].get_weights()[0]
    assert np.linalg.norm(W1, axis=0).max() <= 1.0 + 1e-5
    assert np.isclose(np.linalg.norm(W1, axis=0).max(), 1.0, atol=1e-3)  # it was active
    assert np.linalg.norm(model.layers[1].get_weights()[0], axis=0).max() <= 2.0 + 1e-5
    assert (model.layers[1].get_weights()[1] >= 0).all()


def test_unit_norm_and_min_max_norm_after_training():
    model = keras.models.Sequential([
        L.Dense(4, input_shape=[3], kernel_constraint=constraints.unit_norm()),
        L.Dense(2, kernel_constraint=constraints.MinMaxNorm(0.5, 0.8))])
    rng = np.random.default_rng(8)
    model.compile(loss="mse", optimizer="sgd")
    model.fit(rng.standard_normal((32, 3)), rng.standard_normal((32, 2)), epochs=1,
              verbose=0)
    np.testing.assert_allclose(np.linalg.norm(model.layers[0].get_weights()[0], axis=0), 1.0,
                               rtol=1e-5)
    norms = np.linalg.norm(model.layers[1].get_weights()[0], axis=0)
    assert (norms >= 0.5 - 1e-5).all() and (norms <= 0.8 + 1e-5).all()


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), "big", None])
def test_max_norm_bad_value_raises(bad):
    with pytest.raises(ValueError, match=r"MaxNorm: max_value"):
        constraints.max_norm(bad)


@pytest.mark.parametrize("kwargs, match", [({"min_value": -1.0}, "min_value=-1.0"),
                                           ({"min_value": 2.0, "max_value": 1.0}, "<="),
                                           ({"rate": "fast"}, "rate must be a number"),
                                           ({"max_value": float("inf")}, "finite")])
def test_min_max_norm_bad_values_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        constraints.min_max_norm(**kwargs)


def test_constraint_names_and_serialization():
    for name, cls in [("max_norm", constraints.MaxNorm), ("maxnorm", constraints.MaxNorm),
                      ("non_neg", constraints.NonNeg), ("unit_norm", constraints.UnitNorm),
                      ("min_max_norm", constraints.MinMaxNorm), ("MaxNorm", constraints.MaxNorm)]:
        assert isinstance(constraints.get(name), cls)
    c = constraints.max_norm(3.0, axis=1)
    again = constraints.deserialize(constraints.serialize(c))
    assert isinstance(again, constraints.MaxNorm) and again.get_config() == c.get_config()
    with pytest.raises(ValueError, match="rate"):
        constraints.MinMaxNorm(rate=2.0)


def test_evaluate_loss_includes_weight_and_activity_penalties():
    keras.utils.set_random_seed(9)
    model = keras.models.Sequential([
        L.Dense(3, input_shape=[4], kernel_regularizer=regularizers.l2(0.01),
                activity_regularizer=regularizers.l1(0.1))])
    model.compile(loss="mse", optimizer="sgd")
    rng = np.random.default_rng(10)
    x, y = rng.standard_normal((8, 4)), rng.standard_normal((8, 3))
    W, b = model.get_weights()
    a = x @ W + b
    expected = (np.mean(np.square(a - y)) + 0.01 * np.square(W).sum()
                + 0.1 * np.abs(a).sum() / len(x))
    assert model.evaluate(x, y, batch_size=8, verbose=0) == pytest.approx(expected, rel=1e-5)


def test_activity_regularizer_on_any_layer_counts_in_the_loss():
    """tf.keras accepts activity_regularizer= on every layer (here an activation layer)."""
    keras.backend.clear_session()
    x = np.random.default_rng(0).normal(size=(16, 3))
    inp = keras.layers.Input(shape=[3])
    act = keras.layers.Activation("tanh", activity_regularizer=keras.regularizers.l2(0.5))
    model = keras.models.Model(inp, keras.layers.Dense(1)(act(inp)))
    model.compile(loss="mse", optimizer="sgd")
    y = np.zeros((16, 1))
    model.layers[-1].set_weights([np.zeros((3, 1)), np.zeros(1)])   # prediction 0: mse = 0
    penalty = 0.5 * np.sum(np.tanh(x) ** 2) / len(x)                 # Ω(a)/n, as tf.keras 2
    assert model.evaluate(x, y, verbose=0) == pytest.approx(penalty, rel=1e-5)
    assert act.get_config()["activity_regularizer"]["config"] == {"l2": 0.5}
    clone = keras.layers.Activation.from_config(act.get_config())
    assert clone.activity_regularizer.l2 == 0.5
