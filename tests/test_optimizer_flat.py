"""The fused optimizer step: all weights updated in one pass over a flat buffer.

``Optimizer.apply`` packs the weights, their gradients and the slots into one
contiguous array each (``FlatWeights``) and makes every ``Variable.value`` /
``.grad`` a view of it.  These tests check that this changes nothing a user can
see: the same numbers as a weight-by-weight update, slots and saved state per
weight, repacking when weights change, custom optimizers left alone.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite.optimizers.optimizer import FlatWeights
from nnlite.variables import Variable


@pytest.fixture(autouse=True)
def fresh_session():
    keras.backend.clear_session()
    yield


def small_model(seed: int = 0, units=(5, 4), constraint=None) -> keras.models.Sequential:
    keras.utils.random.set_random_seed(seed)
    layers = [keras.layers.Dense(units[0], activation="relu", input_shape=[3],
                                 kernel_constraint=constraint)]
    layers += [keras.layers.Dense(u, activation="elu") for u in units[1:]]
    layers += [keras.layers.Dense(2, activation="softmax")]
    return keras.models.Sequential(layers)


def data(n: int = 64):
    rng = np.random.default_rng(1)
    return rng.normal(size=(n, 3)).astype("float32"), rng.integers(0, 2, n)


def weight_by_weight(cls):
    """A subclass whose ``update_step`` is defined outside nnlite: never fused."""

    class PerWeight(cls):
        def update_step(self, var, grad, lr):
            assert not isinstance(var, FlatWeights)
            super().update_step(var, grad, lr)

    return PerWeight


OPTIMIZERS = [
    ("SGD", dict(learning_rate=0.05)),
    ("SGD", dict(learning_rate=0.05, momentum=0.9, nesterov=True)),
    ("Adagrad", dict(learning_rate=0.05)),
    ("RMSprop", dict(learning_rate=0.01, momentum=0.5, centered=True)),
    ("Adam", dict(learning_rate=0.01)),
    ("Adam", dict(learning_rate=0.01, amsgrad=True)),
    ("AdamW", dict(learning_rate=0.01, weight_decay=0.01)),
    ("Adamax", dict(learning_rate=0.01)),
    ("Nadam", dict(learning_rate=0.01)),
    ("Adam", dict(learning_rate=0.01, clipvalue=0.01)),
    ("Adam", dict(learning_rate=0.01, clipnorm=0.05)),
    ("Adam", dict(learning_rate=0.01, global_clipnorm=0.05)),
]


@pytest.mark.parametrize("name, kwargs", OPTIMIZERS,
                         ids=[f"{n}-{'-'.join(k)}" for n, k in OPTIMIZERS])
def test_fused_step_equals_weight_by_weight(name, kwargs):
    cls = getattr(keras.optimizers, name)
    x, y = data()
    weights, optimizers = [], (cls(**kwargs), weight_by_weight(cls)(**kwargs))
    for opt in optimizers:
        model = small_model()
        model.compile(loss="sparse_categorical_crossentropy", optimizer=opt)
        model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False)
        weights.append(model.get_weights())
    assert isinstance(optimizers[0]._flat, FlatWeights)
    assert optimizers[1]._flat is None  # the subclass was updated weight by weight
    for a, b in zip(*weights):
        if "global_clipnorm" in kwargs:  # the global norm sums in another order
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
        else:  # the same elementwise arithmetic, bit for bit
            np.testing.assert_array_equal(a, b)


def test_weights_grads_and_slots_become_views_of_one_buffer():
    x, y = data()
    model = small_model()
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam())
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    flat = model.optimizer._flat
    assert isinstance(flat, FlatWeights)
    assert flat.value.size == model.count_params()
    for var in model.trainable_weights:
        assert np.shares_memory(var.value, flat.value)
        assert np.shares_memory(var.grad, flat.grad)
        m = model.optimizer.get_slot(var, "m")
        assert m.shape == var.shape
        assert np.shares_memory(m, model.optimizer.slots(flat)["m"])
    # state round trip: saved per weight, restored into a fresh optimizer
    state = model.optimizer.get_state(model.trainable_weights)
    assert {k.split("/")[1] for k in state if "/" in k} == {"m", "v"}
    before = model.get_weights()
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
    after = model.get_weights()
    model.set_weights(before)
    model.optimizer.set_state(model.trainable_weights, state)
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(after, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_plain_sgd_creates_no_slots():
    x, y = data()
    model = small_model()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    state = model.optimizer.get_state(model.trainable_weights)
    assert set(state) == {"iterations", "learning_rate"}


def test_a_replaced_weight_array_is_repacked_and_trained():
    x, y = data()
    model = small_model()
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(0.1))
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    kernel = model.layers[0].kernel
    kernel.value = np.full(kernel.shape, 0.25, dtype=kernel.dtype)  # a new array
    model.train_on_batch(x[:16], y[:16])
    flat = model.optimizer._flat
    assert np.shares_memory(kernel.value, flat.value)
    assert not np.all(kernel.value == 0.25)  # it trained from the assigned value
    assert np.all(np.abs(kernel.value - 0.25) < 0.5)


def test_layers_shared_by_two_models_keep_training_from_each_others_weights():
    x, y = data()
    model_a = small_model()
    model_a.compile(loss="sparse_categorical_crossentropy",
                    optimizer=keras.optimizers.SGD(0.1))
    model_a.fit(x, y, batch_size=16, epochs=1, verbose=0)
    model_b = keras.models.Sequential(model_a.layers[:-1] + [keras.layers.Dense(3)])
    model_b.compile(loss="sparse_categorical_crossentropy",
                    optimizer=keras.optimizers.Adam(0.01))
    model_b.fit(x, y, batch_size=16, epochs=1, verbose=0)
    shared = model_a.layers[0].kernel
    trained_by_b = shared.numpy()
    model_a.train_on_batch(x[:16], y[:16])  # A repacks from B's current values
    step = shared.numpy() - trained_by_b
    assert 0 < np.abs(step).max() < 0.5
    assert np.shares_memory(shared.value, model_a.optimizer._flat.value)


def test_constraints_apply_to_each_weight_after_the_fused_step():
    x, y = data()
    model = small_model(constraint=keras.constraints.MaxNorm(0.5))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(0.5))
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    norms = np.sqrt((model.layers[0].kernel.value ** 2).sum(axis=0))
    assert np.all(norms <= 0.5 + 1e-6)


def test_mixed_dtypes_are_updated_weight_by_weight():
    opt = keras.optimizers.SGD(0.1)
    a = Variable(np.ones(3, np.float32), name="a")
    b = Variable(np.ones(2, np.float64), name="b")
    opt.apply_gradients([(np.ones(3, np.float32), a), (np.ones(2), b)])
    assert opt._flat is None
    np.testing.assert_allclose(a.value, 0.9)
    np.testing.assert_allclose(b.value, 0.9)
