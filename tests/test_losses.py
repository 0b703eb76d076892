"""Losses: Keras values (the examples of the Keras docs), names, aliases, stability."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite import losses

Y2 = np.array([[0.0, 1.0], [0.0, 0.0]])


# Examples from the tf.keras 2 documentation of each loss class.
@pytest.mark.parametrize("cls, y_true, y_pred, expected", [
    (losses.MeanSquaredError, Y2, [[1.0, 1.0], [1.0, 0.0]], 0.5),
    (losses.MeanAbsoluteError, Y2, [[1.0, 1.0], [1.0, 0.0]], 0.5),
    (losses.MeanAbsolutePercentageError, [[2.0, 1.0], [2.0, 3.0]], [[1.0, 1.0], [1.0, 0.0]],
     50.0),
    (losses.MeanSquaredLogarithmicError, Y2, [[1.0, 1.0], [1.0, 0.0]], 0.240),
    (losses.Huber, Y2, [[0.6, 0.4], [0.4, 0.6]], 0.155),
    (losses.Poisson, Y2, [[1.0, 1.0], [0.0, 0.0]], 0.5),
    (losses.BinaryCrossentropy, Y2, [[0.6, 0.4], [0.4, 0.6]], 0.815),
    (losses.CategoricalCrossentropy, [[0, 1, 0], [0, 0, 1]],
     [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]], 1.177),
    (losses.SparseCategoricalCrossentropy, [1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]],
     1.177),
])
def test_keras_documented_values(cls, y_true, y_pred, expected):
    assert cls()(np.array(y_true), np.array(y_pred)) == pytest.approx(expected, abs=1e-3)


def test_names_and_aliases():
    expected = {"mse": "mean_squared_error", "mae": "mean_absolute_error",
                "mape": "mean_absolute_percentage_error",
                "msle": "mean_squared_logarithmic_error", "huber": "huber_loss",
                "poisson": "poisson", "binary_crossentropy": "binary_crossentropy",
                "categorical_crossentropy": "categorical_crossentropy",
                "sparse_categorical_crossentropy": "sparse_categorical_crossentropy",
                "mean_squared_error": "mean_squared_error", "MSE": "mean_squared_error"}
    for alias, name in expected.items():
        assert losses.get(alias).name == name
    assert losses.Huber().name == "huber_loss"          # Keras' default name
    assert losses.Huber().delta == 1.0
    assert losses.get(losses.mse).name == "mean_squared_error"
    assert isinstance(losses.get(losses.SparseCategoricalCrossentropy),
                      losses.SparseCategoricalCrossentropy)
    loss = losses.BinaryCrossentropy(from_logits=True)
    assert losses.get(loss) is loss
    with pytest.raises(ValueError, match="Unknown loss"):
        losses.get("mean_cubed_error")


def test_loss_functions_return_one_value_per_sample():
    y_true = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    y_pred = np.array([[1.0, 1.0], [1.0, 3.0], [0.0, 0.0]])
    np.testing.assert_allclose(losses.mse(y_true, y_pred), [0.5, 2.0, 2.0])
    np.testing.assert_allclose(losses.mean_absolute_error(y_true, y_pred), [0.5, 1.0, 1.0])
    np.testing.assert_allclose(keras.losses.sparse_categorical_crossentropy(
        np.array([0, 1]), np.array([[0.5, 0.5], [0.2, 0.8]])), [np.log(2), -np.log(0.8)])


def test_reductions_and_sample_weight():
    y_true, y_pred = np.array([[0.0], [1.0], [2.0]]), np.array([[1.0], [1.0], [0.0]])
    assert losses.MeanSquaredError()(y_true, y_pred) == pytest.approx(5 / 3)
    assert losses.MeanSquaredError(reduction="sum")(y_true, y_pred) == pytest.approx(5.0)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction="none")(y_true, y_pred),
                               [1.0, 0.0, 4.0])
    weighted = losses.MeanSquaredError()(y_true, y_pred, sample_weight=[1.0, 1.0, 0.5])
    assert weighted == pytest.approx((1 + 0 + 2) / 3)
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


def test_huber_quadratic_then_linear():
    huber = losses.Huber(delta=2.0)
    errors = np.array([[0.5], [2.0], [5.0]])
    values = huber.per_sample(np.zeros_like(errors), errors)
    np.testing.assert_allclose(values, [0.125, 2.0, 2 * 5 - 2.0])
    with pytest.raises(ValueError, match="delta"):
        losses.Huber(delta=0.0)


def test_categorical_crossentropy_normalises_probabilities():
    """Keras divides y_pred by its sum before the log (unnormalised outputs)."""
    y = np.array([[0.0, 1.0, 0.0]])
    p = np.array([[0.2, 0.6, 0.2]])
    cce = losses.CategoricalCrossentropy()
    assert cce(y, 3 * p) == pytest.approx(cce(y, p)) == pytest.approx(-np.log(0.6))
    scce = losses.SparseCategoricalCrossentropy()
    assert scce(np.array([1]), 3 * p) == pytest.approx(-np.log(0.6))
    # soft targets are allowed: −Σ y_k log p_k
    soft = np.array([[0.25, 0.5, 0.25]])
    assert cce(soft, p) == pytest.approx(-(0.5 * np.log(0.2) + 0.5 * np.log(0.6)))


def test_from_logits_equals_probabilities():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 4))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    labels = rng.integers(0, 4, size=5)
    onehot = np.eye(4)[labels]
    assert losses.SparseCategoricalCrossentropy(from_logits=True)(labels, z) == \
        pytest.approx(losses.SparseCategoricalCrossentropy()(labels, p), rel=1e-6)
    assert losses.CategoricalCrossentropy(from_logits=True)(onehot, z) == \
        pytest.approx(losses.CategoricalCrossentropy()(onehot, p), rel=1e-6)
    t = rng.integers(0, 2, size=(5, 4)).astype(float)
    assert losses.BinaryCrossentropy(from_logits=True)(t, z) == \
        pytest.approx(losses.BinaryCrossentropy()(t, 1 / (1 + np.exp(-z))), rel=1e-5)
    assert losses.BinaryCrossentropy(from_logits=True).fused_activation is None
    assert losses.BinaryCrossentropy().get_config()["from_logits"] is False


def test_numerically_stable_extremes():
    """No log(0), no overflow: probabilities are clipped to [ε, 1 − ε], logits shifted."""
    eps = keras.backend.epsilon()
    assert eps == 1e-7
    scce = losses.SparseCategoricalCrossentropy()
    worst = scce(np.array([0]), np.array([[0.0, 1.0]]))
    assert np.isfinite(worst) and worst == pytest.approx(-np.log(eps), rel=1e-3)
    assert scce(np.array([1]), np.array([[0.0, 1.0]])) == pytest.approx(0.0, abs=1e-6)
    bce = losses.BinaryCrossentropy()
    assert np.isfinite(bce(np.array([[1.0]]), np.array([[0.0]])))
    z = np.array([[1000.0, -1000.0, 0.0]])
    for loss in (losses.SparseCategoricalCrossentropy(from_logits=True),):
        value, grad = loss.value_and_grad(np.array([1]), z, 1.0)
        assert value == pytest.approx([2000.0]) and np.all(np.isfinite(grad))
    value, grad = losses.BinaryCrossentropy(from_logits=True).value_and_grad(
        np.array([[0.0, 1.0, 1.0]]), z, 1.0)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))
    assert value[0] == pytest.approx((1000 + 1000 + np.log(2)) / 3)


def test_fused_gradient_is_p_minus_y():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    y = np.array([0, 2])
    values, grad = losses.SparseCategoricalCrossentropy().fused_value_and_grad(y, p, 0.5)
    np.testing.assert_allclose(values, -np.log([0.7, 0.8]))
    np.testing.assert_allclose(grad, 0.5 * (p - np.eye(3)[y]))


def test_target_validation_messages():
    with pytest.raises(ValueError, match=r"mean_squared_error.*\(3, 2\).*\(3, 1\)"):
        losses.MeanSquaredError()(np.ones((3, 2)), np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy.*\[0, 2\)"):
        losses.SparseCategoricalCrossentropy()(np.array([0, 2]), np.full((2, 2), 0.5))
    # (n,) targets for a single output are accepted as (n, 1)
    assert losses.MeanSquaredError()(np.array([1.0, 2.0]), np.array([[1.0], [0.0]])) == 2.0


def test_custom_loss_function_trains_when_it_has_a_gradient():
    def half_squared(y_true, y_pred):
        return 0.5 * np.square(y_pred - y_true)
    half_squared.gradient = lambda y_true, y_pred: y_pred - y_true
    x = np.random.default_rng(0).normal(size=(64, 2))
    y = x @ np.array([1.0, -1.0])

    def train(loss, lr):
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[2])])
        model.compile(loss=loss, optimizer=keras.optimizers.SGD(learning_rate=lr))
        return model, model.fit(x, y, epochs=5, verbose=0)

    model, history = train(half_squared, 0.1)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    # ½e² with η is exactly MSE (gradient 2e) with η/2
    reference, ref_history = train("mse", 0.05)
    np.testing.assert_allclose(history.history["loss"],
                               0.5 * np.array(ref_history.history["loss"]), rtol=1e-5)
    for w, w_ref in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(w, w_ref, rtol=1e-5, atol=1e-6)

    def no_gradient(y_true, y_pred):
        return np.abs(y_pred - y_true)
    model.compile(loss=no_gradient, optimizer="sgd")
    with pytest.raises(TypeError, match="gradient"):
        model.train_on_batch(x, y)


def test_serialize_round_trip():
    loss = losses.Huber(delta=2.5)
    again = losses.deserialize(losses.serialize(loss))
    assert isinstance(again, losses.Huber) and again.delta == 2.5


# --------------------------------------------------- targets against predictions
# Every loss × target shape × backend.  Keras' rules: a trailing axis of 1 may
# be added or left out, sparse labels have the predictions' shape without the
# class axis; anything else (a forgotten Flatten, a wrong sample or class count,
# labels out of range) is a ValueError naming the loss, the shapes and the cause.
N, K = 6, 4
CPU_BACKENDS = ("reference", "numba", "cython")
LOSSES = {
    "mse": (losses.MeanSquaredError, "regression"),
    "mae": (losses.MeanAbsoluteError, "regression"),
    "mape": (losses.MeanAbsolutePercentageError, "regression"),
    "msle": (losses.MeanSquaredLogarithmicError, "regression"),
    "huber": (losses.Huber, "regression"),
    "poisson": (losses.Poisson, "regression"),
    "bce": (losses.BinaryCrossentropy, "binary"),
    "bce_logits": (lambda: losses.BinaryCrossentropy(from_logits=True), "binary"),
    "cce": (losses.CategoricalCrossentropy, "categorical"),
    "cce_logits": (lambda: losses.CategoricalCrossentropy(from_logits=True), "categorical"),
    "scce": (losses.SparseCategoricalCrossentropy, "sparse"),
    "scce_logits": (lambda: losses.SparseCategoricalCrossentropy(from_logits=True), "sparse"),
}


def test_the_matrix_covers_every_loss_class():
    covered = {type(make()) for make, _ in LOSSES.values()}
    assert covered == set(losses._CLASSES)


@pytest.fixture(params=CPU_BACKENDS)
def on_backend(request):
    status = keras._kernels.available_backends()[request.param]
    if status != "available":
        pytest.skip(status)
    with keras._kernels.use_backend(request.param):
        yield request.param


def predictions(kind: str, shape: tuple) -> np.ndarray:
    """Valid predictions of ``shape`` for a loss of ``kind`` (probabilities, positives)."""
    z = np.random.default_rng(1).normal(size=shape)
    if kind in ("categorical", "sparse"):
        return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    if kind == "binary":
        return 1 / (1 + np.exp(-z))
    return np.abs(z) + 0.1


def targets(kind: str, shape: tuple) -> np.ndarray:
    """Valid targets for predictions of ``shape`` (labels: without the class axis)."""
    rng = np.random.default_rng(2)
    if kind == "sparse":
        return rng.integers(0, shape[-1], size=shape[:-1])
    if kind == "categorical":
        return np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
    if kind == "binary":
        return rng.integers(0, 2, size=shape).astype(float)
    return np.abs(rng.normal(size=shape))


def rejected(loss, y, pred, *fragments) -> str:
    """``loss(y, pred)`` raises a ValueError naming the loss, both shapes and ``fragments``."""
    with pytest.raises(ValueError) as info:
        loss(y, pred)
    message = str(info.value)
    for fragment in (loss.name, str(np.shape(y)), str(np.shape(pred)), *fragments):
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


@pytest.mark.parametrize("name", LOSSES)
def test_matching_targets(name, on_backend):
    make, kind = LOSSES[name]
    pred = predictions(kind, (N, K))
    y = targets(kind, (N, K))
    value = make()(y, pred)
    with keras._kernels.use_backend("reference"):
        expected = make()(y, pred)
    assert np.isfinite(value) and value == pytest.approx(expected, rel=1e-9)
    values, grad = make().value_and_grad(y, pred, 1 / N)
    assert values.shape == (N,) and grad.shape == (N, K)


@pytest.mark.parametrize("name", LOSSES)
def test_trailing_axis_of_one(name, on_backend):
    """Sparse labels (n, 1) equal (n,); dense targets (n,) fit predictions (n, 1)."""
    make, kind = LOSSES[name]
    loss = make()
    if kind == "sparse":
        pred, y = predictions(kind, (N, K)), targets(kind, (N, K))
        assert loss(y[:, np.newaxis], pred) == pytest.approx(loss(y, pred), rel=1e-12)
        return
    pred = predictions(kind, (N, 1))
    y = targets(kind, (N, 1))
    assert loss(y[:, 0], pred) == pytest.approx(loss(y, pred), rel=1e-12)


@pytest.mark.parametrize("name", LOSSES)
def test_forgotten_flatten(name, on_backend):
    """The book's MLP without Flatten: predictions (n, 28, k) for targets of a 2-D model."""
    make, kind = LOSSES[name]
    pred = predictions(kind, (N, 28, K))
    y = targets(kind, (N, K))
    rejected(make(), y, pred, "did you forget a Flatten layer?")


