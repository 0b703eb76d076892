"""Every plot function runs headless, returns a Figure, saves the file, has its axes."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

import nnlite as keras
from nnlite import plot
from nnlite.callbacks import GradientMonitor
from nnlite.inspect import inspect_batch
from nnlite.utils import plot_model


def _saved(fig, path) -> None:
    assert isinstance(fig, Figure)
    assert path.exists() and path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


@pytest.fixture(scope="module")
def trained():
    """A small classifier trained with a GradientMonitor."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(128, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = keras.Sequential([
        keras.layers.Dense(8, activation="sigmoid", input_shape=[4]),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(0.1),
                  metrics=["accuracy"])
    history = model.fit(X, y, epochs=3, batch_size=32, validation_split=0.25, verbose=0,
                        callbacks=[GradientMonitor(batch_freq=1)])
    return model, history, X, y


def test_learning_curves(tmp_path, trained):
    _, history, _, _ = trained
    history.history["lr"] = [0.1, 0.05, 0.01]  # a changing lr gets its own (log) axis
    fig = plot.learning_curves(history, tmp_path / "lc.png")
    _saved(fig, tmp_path / "lc.png")
    ax, ax2 = fig.axes
    assert {t.get_text() for t in ax.get_legend().get_texts()} == \
        {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert ax2.get_yscale() == "log"


def test_activation_functions(tmp_path):
    fig = plot.activation_functions(path=tmp_path / "act.png")
    _saved(fig, tmp_path / "act.png")
    axes = _visible_axes(fig)
    assert [ax.get_title() for ax in axes] == list(plot.DEFAULT_ACTIVATIONS)
    relu = axes[2]
    z, a = relu.lines[0].get_data()
    np.testing.assert_allclose(a, np.maximum(z, 0), atol=1e-6)
    _, d = relu.lines[1].get_data()
    np.testing.assert_allclose(d, (z > 0).astype(float), atol=1e-6)
    assert axes[0].collections, "sigmoid's saturation region is shaded"


def test_activation_histograms_and_initializations(tmp_path):
    fig = plot.initialization_histograms(
        configs=[("sigmoid", "glorot_uniform"), ("relu", "he_normal")], depth=3, units=20,
        n_samples=50, path=tmp_path / "init.png")
    _saved(fig, tmp_path / "init.png")
    assert len(_visible_axes(fig)) == 2 * 3
    assert all(ax.patches for ax in _visible_axes(fig))
    model = keras.Sequential([keras.layers.Dense(6, activation="tanh", input_shape=[3]),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    insp = inspect_batch(model, np.ones((5, 3)), np.zeros(5, int))
    for kind in ("output", "grad_output", "weight_grad"):
        fig = plot.activation_histograms(insp, tmp_path / f"h_{kind}.png", kind=kind)
        _saved(fig, tmp_path / f"h_{kind}.png")
        assert len(_visible_axes(fig)) == 2
    with pytest.raises(ValueError, match="kind must be"):
        plot.activation_histograms(insp, kind="nope")


def test_gradient_norms_and_layer_statistics(tmp_path, trained):
    model, history, _, _ = trained
    fig = plot.gradient_norms(history, tmp_path / "gn.png")
    _saved(fig, tmp_path / "gn.png")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == len(model.layers)
    assert all(len(line.get_xdata()) == 3 for line in ax.lines)
    fig = plot.gradient_norms(history, tmp_path / "gnb.png", per_batch=True)
    assert all(len(line.get_xdata()) == 9 for line in fig.axes[0].lines)
    fig = plot.layer_statistics(history, tmp_path / "ls.png")
    _saved(fig, tmp_path / "ls.png")
    assert len(fig.axes) == 4 and len(fig.axes[3].lines) == 2  # saturated + dead
    with pytest.raises(ValueError, match="GradientMonitor"):
        plot.gradient_norms(keras.callbacks.History())


def test_optimizer_trajectories_use_nnlite_optimizers(tmp_path):
    available = plot.available_trajectory_optimizers()
    assert {"SGD", "momentum", "Nesterov"} <= set(available)
    for name, (cls_name, _) in plot.TRAJECTORY_OPTIMIZERS.items():
        assert (name in available) == hasattr(keras.optimizers, cls_name)
    for surface in ("ravine", "saddle"):
        fig = plot.optimizer_trajectories(surface, path=tmp_path / f"{surface}.png", steps=40)
        _saved(fig, tmp_path / f"{surface}.png")
        assert set(fig.trajectories) == set(available)
        assert len(fig.axes[0].get_legend().get_texts()) == len(available)
    f = plot.SURFACES["ravine"][0]
    path = plot.optimizer_trajectory(keras.optimizers.SGD(0.1, momentum=0.9), "ravine",
                                     steps=100)
    assert path.shape == (101, 2) and f(*path[-1]) < 1e-2 * f(*path[0])
    # plain SGD on the ravine: θ₂ ← θ₂(1 − 2η) exactly
    path = plot.optimizer_trajectory(keras.optimizers.SGD(0.1), "ravine", steps=3)
    np.testing.assert_allclose(path[:, 1], 2.0 * 0.8 ** np.arange(4))
    with pytest.raises(ValueError, match="surface"):
        plot.optimizer_trajectory(keras.optimizers.SGD(), "bowl")


def test_lr_schedules(tmp_path):
    curves = plot.default_schedules(0.01, 60)
    assert len(curves) >= 4 and all(len(c) == 60 for c in curves.values())
    assert all(c[0] == pytest.approx(0.01) and c[-1] < c[0] for c in curves.values())
    fig = plot.lr_schedules(path=tmp_path / "sched.png", n_steps=60)
    _saved(fig, tmp_path / "sched.png")
    assert len(fig.axes) == 3  # schedules, 1cycle lr, 1cycle momentum (twin axis)
    lr = fig.axes[1].lines[0].get_ydata()
    mom = fig.axes[2].lines[0].get_ydata()
    peak = int(np.argmax(lr))
    assert 0 < peak < 59 and mom[peak] == pytest.approx(mom.min(), abs=0.01)
    fig = plot.lr_schedules({"constant": lambda t: 0.1}, n_steps=10)
    assert len(fig.axes[0].lines) == 1


def test_find_learning_rate_and_lr_finder(tmp_path, trained):
    model, _, X, y = trained
    before = model.get_weights()
    lr, iterations = float(model.optimizer.learning_rate), model.optimizer.iterations
    rates, losses = plot.find_learning_rate(model, X, y, epochs=2, batch_size=16,
                                            min_rate=1e-4, max_rate=10)
    assert 4 <= len(rates) == len(losses) <= 16 and np.all(np.diff(rates) > 0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert float(model.optimizer.learning_rate) == lr
    assert model.optimizer.iterations == iterations
    fig = plot.lr_finder(rates, losses, tmp_path / "lrf.png")
    _saved(fig, tmp_path / "lrf.png")
    assert fig.axes[0].get_xscale() == "log"


def test_mc_dropout(tmp_path, trained):
    model, _, X, _ = trained
    mean, std, samples = plot.mc_dropout_predict(model, X[:4], n_samples=5)
    assert samples.shape == (5, 4, 2) and np.allclose(std, 0, atol=1e-6)  # no dropout
    fig = plot.mc_dropout(model, X, tmp_path / "mc.png", n_samples=5, n_instances=2,
                          class_names=["no", "yes"])
    _saved(fig, tmp_path / "mc.png")
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == ["no", "yes"]


def test_mc_dropout_with_dropout_layer(tmp_path):
    if not hasattr(keras.layers, "Dropout"):
        pytest.skip("keras.layers.Dropout not available yet")
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=[3]),
                              keras.layers.Dropout(0.5),
                              keras.layers.Dense(3, activation="softmax")])
    X = np.random.default_rng(1).normal(size=(4, 3))
    mean, std, _ = plot.mc_dropout_predict(model, X, n_samples=20)
    assert std.max() > 0 and np.allclose(mean.sum(axis=1), 1, atol=1e-5)


def test_decision_boundary(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] > X[:, 1]).astype(int)
    clf = keras.Perceptron().fit(X, y)
    fig = plot.decision_boundary(clf, X, y, tmp_path / "db.png")
    _saved(fig, tmp_path / "db.png")
    ax = fig.axes[0]
    assert len(ax.get_legend().get_texts()) == 2
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=[2])])
    fig = plot.decision_boundary(model, X, y, tmp_path / "db2.png", resolution=30)
    _saved(fig, tmp_path / "db2.png")
    with pytest.raises(ValueError, match="2 features"):
        plot.decision_boundary(clf, np.zeros((3, 3)), np.zeros(3))


