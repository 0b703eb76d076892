"""Optimizers of ch. 11: first steps against hand-computed equations (float64),
convergence on a quadratic, clipping, lr/decay compatibility, slots and state."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nnlite as keras
from nnlite.variables import Variable

EPS = 1e-7
G1 = np.array([0.5, -2.0, 3.0])
G2 = np.array([-1.0, 0.25, 2.0])
THETA0 = np.array([1.0, -1.0, 0.5])


@pytest.fixture(autouse=True)
def float64():
    previous = keras.backend.floatx()
    keras.backend.set_floatx("float64")
    keras.backend.clear_session()
    yield
    keras.backend.set_floatx(previous)


def two_steps(optimizer, grads=(G1, G2), theta=THETA0):
    """θ after each of the steps taken with ``grads``."""
    var = Variable(np.array(theta, dtype=np.float64), name="theta")
    thetas = []
    for g in grads:
        optimizer.apply_gradients([(np.array(g), var)])
        thetas.append(var.numpy())
    return thetas, var


# ------------------------------------------------------- hand-computed steps
def test_sgd_plain_momentum_and_nesterov_match_keras_rule():
    eta, beta = 0.1, 0.9
    (t1, t2), _ = two_steps(keras.optimizers.SGD(learning_rate=eta))
    np.testing.assert_allclose(t1, THETA0 - eta * G1, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(t2, THETA0 - eta * (G1 + G2), rtol=1e-12, atol=1e-14)
    # momentum: m ← βm − ηg; θ ← θ + m
    m1 = -eta * G1
    m2 = beta * m1 - eta * G2
    (t1, t2), _ = two_steps(keras.optimizers.SGD(learning_rate=eta, momentum=beta))
    np.testing.assert_allclose(t1, THETA0 + m1, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(t2, THETA0 + m1 + m2, rtol=1e-12, atol=1e-14)
    # Nesterov (Keras): θ ← θ + βm − ηg with the updated m
    (t1, t2), _ = two_steps(keras.optimizers.SGD(eta, momentum=beta, nesterov=True))
    n1 = THETA0 + beta * m1 - eta * G1
    np.testing.assert_allclose(t1, n1, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(t2, n1 + beta * m2 - eta * G2, rtol=1e-12, atol=1e-14)


def test_keras_nesterov_is_the_books_look_ahead_rule():
    """Book: m ← βm − η∇J(θ + βm), θ ← θ + m.  Keras keeps φ = θ + βm, so φ must match."""
    eta, beta, a = 0.05, 0.9, np.array([1.0, 10.0, 3.0])     # J(θ) = ½ Σ aᵢθᵢ²
    theta, m = THETA0.copy(), np.zeros(3)
    var = Variable(THETA0.copy(), name="phi")                # φ₀ = θ₀ (m₀ = 0)
    opt = keras.optimizers.SGD(eta, momentum=beta, nesterov=True)
    for _ in range(5):
        m = beta * m - eta * a * (theta + beta * m)
        theta = theta + m
        opt.apply_gradients([(a * var.value, var)])          # gradient at the stored φ
        np.testing.assert_allclose(var.value, theta + beta * m, rtol=1e-12, atol=1e-14)


def test_adagrad_accumulator_starts_at_0_1():
    eta = 0.1
    opt = keras.optimizers.Adagrad(learning_rate=eta)
    (t1, t2), var = two_steps(opt)
    s1 = 0.1 + G1**2
    s2 = s1 + G2**2
    e1 = THETA0 - eta * G1 / np.sqrt(s1 + EPS)
    np.testing.assert_allclose(t1, e1, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(t2, e1 - eta * G2 / np.sqrt(s2 + EPS), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(opt.get_slot(var, "accumulator"), s2)
    assert keras.optimizers.Adagrad().get_config()["initial_accumulator_value"] == 0.1


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_rmsprop_plain_centered_and_momentum(centered, momentum):
    eta, rho = 0.01, 0.9
    opt = keras.optimizers.RMSprop(eta, rho=rho, momentum=momentum, centered=centered)
    thetas, _ = two_steps(opt)
    theta, s, gbar, mom = THETA0.copy(), np.zeros(3), np.zeros(3), np.zeros(3)
    for g, got in zip((G1, G2), thetas):
        s = rho * s + (1 - rho) * g**2
        gbar = rho * gbar + (1 - rho) * g
        denom = s - gbar**2 + EPS if centered else s + EPS
        delta = eta * g / np.sqrt(denom)
        mom = momentum * mom + delta
        theta = theta - (mom if momentum else delta)
        np.testing.assert_allclose(got, theta, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_first_steps(amsgrad):
    eta, b1, b2 = 0.01, 0.9, 0.999
    opt = keras.optimizers.Adam(eta, amsgrad=amsgrad)
    grads = (G1, G2, 0.1 * G1)
    thetas, _ = two_steps(opt, grads)
    theta, m, s, s_max = THETA0.copy(), np.zeros(3), np.zeros(3), np.zeros(3)
    for t, (g, got) in enumerate(zip(grads, thetas), start=1):
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        s_max = np.maximum(s_max, s)
        alpha = eta * math.sqrt(1 - b2**t) / (1 - b1**t)
        theta = theta - alpha * m / (np.sqrt(s_max if amsgrad else s) + EPS)
        np.testing.assert_allclose(got, theta, rtol=1e-12, atol=1e-14)
    assert opt.iterations == 3


def test_adam_first_step_is_about_eta_times_sign():
    """The book's intuition: the first Adam step moves each weight by ≈ η."""
    (t1,), _ = two_steps(keras.optimizers.Adam(learning_rate=0.001), grads=(G1,))
    np.testing.assert_allclose(THETA0 - t1, 0.001 * np.sign(G1), rtol=1e-5)