@pytest.mark.parametrize("name", LOSSES)
def test_wrong_number_of_samples(name, on_backend):
    make, kind = LOSSES[name]
    pred = predictions(kind, (N, K))
    y = targets(kind, (N - 1, K))
    rejected(make(), y, pred, f"for {N - 1} samples but the predictions for {N}")


@pytest.mark.parametrize("name", LOSSES)
def test_wrong_number_of_classes(name, on_backend):
    """Dense targets of K + 1 columns; sparse labels equal to K (out of range)."""
    make, kind = LOSSES[name]
    pred = predictions(kind, (N, K))
    if kind == "sparse":
        with pytest.raises(ValueError, match=rf"{make().name}.*\[0, {K}\).*\[\d, {K}\]"):
            make()(np.full(N, K), pred)
        return
    rejected(make(), targets(kind, (N, K + 1)), pred, f"give the last layer {K + 1} units")


@pytest.mark.parametrize("name", LOSSES)
def test_one_column_targets_do_not_broadcast(name, on_backend):
    """(n, 1) targets against (n, k) predictions: Keras broadcasts silently, nnlite refuses."""
    make, kind = LOSSES[name]
    if kind == "sparse":
        pytest.skip("(n, 1) are valid sparse labels")
    pred = predictions(kind, (N, K))
    y = targets(kind, (N, 1))
    message = rejected(make(), y, pred)
    if kind == "categorical":
        assert "sparse_categorical_crossentropy" in message


