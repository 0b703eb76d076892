"""Every plot function runs headless, returns a Figure, saves the file, has its axes."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

import nnlite as keras
from nnlite import plot
from nnlite.callbacks import GradientMonitor
from nnlite.inspect import inspect_batch
from nnlite.utils import plot_model

# Without a Korean font every label must fall back to plain English: a missing
# glyph would draw an empty box, and matplotlib warns "Glyph … missing".
pytestmark = pytest.mark.filterwarnings("error:Glyph:UserWarning")


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
    lines = {line.get_label(): line for line in ax.lines}
    for key in ("loss", "accuracy"):  # twins share a colour, validation is dashed
        assert lines[key].get_color() == lines["val_" + key].get_color()
        assert (lines[key].get_linestyle(), lines["val_" + key].get_linestyle()) == ("-", "--")
    assert lines["loss"].get_color() != lines["accuracy"].get_color()
    np.testing.assert_allclose(lines["val_loss"].get_ydata(), history.history["val_loss"])


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
    assert set(available) == {"SGD", "momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam",
                              "Adamax", "Nadam"}
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
    assert 0 < peak < 59 and lr[peak] == pytest.approx(0.1) and lr[0] == pytest.approx(0.01)
    assert lr[-1] < lr[0] / 5  # the final annealing, towards max_rate / 1000
    # momentum moves the opposite way: 0.95 → 0.85 at the lr peak → 0.95
    assert mom[0] == pytest.approx(0.95) and mom[peak] == pytest.approx(0.85)
    assert mom[-1] == pytest.approx(0.95)
    assert set(curves) >= {"power: InverseTimeDecay, η₀ / (1 + t/s)",
                           "performance: ReduceLROnPlateau"}
    plateau = curves["performance: ReduceLROnPlateau"]
    assert np.all(np.diff(plateau) <= 0) and len(set(plateau)) > 2
    fig = plot.lr_schedules({"constant": lambda t: 0.1}, n_steps=10)
    assert len(fig.axes[0].lines) == 1


def test_find_learning_rate_and_lr_finder(tmp_path, trained):
    model, _, X, y = trained
    before = model.get_weights()
    optimizer = model.optimizer
    lr, iterations = float(optimizer.learning_rate), optimizer.iterations
    state = optimizer.get_state(model.trainable_weights)
    rates, losses = plot.find_learning_rate(model, X, y, epochs=2, batch_size=16,
                                            min_rate=1e-4, max_rate=10)
    assert 4 <= len(rates) == len(losses) <= 16 and np.all(np.diff(rates) > 0)
    assert losses[-1] > losses.min()  # it stopped because the loss blew up
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.optimizer is optimizer and float(optimizer.learning_rate) == lr
    assert optimizer.iterations == iterations
    after = optimizer.get_state(model.trainable_weights)
    assert after.keys() == state.keys()
    for key in state:
        np.testing.assert_array_equal(after[key], state[key])
    fig = plot.lr_finder(rates, losses, tmp_path / "lrf.png")
    _saved(fig, tmp_path / "lrf.png")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and len(ax.lines) == 3  # raw, smoothed, suggestion
    np.testing.assert_allclose(ax.lines[1].get_ydata(), plot.smooth_losses(losses))
    assert ax.lines[2].get_xdata()[0] == pytest.approx(plot.suggest_learning_rate(rates, losses))


def test_smoothed_losses_and_suggested_rate():
    np.testing.assert_allclose(plot.smooth_losses([2.0] * 7), 2.0)  # bias-corrected
    losses = np.array([3.0, 1.0, 5.0, 4.0])
    s = plot.smooth_losses(losses, window=2)  # β = 0.5
    np.testing.assert_allclose(s, [3.0, (0.25 * 3 + 0.5 * 1) / 0.75,
                                   (0.125 * 3 + 0.25 * 1 + 0.5 * 5) / 0.875,
                                   (0.0625 * 3 + 0.125 * 1 + 0.25 * 5 + 0.5 * 4) / 0.9375])
    rates = np.geomspace(1e-4, 1.0, 50)
    bowl = (np.log10(rates) + 2) ** 2 + 1  # lowest at η = 1e-2
    assert plot.suggest_learning_rate(rates, bowl, window=1) == pytest.approx(1e-3, rel=0.2)


def test_mc_dropout(tmp_path, trained):
    model, _, X, _ = trained
    with pytest.raises(ValueError, match="no dropout or other noise layer"):
        plot.mc_dropout_predict(model, X[:4], n_samples=5)  # zero uncertainty by construction
    noisy = keras.Sequential([model.layers[0], keras.layers.Dropout(0.5), *model.layers[1:]])
    mean, std, samples = plot.mc_dropout_predict(noisy, X[:4], n_samples=5)
    assert samples.shape == (5, 4, 2) and std.max() > 0
    np.testing.assert_allclose(mean, samples.mean(axis=0))
    fig = plot.mc_dropout(noisy, X, tmp_path / "mc.png", n_samples=5, n_instances=2,
                          class_names=["no", "yes"])
    _saved(fig, tmp_path / "mc.png")
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == ["no", "yes"]


def test_mc_dropout_with_dropout_layer(tmp_path):
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
    assert keras.utils.plot_model is plot_model  # the function, however often it is looked up
    assert callable(keras.utils.plot_model) and keras.utils.plot_model is plot_model
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


def test_depth_profile(tmp_path):
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    X = np.random.default_rng(0).standard_normal((64, 10))
    y = np.arange(64) % 3
    inspections = {}
    for act, init in (("selu", "lecun_normal"), ("sigmoid", "glorot_uniform")):
        model = keras.Sequential(
            [keras.layers.Dense(10, activation=act, kernel_initializer=init, input_shape=[10])]
            + [keras.layers.Dense(10, activation=act, kernel_initializer=init)
               for _ in range(5)] + [keras.layers.Dense(3, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
        inspections[act] = inspect_batch(model, X, y)
    fig = plot.depth_profile(inspections, tmp_path / "depth.png")
    _saved(fig, tmp_path / "depth.png")
    left, right = fig.axes
    assert [line.get_label() for line in left.lines] == ["selu", "sigmoid"]
    assert right.get_yscale() == "log"
    depth, stds = left.lines[0].get_data()
    assert list(depth) == list(range(1, 8))  # 6 hidden layers + the output layer
    expected = [np.std(t.output) for t in inspections["selu"] if t.weights]
    np.testing.assert_allclose(stds, expected, rtol=1e-6)


def test_mc_dropout_keeps_batch_norm_in_inference_mode():
    """Only the noise layers are switched on: BN uses its moving statistics, unchanged."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(2)
    model = keras.Sequential([keras.layers.Dense(8, input_shape=[3]),
                              keras.layers.BatchNormalization(),
                              keras.layers.Dropout(0.0),  # a noise layer that drops nothing
                              keras.layers.Dense(2, activation="softmax")])
    X = np.random.default_rng(2).normal(3.0, 2.0, size=(6, 3))
    moving = [w.numpy() for w in model.non_trainable_weights]
    mean, std, samples = plot.mc_dropout_predict(model, X, n_samples=4)
    np.testing.assert_allclose(mean, model.predict(X, verbose=0), rtol=1e-6)
    assert samples.shape == (4, 6, 2) and np.all(std == 0)
    for a, w in zip(moving, model.non_trainable_weights):
        np.testing.assert_array_equal(a, w.numpy())
    # the book's model(X, training=True) would have used the batch statistics instead
    assert not np.allclose(np.asarray(model(X, training=True)), mean, atol=1e-3)