def test_adamw_decays_weights_before_the_adam_step():
    eta, wd, b1, b2 = 0.01, 0.004, 0.9, 0.999
    (t1,), _ = two_steps(keras.optimizers.AdamW(eta, weight_decay=wd), grads=(G1,))
    theta = THETA0 - eta * wd * THETA0
    m, s = (1 - b1) * G1, (1 - b2) * G1**2
    alpha = eta * math.sqrt(1 - b2) / (1 - b1)
    np.testing.assert_allclose(t1, theta - alpha * m / (np.sqrt(s) + EPS), rtol=1e-12, atol=1e-14)
    assert keras.optimizers.AdamW().weight_decay == 0.004


def test_adamw_amsgrad_first_steps():
    eta, wd, b1, b2 = 0.01, 0.1, 0.9, 0.999
    grads = (G1, G2, 0.1 * G1)
    thetas, var = two_steps(keras.optimizers.AdamW(eta, weight_decay=wd, amsgrad=True), grads)
    theta, m, s, s_max = THETA0.copy(), np.zeros(3), np.zeros(3), np.zeros(3)
    for t, (g, got) in enumerate(zip(grads, thetas), start=1):
        theta = theta - eta * wd * theta
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        s_max = np.maximum(s_max, s)
        alpha = eta * math.sqrt(1 - b2**t) / (1 - b1**t)
        theta = theta - alpha * m / (np.sqrt(s_max) + EPS)
        np.testing.assert_allclose(got, theta, rtol=1e-12, atol=1e-14)


def test_adamax_first_steps():
    eta, b1, b2 = 0.01, 0.9, 0.999
    thetas, _ = two_steps(keras.optimizers.Adamax(eta))
    theta, m, u = THETA0.copy(), np.zeros(3), np.zeros(3)
    for t, (g, got) in enumerate(zip((G1, G2), thetas), start=1):
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g))
        theta = theta - eta / (1 - b1**t) * m / (u + EPS)
        np.testing.assert_allclose(got, theta, rtol=1e-12, atol=1e-14)


def test_nadam_first_steps_with_momentum_schedule():
    eta, b1, b2 = 0.01, 0.9, 0.999
    opt = keras.optimizers.Nadam(eta)
    thetas, _ = two_steps(opt)

    def mu(t):
        return b1 * (1 - 0.5 * 0.96**t)

    theta, m, s, prod = THETA0.copy(), np.zeros(3), np.zeros(3), 1.0
    for t, (g, got) in enumerate(zip((G1, G2), thetas), start=1):
        prod *= mu(t)
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        m_hat = mu(t + 1) * m / (1 - prod * mu(t + 1)) + (1 - mu(t)) * g / (1 - prod)
        s_hat = s / (1 - b2**t)
        theta = theta - eta * m_hat / (np.sqrt(s_hat) + EPS)
        np.testing.assert_allclose(got, theta, rtol=1e-12, atol=1e-14)
    assert opt.u_product == pytest.approx(mu(1) * mu(2))