@pytest.mark.parametrize("labels, fragment", [
    (lambda y: y - K, "labels must be in [0, 4)"),
    (lambda y: y + 0.5, "labels must be integers"),
    (lambda y: np.where(y == 0, np.nan, y), "labels must be integers"),
    (lambda y: np.eye(K)[y], "categorical_crossentropy"),
], ids=["negative", "fractional", "nan", "one_hot"])
@pytest.mark.parametrize("from_logits", [False, True])
def test_bad_sparse_labels_on_every_backend(labels, fragment, from_logits, on_backend):
    loss = losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    y = targets("sparse", (N, K))
    with pytest.raises(ValueError) as info:
        loss(labels(y), predictions("sparse", (N, K)))
    assert loss.name in str(info.value) and fragment in str(info.value)


@pytest.mark.parametrize("name", ["scce", "scce_logits", "cce", "mse"])
def test_sequence_targets_are_accepted(name, on_backend):
    """Keras takes predictions (n, t, k) with labels (n, t) or targets (n, t, k)."""
    make, kind = LOSSES[name]
    pred = predictions(kind, (N, 3, K))
    y = targets(kind, (N, 3, K))
    rows = y.reshape(N * 3, *y.shape[2:])
    assert make()(y, pred) == pytest.approx(make()(rows, pred.reshape(N * 3, K)), rel=1e-12)
    if kind == "sparse":
        values, grad = make().fused_value_and_grad(y, pred, 1.0)
        assert values.shape == (N, 3) and grad.shape == pred.shape