def test_label_falls_back_without_korean_font():
    text = plot.label("learning rate", "학습률")
    assert text == ("learning rate (학습률)" if plot.korean_font() else "learning rate")


def test_plot_model_sequential_and_functional(tmp_path):
    keras.backend.clear_session()
    seq = keras.Sequential([keras.layers.Flatten(input_shape=[28, 28]),
                            keras.layers.Dense(30, activation="relu"),
                            keras.layers.Dense(10, activation="softmax")])
    fig = plot_model(seq, tmp_path / "seq.png", show_shapes=True)
    _saved(fig, tmp_path / "seq.png")
    texts = [t.get_text() for t in fig.axes[0].texts if t.get_text()]
    assert len(texts) == 4 and "flatten: Flatten\ninput: (None, 28, 28)\noutput: (None, 784)" \
        in texts
    assert len(fig.edges) == 3
    wide = keras.layers.Input(shape=[5], name="wide_input")
    deep = keras.layers.Input(shape=[6], name="deep_input")
    hidden = keras.layers.Dense(30, activation="relu")(deep)
    concat = keras.layers.Concatenate()([wide, hidden])
    out = keras.layers.Dense(1, name="output")(concat)
    model = keras.Model(inputs=[wide, deep], outputs=[out])
    fig = plot_model(model, tmp_path / "wd.png", rankdir="LR")
    _saved(fig, tmp_path / "wd.png")
    assert set(fig.edges) == {("deep_input", "dense_2"), ("wide_input", "concatenate"),
                              ("dense_2", "concatenate"), ("concatenate", "output")}
    assert plot_model(model, None) is not None
    with pytest.raises(ValueError, match="rankdir"):
        plot_model(model, None, rankdir="BT")