# --------------------------------------------------------------- convergence
@pytest.mark.parametrize("make", [
    lambda: keras.optimizers.SGD(0.1),
    lambda: keras.optimizers.SGD(0.05, momentum=0.9),
    lambda: keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    lambda: keras.optimizers.Adagrad(0.5),
    lambda: keras.optimizers.RMSprop(0.01),
    lambda: keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    lambda: keras.optimizers.Adam(0.05),
    lambda: keras.optimizers.Adam(0.05, amsgrad=True),
    lambda: keras.optimizers.AdamW(0.05),
    lambda: keras.optimizers.Adamax(0.05),
    lambda: keras.optimizers.Nadam(0.05),
], ids=["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "rmsprop-c-m", "adam",
        "amsgrad", "adamw", "adamax", "nadam"])
def test_converges_on_an_elongated_quadratic(make):
    """J(θ) = ½ Σ aᵢ θᵢ² with a = (1, 10): every optimizer reaches θ ≈ 0."""
    a = np.array([1.0, 10.0])
    opt = make()
    var = Variable(np.array([3.0, -2.0]), name="theta")
    j0 = 0.5 * np.sum(a * var.value**2)
    for _ in range(600):
        opt.apply_gradients([(a * var.value, var)])
    assert 0.5 * np.sum(a * var.value**2) < 1e-3 * j0


# ------------------------------------------------------------------ clipping
def test_clipvalue_changes_direction_and_clipnorm_keeps_it():
    """The seeds' example: g = [0.9, 100.0] → [0.9, 1.0] (clipvalue) or [0.0089…, 0.9999…]."""
    g = np.array([0.9, 100.0])

    def clipped(**kwargs):
        var = Variable(np.zeros(2), name="w")
        keras.optimizers.SGD(learning_rate=1.0, **kwargs).apply_gradients([(g, var)])
        return -var.value

    by_value, by_norm = clipped(clipvalue=1.0), clipped(clipnorm=1.0)
    np.testing.assert_allclose(by_value, [0.9, 1.0], rtol=1e-12)
    np.testing.assert_allclose(by_norm, [0.9, 100.0] / np.hypot(0.9, 100.0), rtol=1e-12)
    assert by_norm[0] == pytest.approx(0.0089996, abs=1e-7)
    assert by_norm[1] == pytest.approx(0.9999595, abs=1e-7)
    cosine = lambda a, b: a @ b / (np.linalg.norm(a) * np.linalg.norm(b))  # noqa: E731
    assert cosine(by_norm, g) == pytest.approx(1.0, abs=1e-12)     # direction kept
    assert cosine(by_value, g) < 0.8                                # direction changed
    np.testing.assert_array_equal(clipped(clipnorm=200.0), g)      # under the norm: untouched