CRASH_SCRIPT = """
import sys, numpy as np
import nnlite as keras
from nnlite import _kernels
for backend in sys.argv[1:]:
    if _kernels.available_backends()[backend] != "available":
        print(backend, "unavailable", flush=True)
        continue
    _kernels.set_backend(backend)
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).random((512, 28, 28)).astype("float32")
    y = np.random.default_rng(1).integers(0, 10, 512)
    m = keras.models.Sequential([keras.layers.Dense(300, activation="relu", input_shape=[28, 28]),
                                 keras.layers.Dense(10, activation="softmax")])
    m.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    before = m.get_weights()
    calls = {"fit": (lambda: m.fit(x, y, verbose=0), 512),
             "evaluate": (lambda: m.evaluate(x, y, verbose=0), 512),
             "train_on_batch": (lambda: m.train_on_batch(x[:32], y[:32]), 32),
             "loss": (lambda: keras.losses.SparseCategoricalCrossentropy()(
                 y[:64], np.full((64, 28, 10), 0.1)), 64)}
    for name, (call, n) in calls.items():
        try:
            call()
            print(backend, name, "no error", flush=True)
        except ValueError as exc:
            text = str(exc)
            ok = "did you forget a Flatten layer?" in text and f"({n}, 28, 10)" in text
            print(backend, name, "ok" if ok else "wrong message: " + text, flush=True)
    same = all(np.array_equal(a, b) for a, b in zip(before, m.get_weights()))
    print(backend, "weights", "ok" if same else "changed", flush=True)
"""


@pytest.mark.parametrize("simulated_cuda", [False, True], ids=["cpu", "cuda_simulator"])
def test_book_mlp_without_flatten_never_crashes(simulated_cuda):
    """Issue: the book's MLP without Flatten killed the interpreter (numba, cython).

    In a subprocess, so that a crash is a failure: fit, evaluate, train_on_batch and the
    loss object refuse (512, 28, 10) predictions for (512,) labels, naming Flatten, and
    the weights are unchanged.
    """
    import os
    import subprocess
    import sys

    env = dict(os.environ, NNLITE_BACKEND="reference")
    backends = ["cuda"] if simulated_cuda else list(CPU_BACKENDS)
    if simulated_cuda:
        env.update(NUMBA_ENABLE_CUDASIM="1")
    proc = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, *backends], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"exit status {proc.returncode}: {proc.stderr[-3000:]}"
    lines = proc.stdout.split("\n")
    for backend in backends:
        if f"{backend} unavailable" in lines:
            continue
        for name in ("fit", "evaluate", "train_on_batch", "loss", "weights"):
            assert f"{backend} {name} ok" in lines, proc.stdout