def test_plot_model_routes_skip_connections_around_boxes(tmp_path):
    keras.backend.clear_session()
    inp = keras.layers.Input(shape=[8])
    hidden = keras.layers.Dense(4, activation="relu")(keras.layers.Dense(4)(inp))
    model = keras.Model(inputs=[inp], outputs=[keras.layers.Dense(1)(
        keras.layers.concatenate([inp, hidden]))])
    for rankdir in ("TB", "LR"):
        fig = plot_model(model, tmp_path / f"skip_{rankdir}.png", rankdir=rankdir)
        _saved(fig, tmp_path / f"skip_{rankdir}.png")
        arrows = [a.arrow_patch.get_connectionstyle() for a in fig.axes[0].texts
                  if getattr(a, "arrow_patch", None)]
        bent = [style for style in arrows if getattr(style, "rad", 0) != 0]
        assert len(arrows) == 5 and len(bent) == 1  # only the input → concatenate skip
    # two inputs: each branch sits under its own input, no arrow needs to bend
    wide = keras.layers.Input(shape=[5], name="wide_input")
    deep = keras.layers.Input(shape=[6], name="deep_input")
    hidden = keras.layers.Dense(3)(keras.layers.Dense(3)(deep))
    model = keras.Model(inputs=[wide, deep], outputs=[keras.layers.Dense(1)(
        keras.layers.concatenate([wide, hidden]))])
    fig = plot_model(model, None)
    boxes = {t.get_text().split(":")[0]: t.get_position() for t in fig.axes[0].texts
             if t.get_text()}
    assert boxes["wide_input"][0] < boxes["concatenate_1"][0] < boxes["deep_input"][0]
    assert all(getattr(a.arrow_patch.get_connectionstyle(), "rad", 0) == 0
               for a in fig.axes[0].texts if getattr(a, "arrow_patch", None))