def test_clipnorm_is_per_tensor_and_global_clipnorm_joint():
    ga, gb = np.array([3.0, 4.0]), np.array([0.6, 0.8])      # norms 5 and 1
    for kwargs, expected_a, expected_b in (
            ({"clipnorm": 2.0}, ga * 2 / 5, gb),              # only a is clipped
            ({"global_clipnorm": 2.0}, ga * 2 / math.sqrt(26), gb * 2 / math.sqrt(26))):
        a, b = Variable(np.zeros(2), name="a"), Variable(np.zeros(2), name="b")
        keras.optimizers.SGD(1.0, **kwargs).apply_gradients([(ga, a), (gb, b)])
        np.testing.assert_allclose(-a.value, expected_a, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(-b.value, expected_b, rtol=1e-12, atol=1e-14)


def test_gradient_norm_is_the_global_norm_and_global_clipnorm_reuses_it():
    """A model checks ‖(g₁, g₂)‖ is finite before the step, then passes it to apply."""
    ga, gb = np.array([3.0, 4.0]), np.array([0.6, 0.8])
    opt = keras.optimizers.SGD(1.0, global_clipnorm=2.0)
    a, b = Variable(np.zeros(2), name="a"), Variable(np.zeros(2), name="b")
    a.grad[...], b.grad[...] = ga, gb
    assert opt.gradient_norm([a, b]) == pytest.approx(math.sqrt(26), rel=1e-12)
    opt.apply([a, b], global_norm=10.0)  # the norm given is the one used to clip
    np.testing.assert_allclose(-a.value, ga * 2 / 10, rtol=1e-12)
    b.grad[...] = np.nan
    assert math.isnan(opt.gradient_norm([a, b]))
    assert opt.gradient_norm([]) == 0.0


@pytest.mark.parametrize("kwargs", [{}, {"global_clipnorm": 1.0}, {"clipnorm": 1.0}])
def test_gradient_norm_tells_huge_finite_gradients_from_non_finite_ones(kwargs):
    """In float32 ‖g‖² of g = 1e30 overflows; the step is still finite (clipping can fix it)."""
    opt = keras.optimizers.SGD(1.0, **kwargs)
    a, b = (Variable(np.zeros(3, np.float32), name=n) for n in "ab")
    a.grad[...], b.grad[...] = 1e30, -2e30
    assert opt.gradient_norm([a, b]) == pytest.approx(math.sqrt(15) * 1e30, rel=1e-6)
    for bad in (np.inf, -np.inf, np.nan):
        b.grad[1] = bad
        assert not math.isfinite(opt.gradient_norm([a, b]))


@pytest.mark.parametrize("option", ["clipnorm", "global_clipnorm"])
def test_clipping_applies_inside_training(option):
    """One SGD(η=1) step of a model with huge gradients moves the weights by exactly c."""
    keras.utils.set_random_seed(0)
    model = keras.models.Sequential([keras.layers.Dense(3, input_shape=[4]),
                                     keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1.0,
                                                             **{option: 0.5}))
    x, y = np.ones((8, 4)), np.full((8, 1), 1e6)
    before = model.get_weights()
    model.train_on_batch(x, y)
    steps = [np.linalg.norm(w1 - w0) for w0, w1 in zip(before, model.get_weights())]
    if option == "clipnorm":      # each tensor separately: every step has norm 0.5
        np.testing.assert_allclose(steps, 0.5, rtol=1e-9)
    else:                         # all tensors together: the joint step has norm 0.5
        assert np.sqrt(np.sum(np.square(steps))) == pytest.approx(0.5, rel=1e-9)
        assert max(steps) < 0.5


def test_only_one_clipping_option():
    with pytest.raises(ValueError, match="only one of"):
        keras.optimizers.Adam(clipvalue=1.0, clipnorm=1.0)
    with pytest.raises(ValueError, match="clipnorm must be > 0"):
        keras.optimizers.SGD(clipnorm=0.0)


# ------------------------------------------------------- tf.keras 2 behaviour
@pytest.mark.parametrize("name, cls, lr", [
    ("sgd", keras.optimizers.SGD, 0.01), ("adagrad", keras.optimizers.Adagrad, 0.001),
    ("rmsprop", keras.optimizers.RMSprop, 0.001), ("adam", keras.optimizers.Adam, 0.001),
    ("adamw", keras.optimizers.AdamW, 0.001), ("adamax", keras.optimizers.Adamax, 0.001),
    ("nadam", keras.optimizers.Nadam, 0.001)])
def test_string_names_defaults_and_config_round_trip(name, cls, lr):
    opt = keras.optimizers.get(name)
    assert isinstance(opt, cls)
    assert float(opt.learning_rate) == lr
    if hasattr(opt, "epsilon"):
        assert opt.epsilon == 1e-7
    config = keras.optimizers.serialize(opt)
    clone = keras.optimizers.deserialize(config)
    assert type(clone) is cls and clone.get_config() == opt.get_config()


def test_adam_and_rmsprop_keras_defaults():
    adam, rms = keras.optimizers.Adam(), keras.optimizers.RMSprop()
    assert (adam.beta_1, adam.beta_2, adam.amsgrad) == (0.9, 0.999, False)
    assert (rms.rho, rms.momentum, rms.centered) == (0.9, 0.0, False)


def test_lr_alias_learning_rate_assign_and_set_value():
    with pytest.warns(DeprecationWarning):
        opt = keras.optimizers.Adam(lr=0.01, beta_1=0.89)
    assert float(opt.lr) == 0.01 and opt.beta_1 == 0.89
    assert opt.lr is opt.learning_rate and opt.lr == 0.01
    assert opt.lr != "fast" and opt.lr != None  # noqa: E711  (compares, never raises)
    keras.backend.set_value(opt.lr, 0.005)
    assert keras.backend.get_value(opt.learning_rate) == 0.005
    with pytest.raises(ValueError, match="Adam: learning_rate must be a finite number"):
        keras.backend.set_value(opt.lr, float("nan"))
    assert float(opt.lr) == 0.005                      # a rejected value changes nothing
    opt.learning_rate = 0.002
    assert float(opt.lr) == 0.002
    opt.learning_rate.assign(0.003)
    var = Variable(np.zeros(1), name="w")
    keras.optimizers.SGD(opt.lr).apply_gradients([(np.ones(1), var)])
    assert var.value[0] == pytest.approx(-0.003)


@pytest.mark.parametrize("cls", [keras.optimizers.SGD, keras.optimizers.AdamW,
                                 keras.optimizers.Nadam])
def test_lr_warning_points_at_the_users_line(cls):
    """Shown by default in notebooks/scripts only if attributed to the caller's code."""
    with pytest.warns(DeprecationWarning, match="learning_rate") as record:
        opt = cls(lr=0.02)
    assert record[0].filename == __file__
    assert float(opt.learning_rate) == 0.02


def test_decay_is_inverse_time_per_iteration():
    """SGD(lr=0.01, decay=1e-4): η_t = 0.01 / (1 + 1e-4·t)."""
    with pytest.warns(DeprecationWarning):
        opt = keras.optimizers.SGD(lr=0.01, decay=0.1)
    var = Variable(np.zeros(1), name="w")
    for t in range(4):
        before = var.value[0]
        opt.apply_gradients([(np.ones(1), var)])
        assert before - var.value[0] == pytest.approx(0.01 / (1 + 0.1 * t))
    assert opt.iterations == 4
    assert opt.get_config()["decay"] == 0.1


def test_schedule_is_evaluated_per_step():
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay([1], [0.1, 0.01])
    opt = keras.optimizers.SGD(learning_rate=schedule)
    var = Variable(np.zeros(1), name="w")
    steps = []
    for _ in range(3):
        before = var.value[0]
        opt.apply_gradients([(np.ones(1), var)])
        steps.append(before - var.value[0])
    np.testing.assert_allclose(steps, [0.1, 0.1, 0.01])
    clone = keras.optimizers.SGD.from_config(opt.get_config())
    assert isinstance(clone._schedule, keras.optimizers.schedules.PiecewiseConstantDecay)


def test_decay_inside_fit_is_logged_per_epoch():
    """The book's power scheduling ``SGD(lr=0.01, decay=1e-4)``: History["lr"] decays."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 1))
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[3])])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.01, decay=0.05))
    history = model.fit(x, y, batch_size=10, epochs=3, verbose=0)     # 4 steps per epoch
    np.testing.assert_allclose(history.history["lr"], [0.01 / (1 + 0.05 * 4 * e)
                                                       for e in (1, 2, 3)])
    assert float(model.optimizer.lr) == 0.01          # the base rate, as tf.keras 2


def test_learning_rate_reads_the_schedule_at_the_current_step():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = keras.optimizers.SGD(learning_rate=schedule)
    var = Variable(np.zeros(1), name="w")
    for t in range(3):
        assert float(opt.learning_rate) == pytest.approx(0.1 * 0.5**t)
        opt.apply_gradients([(np.ones(1), var)])
    assert float(opt.lr) == pytest.approx(0.1 * 0.5**3)
    keras.backend.set_value(opt.lr, 0.3)              # a number replaces the schedule
    opt.apply_gradients([(np.ones(1), var)])
    assert float(opt.lr) == 0.3 and opt.get_config()["learning_rate"] == 0.3


def test_one_cycle_schedule_cycles_sgd_momentum():
    schedule = keras.optimizers.schedules.OneCycle(0.1, 21, cycle_momentum=True)
    opt = keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)
    var = Variable(np.zeros(1), name="w")
    momenta = []
    for _ in range(21):
        opt.apply_gradients([(np.ones(1), var)])
        momenta.append(opt.momentum)
    assert momenta[0] == pytest.approx(0.95)
    assert min(momenta) == pytest.approx(0.85)
    assert momenta[-1] == pytest.approx(0.95)
    with pytest.raises(ValueError, match="no momentum"):
        keras.optimizers.Adagrad(learning_rate=schedule)


def test_apply_gradients_skips_none_and_checks_shapes():
    a, b = Variable(np.zeros(2), name="a"), Variable(np.zeros(2), name="b")
    opt = keras.optimizers.Adam()
    opt.apply_gradients([(np.ones(2), a), (None, b)])
    assert np.all(b.value == 0) and np.all(a.value < 0)
    with pytest.raises(ValueError, match="shape"):
        opt.apply_gradients([(np.ones(3), a)])


# ------------------------------------------------------ frozen weights, state
def small_model(optimizer):
    keras.utils.set_random_seed(1)
    model = keras.models.Sequential([keras.layers.Dense(4, activation="relu", input_shape=[3]),
                                     keras.layers.Dense(1)])
    model.layers[0].trainable = False
    model.compile(loss="mse", optimizer=optimizer)
    return model


def test_frozen_weights_get_no_update_and_no_slots():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 3)), rng.normal(size=(32, 1))
    opt = keras.optimizers.Adam(0.01)
    model = small_model(opt)
    frozen = [w.numpy() for w in model.layers[0].weights]
    trained = [w.numpy() for w in model.layers[1].weights]
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    for var, before in zip(model.layers[0].weights, frozen):
        np.testing.assert_array_equal(var.value, before)
        assert id(var) not in opt._slots
    for var, before in zip(model.layers[1].weights, trained):
        assert not np.array_equal(var.value, before)
        assert set(opt.slots(var)) == {"m", "v"}


@pytest.mark.parametrize("make", [
    lambda: keras.optimizers.SGD(0.05, momentum=0.9), lambda: keras.optimizers.Adagrad(0.1),
    lambda: keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    lambda: keras.optimizers.Adam(0.01, amsgrad=True), lambda: keras.optimizers.Nadam(0.01),
    lambda: keras.optimizers.Adamax(0.01)], ids=["momentum", "adagrad", "rmsprop", "adam",
                                                 "nadam", "adamax"])
def test_get_state_set_state_resumes_exactly(make):
    grads = [G1, G2, -G1, 0.5 * G2]
    first = make()
    var = Variable(THETA0.copy(), name="theta")
    for g in grads[:2]:
        first.apply_gradients([(g, var)])
    state = first.get_state([var])
    saved_value = var.numpy()
    assert int(state["iterations"]) == 2
    for g in grads[2:]:
        first.apply_gradients([(g, var)])
    second = make()
    var2 = Variable(saved_value, name="theta")
    second.set_state([var2], {k: np.array(v) for k, v in state.items()})
    for g in grads[2:]:
        second.apply_gradients([(g, var2)])
    np.testing.assert_array_equal(var2.value, var.value)
    assert second.iterations == 4


def test_set_state_rejects_wrong_shapes():
    opt = keras.optimizers.Adam()
    var = Variable(np.zeros(3), name="w")
    opt.apply_gradients([(np.ones(3), var)])
    state = opt.get_state([var])
    with pytest.raises(ValueError, match="shape"):
        keras.optimizers.Adam().set_state([Variable(np.zeros(2), name="w")], state)


def test_legacy_optimizers_are_the_same_classes():
    from nnlite.optimizers import legacy

    for name in legacy.__all__:
        assert getattr(legacy, name) is getattr(keras.optimizers, name)
    optimizer = keras.optimizers.legacy.SGD(learning_rate=0.01, decay=1e-4)  # the book's
    assert optimizer.decay == 1e-4
