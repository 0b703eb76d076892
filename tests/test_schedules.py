"""Learning-rate schedules: values at chosen steps, from their equations."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nnlite as keras
from nnlite.optimizers import schedules


def test_exponential_decay_continuous_and_staircase():
    s = schedules.ExponentialDecay(0.01, decay_steps=20, decay_rate=0.1)
    assert s(0) == pytest.approx(0.01)
    assert s(20) == pytest.approx(0.001)
    assert s(10) == pytest.approx(0.01 * 0.1**0.5)
    stair = schedules.ExponentialDecay(0.01, 20, 0.1, staircase=True)
    assert stair(19) == pytest.approx(0.01) and stair(20) == pytest.approx(0.001)


def test_exponential_decay_matches_the_books_epoch_function():
    """lr0·0.1^(epoch/20) per epoch == ExponentialDecay(lr0, 20·steps, 0.1) per step."""
    steps_per_epoch = 1719
    s = schedules.ExponentialDecay(0.01, 20 * steps_per_epoch, 0.1)
    for epoch in (0, 7, 20, 33):
        assert s(epoch * steps_per_epoch) == pytest.approx(0.01 * 0.1 ** (epoch / 20))


def test_piecewise_constant_decay_boundaries_are_inclusive():
    s = schedules.PiecewiseConstantDecay(boundaries=[5, 15], values=[0.01, 0.005, 0.001])
    assert [s(t) for t in (0, 5, 6, 15, 16, 1000)] == [0.01, 0.01, 0.005, 0.005, 0.001,
                                                       0.001]
    with pytest.raises(ValueError, match="1 less than"):
        schedules.PiecewiseConstantDecay([5, 15], [0.1, 0.01])


def test_inverse_time_decay_is_power_scheduling():
    s = schedules.InverseTimeDecay(0.01, decay_steps=10, decay_rate=0.5)
    assert s(0) == pytest.approx(0.01)
    assert s(20) == pytest.approx(0.01 / 2)
    assert s(5) == pytest.approx(0.01 / 1.25)
    stair = schedules.InverseTimeDecay(0.01, 10, 0.5, staircase=True)
    assert stair(19) == pytest.approx(0.01 / 1.5)


def test_polynomial_decay_with_and_without_cycle():
    s = schedules.PolynomialDecay(0.1, decay_steps=100, end_learning_rate=0.01, power=2.0)
    assert s(0) == pytest.approx(0.1)
    assert s(50) == pytest.approx(0.09 * 0.25 + 0.01)
    assert s(100) == pytest.approx(0.01) and s(500) == pytest.approx(0.01)
    assert schedules.PolynomialDecay(0.1, 100)(100) == pytest.approx(1e-4)
    cyc = schedules.PolynomialDecay(0.1, 100, 0.01, power=1.0, cycle=True)
    assert cyc(150) == pytest.approx(0.09 * (1 - 150 / 200) + 0.01)


def test_cosine_decay_and_warmup():
    s = schedules.CosineDecay(0.1, decay_steps=100, alpha=0.1)
    assert s(0) == pytest.approx(0.1)
    assert s(50) == pytest.approx(0.1 * (0.9 * 0.5 + 0.1))
    assert s(100) == pytest.approx(0.01) and s(1000) == pytest.approx(0.01)
    w = schedules.CosineDecay(0.0, 100, warmup_target=0.2, warmup_steps=10)
    assert w(5) == pytest.approx(0.1)
    assert w(10) == pytest.approx(0.2)
    assert w(60) == pytest.approx(0.1)
    # without warmup_target, warmup_steps is ignored (Keras): no rise after decay_steps
    plain = schedules.CosineDecay(1.0, 10, warmup_steps=5)
    assert [plain(t) for t in (5, 10, 12, 15)] == pytest.approx([0.5, 0.0, 0.0, 0.0])


def test_cosine_decay_restarts_periods_double():
    s = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5)
    assert s(0) == pytest.approx(1.0)
    assert s(5) == pytest.approx(0.5)
    assert s(10) == pytest.approx(0.5)               # restart, at m_mul¹
    assert s(20) == pytest.approx(0.25)              # middle of the 20-step period
    assert s(30) == pytest.approx(0.25)              # second restart, m_mul²
    same = schedules.CosineDecayRestarts(1.0, 10, t_mul=1.0)
    assert same(15) == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.5)))
    from nnlite import experimental  # tf.keras 2: tf.keras.experimental.CosineDecayRestarts

    assert experimental.CosineDecayRestarts is schedules.CosineDecayRestarts


def test_one_cycle_schedule_matches_the_books_callback_formula():
    s = schedules.OneCycle(max_rate=0.05, total_steps=100)
    # book defaults: start = max/10, last_iterations = 100//10 + 1 = 11, half = 44
    assert s.half_step == 44 and s.start_rate == pytest.approx(0.005)
    assert s(0) == pytest.approx(0.005)
    assert s(22) == pytest.approx(0.0275)
    assert s(44) == pytest.approx(0.05)
    assert s(88) == pytest.approx(0.005)
    assert s(99) == pytest.approx(0.005 + (5e-6 - 0.005) * 11 / 12)
    assert s(500) == pytest.approx(5e-6)
    assert s.momentum(10) is None
    m = schedules.OneCycle(0.05, 100, cycle_momentum=True)
    assert [m.momentum(t) for t in (0, 44, 88, 95)] == pytest.approx([0.95, 0.85, 0.95, 0.95])


@pytest.mark.parametrize("schedule", [
    schedules.ExponentialDecay(0.01, 20, 0.1, staircase=True),
    schedules.PiecewiseConstantDecay([5], [0.1, 0.01]),
    schedules.InverseTimeDecay(0.01, 10, 0.5),
    schedules.PolynomialDecay(0.1, 100, cycle=True),
    schedules.CosineDecay(0.1, 100, alpha=0.1),
    schedules.CosineDecayRestarts(0.1, 10),
    schedules.OneCycle(0.05, 100, cycle_momentum=True)], ids=lambda s: type(s).__name__)
def test_serialize_round_trip_and_optimizer_config(schedule):
    clone = schedules.deserialize(schedules.serialize(schedule))
    assert type(clone) is type(schedule)
    assert [clone(t) for t in (0, 7, 55)] == [schedule(t) for t in (0, 7, 55)]
    opt = keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert restored.current_learning_rate() == pytest.approx(schedule(0))


def test_schedule_advances_per_batch_inside_fit():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 3)), rng.normal(size=(64, 1))
    schedule = schedules.ExponentialDecay(0.01, decay_steps=4, decay_rate=0.5)
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[3])])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=schedule))
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)   # 4 steps per epoch
    assert model.optimizer.iterations == 12
    np.testing.assert_allclose(history.history["lr"], [0.005, 0.0025, 0.00125])


def test_one_cycle_schedule_drives_rate_and_momentum_inside_fit():
    """SGD(learning_rate=OneCycle(..., cycle_momentum=True)): per-step rate and β."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 3)), rng.normal(size=(64, 1))
    schedule = schedules.OneCycle(max_rate=0.05, total_steps=24, cycle_momentum=True)
    optimizer = keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[3])])
    model.compile(loss="mse", optimizer=optimizer)
    seen = []
    recorder = keras.callbacks.LambdaCallback(
        on_batch_end=lambda batch, logs: seen.append((optimizer.iterations, optimizer.momentum)))
    rates = []
    watcher = keras.callbacks.LambdaCallback(
        on_batch_begin=lambda batch, logs: rates.append(float(optimizer.learning_rate)))
    model.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[watcher, recorder])
    assert [t for t, _ in seen] == list(range(1, 25))
    np.testing.assert_allclose(rates, [schedule(t) for t in range(24)])
    np.testing.assert_allclose([m for _, m in seen], [schedule.momentum(t) for t in range(24)])
    assert min(m for _, m in seen) == pytest.approx(0.85, abs=0.01)


@pytest.mark.parametrize("schedule", [
    keras.optimizers.schedules.ExponentialDecay(0.01, 20, 0.1, staircase=True),
    keras.optimizers.schedules.InverseTimeDecay(0.01, 10, 1.0),
    keras.optimizers.schedules.PiecewiseConstantDecay([5, 15], [0.01, 0.005, 0.001]),
    keras.optimizers.schedules.PolynomialDecay(0.1, 100, 0.001, power=2.0, cycle=True),
    keras.optimizers.schedules.CosineDecay(0.1, 50, alpha=0.1, warmup_target=0.2,
                                           warmup_steps=5),
    keras.optimizers.schedules.CosineDecayRestarts(0.1, 10, t_mul=1.5, m_mul=0.9),
    keras.optimizers.schedules.OneCycle(0.05, 100),
])
def test_config_round_trip_gives_the_same_curve(schedule):
    config = schedule.get_config()
    assert "name" in config and config == type(schedule).from_config(config).get_config()
    again = type(schedule).from_config(config)
    steps = [0, 1, 7, 33, 99]
    assert [again(s) for s in steps] == [schedule(s) for s in steps]