def test_figures_need_no_display_and_no_pyplot(tmp_path):
    """Headless: figures are built without pyplot, so no GUI backend is ever loaded."""
    code = ("import sys\n"
            "from nnlite import plot\n"
            "fig = plot.activation_functions(['relu'], sys.argv[1])\n"
            "fig = plot.lr_schedules(n_steps=20)\n"
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
            "print(type(fig).__name__)\n")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    out = tmp_path / "headless.png"
    proc = subprocess.run([sys.executable, "-c", code, str(out)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "Figure" and out.exists()


@pytest.mark.skipif(plot.korean_font() is None, reason="no Korean font installed")
def test_hangul_labels_render_with_a_korean_font(tmp_path):
    fig = plot.learning_curves({"loss": [1.0, 0.5]}, tmp_path / "ko.png")
    assert fig.axes[0].get_xlabel() == "epoch (에포크)"  # and no "Glyph missing" warning


def test_korean_font_is_added_as_a_fallback_family():
    """Latin text keeps the default font; Hangul glyphs come from the Korean font."""
    from matplotlib import rc_context, rcParams
    with rc_context({"font.family": ["sans-serif"]}):
        plot._use_korean_fallback("NanumGothic")
        plot._use_korean_fallback("NanumGothic")
        assert rcParams["font.family"] == ["sans-serif", "NanumGothic"]


def test_find_learning_rate_keeps_a_schedule_and_dropout_counters():
    keras.backend.clear_session()
    keras.utils.set_random_seed(3)
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(64, 4)), rng.integers(0, 2, 64)
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=[4]),
                              keras.layers.Dropout(0.3),
                              keras.layers.Dense(2, activation="softmax")])
    schedule = keras.optimizers.schedules.ExponentialDecay(0.05, 10, 0.5)
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=schedule, momentum=0.9))
    model.fit(X, y, epochs=1, batch_size=16, verbose=0)
    step, lr = model.layers[1].step, float(model.optimizer.learning_rate)
    plot.find_learning_rate(model, X, y, batch_size=16)
    assert model.layers[1].step == step
    assert model.optimizer.get_config()["learning_rate"]["class_name"] == "ExponentialDecay"
    assert float(model.optimizer.learning_rate) == pytest.approx(lr)
