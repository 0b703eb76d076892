r"""Matplotlib figures learners expect (``nnlite.plot``).

Every function returns the :class:`matplotlib.figure.Figure`, saves it when
given ``path``, and works headless: figures are built with the
object-oriented API (no pyplot window, no global figure list), so they work
in scripts, tests and notebooks alike (a notebook displays the returned
figure).  Labels carry the Korean term (e.g. "learning rate (학습률)") when a
Korean font is installed, and plain English otherwise.

==============================  ===========================================================
learning_curves                 loss/accuracy per epoch (the book's DataFrame plot) + lr
activation_functions            φ and φ' of sigmoid, tanh, ReLU, leaky ReLU, ELU, SELU, …
activation_histograms           per-layer histograms of activations or gradients
initialization_histograms       the same for Glorot/He/LeCun × sigmoid/ReLU/SELU nets
depth_profile                   activation std and ‖∂L/∂W‖ against depth (100-layer nets)
gradient_norms                  ‖∇W‖ per layer over training (from GradientMonitor)
layer_statistics                grad norm, update ratio, activation std, saturation
optimizer_trajectories          nnlite's optimizers on a ravine or a saddle
lr_schedules                    power, exponential, piecewise, plateau, cosine, 1cycle
find_learning_rate / lr_finder  loss vs learning rate (log axis); suggest_learning_rate
mc_dropout                      MC-dropout predictive mean ± std per class
decision_boundary               a classifier's regions in 2-D (perceptron, MLP)
==============================  ===========================================================
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
from matplotlib import colormaps, font_manager, rcParams
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .utils.lr_finder import find_learning_rate, smooth_losses, suggest_learning_rate
from .utils.mc_dropout import mc_predict

__all__ = ["learning_curves", "activation_functions", "activation_histograms",
           "initialization_histograms", "depth_profile", "gradient_norms", "layer_statistics",
           "optimizer_trajectory", "optimizer_trajectories", "SURFACES",
           "TRAJECTORY_OPTIMIZERS", "available_trajectory_optimizers", "lr_schedules",
           "default_schedules", "one_cycle_curves", "find_learning_rate", "smooth_losses",
           "suggest_learning_rate", "lr_finder", "mc_dropout",
           "mc_dropout_predict", "decision_boundary", "korean_font", "label"]

_KOREAN_FONTS = ("NanumGothic", "NanumBarunGothic", "Noto Sans CJK KR", "Noto Sans KR",
                 "Noto Serif CJK KR", "UnDotum", "Baekmuk Gulim", "Malgun Gothic",
                 "AppleGothic", "Apple SD Gothic Neo")


def korean_font() -> str | None:
    """The name of an installed font with Hangul glyphs, or None."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in _KOREAN_FONTS if n in names), None)


def _use_korean_fallback(font: str) -> None:
    """Add ``font`` as the last font family: Latin text keeps the default font, and
    matplotlib's per-glyph fallback takes Hangul from ``font``."""
    families = list(rcParams["font.family"])
    if font not in families:
        rcParams["font.family"] = [*families, font]


_KO_FONT = korean_font()
if _KO_FONT is not None:
    _use_korean_fallback(_KO_FONT)


def label(english: str, korean: str | None = None) -> str:
    """``"english (korean)"`` when a Korean font is installed, else ``english``."""
    return f"{english} ({korean})" if korean and _KO_FONT else english


def _figure(nrows: int = 1, ncols: int = 1, size=(8, 5), **kwargs):
    fig = Figure(figsize=size)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def _finish(fig: Figure, path, tight: bool = True) -> Figure:
    if tight:
        fig.tight_layout()
    if path is not None:
        folder = os.path.dirname(os.fspath(path))
        if folder:
            os.makedirs(folder, exist_ok=True)
        fig.savefig(path, dpi=100)
    return fig


# ---------------------------------------------------------------- learning curves
#: the learning rate's names in History (tf.keras <= 2.10, then >= 2.11 and Keras 3): one curve
_LEARNING_RATE_KEYS = ("lr", "learning_rate")


def learning_curves(history, path=None, title: str | None = None,
                    show_lr: bool = True) -> Figure:
    """Loss/accuracy (and ``val_``) per epoch, as the book's ``pd.DataFrame(history).plot()``.

    ``history`` is a :class:`~nnlite.callbacks.History` or its ``.history`` dict
    (any ``{name: values per epoch}``; names containing ``val_`` are dashed and
    share the colour of their training twin).
    Curves share one axis with the y-range clipped to [0, 1] when every value
    fits (the book's ``plt.gca().set_ylim(0, 1)``); the learning rate, when it
    changes, is drawn on a second (log) axis.
    """
    logs = getattr(history, "history", history)
    fig, axes = _figure()
    ax = axes[0, 0]
    n_epochs = max((len(v) for v in logs.values()), default=0)
    epochs = list(range(1, 1 + n_epochs))
    curves = {k: v for k, v in logs.items() if k not in _LEARNING_RATE_KEYS}
    bases = list(dict.fromkeys(k.replace("val_", "") for k in curves))
    for key, values in curves.items():  # a metric and its val_ twin share a colour
        ax.plot(epochs[:len(values)], values, marker=".", label=key,
                color=f"C{bases.index(key.replace('val_', '')) % 10}",
                linestyle="--" if "val_" in key else "-")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(label("epoch", "에포크"))
    ax.grid(True)
    values = [v for vs in curves.values() for v in vs]
    if values and min(values) >= 0 and max(values) <= 1:
        ax.set_ylim(0, 1)
    if curves:
        ax.legend(loc="best")
    lr = next((logs[k] for k in _LEARNING_RATE_KEYS if logs.get(k)), None)
    if show_lr and lr and len(set(lr)) > 1:
        ax2 = ax.twinx()
        ax2.plot(epochs[:len(lr)], lr, color="gray", linestyle=":", label="lr")
        ax2.set_yscale("log")
        ax2.set_ylabel(label("learning rate", "학습률"))
    ax.set_title(title or label("learning curves", "학습 곡선"))
    return _finish(fig, path)


# ---------------------------------------------------------------- activations
DEFAULT_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu")


def _phi_and_derivative(name: str, z: np.ndarray):
    from . import activations
    act = activations.get(name)
    a = np.asarray(act(z), dtype=np.float64)
    if getattr(act, "uses_kernel", False):
        d = act.backward(np.asarray(act(z)), np.ones_like(z), z=z)
    else:
        d = act.backward_from_z(z, np.ones_like(z))
    return a, np.asarray(d, dtype=np.float64)


def activation_functions(names=DEFAULT_ACTIVATIONS, path=None, z_range=(-5.0, 5.0),
                         saturation_threshold: float = 0.05) -> Figure:
    """φ(z) (solid) and φ'(z) (dashed) for each activation, computed by nnlite's kernels.

    Where φ' falls below ``saturation_threshold`` × max φ' (sigmoid, tanh)
    the axis is shaded: the *saturating* region where gradients vanish.
    """
    names = list(names)
    ncols = min(3, len(names))
    nrows = math.ceil(len(names) / ncols)
    fig, axes = _figure(nrows, ncols, size=(4.2 * ncols, 3.4 * nrows))
    z = np.linspace(z_range[0], z_range[1], 401)
    for ax, name in zip(axes.flat, names):
        a, d = _phi_and_derivative(name, z)
        ax.plot(z, a, label="φ(z)", linewidth=2)
        ax.plot(z, d, "--", label="φ'(z)")
        ax.axhline(0, color="k", linewidth=0.6)
        ax.axvline(0, color="k", linewidth=0.6)
        if name in ("sigmoid", "tanh"):
            saturated = d < saturation_threshold * d.max()
            ax.fill_between(z, a.min() - 0.2, a.max() + 0.2, where=saturated, color="red",
                            alpha=0.12, label=label("saturation", "포화"))
        ax.set_title(name)
        ax.grid(True, alpha=0.4)
        ax.legend(loc="upper left", fontsize=8)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    fig.suptitle(label("activation functions and their derivatives", "활성화 함수"))
    return _finish(fig, path)


# ---------------------------------------------------------------- histograms
_HIST_KINDS = {"output": "activations a", "pre_activation": "pre-activations z",
               "grad_output": "∂L/∂a", "grad_pre_activation": "∂L/∂z",
               "grad_input": "∂L/∂x", "weight_grad": "∂L/∂W"}


def _hist_values(trace, kind: str):
    if kind == "weight_grad":
        values = next(iter(trace.weight_grads.values()), None)
    else:
        values = getattr(trace, kind)
    return None if values is None or isinstance(values, list) else np.ravel(values)


def _hist_traces(inspection, layers) -> list:
    """The traces to plot: ``layers`` (names or positions among the layers with
    weights), default every layer with weights."""
    with_weights = [t for t in inspection if t.weights] or list(inspection)
    if layers is None:
        return with_weights
    return [inspection[k] if isinstance(k, str) else with_weights[k] for k in layers]


def activation_histograms(inspections, path=None, kind: str = "output", layers=None,
                          bins: int = 50) -> Figure:
    """Histograms per layer (columns) for one or several inspections (rows).

    ``inspections``: an :class:`~nnlite.inspect.Inspection` or a dict
    ``{label: Inspection}``.  ``kind``: ``"output"`` (activations),
    ``"pre_activation"``, ``"grad_output"``, ``"grad_pre_activation"``,
    ``"grad_input"`` or ``"weight_grad"`` (the kernel's gradient).  ``layers``:
    names, or positions among the layers with weights (default: all of those).
    """
    fig = _histogram_grid(inspections, kind, layers, bins)
    fig.suptitle(label(f"{_HIST_KINDS[kind]} per layer", "층별 분포"))
    return _finish(fig, path, tight=False)


def _histogram_grid(inspections, kind: str, layers, bins: int) -> Figure:
    """The figure of :func:`activation_histograms`, without title and layout."""
    if kind not in _HIST_KINDS:
        raise ValueError(f"activation_histograms: kind must be one of {sorted(_HIST_KINDS)}, "
                         f"got {kind!r}")
    if not isinstance(inspections, dict):
        inspections = {"": inspections}
    rows = [(row_label, _hist_traces(insp, layers)) for row_label, insp in inspections.items()]
    ncols = max(len(traces) for _, traces in rows)
    fig, axes = _figure(len(rows), ncols, size=(2.4 * ncols + 1, 2.2 * len(rows) + 0.6),
                        sharey="row")
    for r, (row_label, traces) in enumerate(rows):
        for c, ax in enumerate(axes[r]):
            if c >= len(traces):
                ax.set_visible(False)
                continue
            values = _hist_values(traces[c], kind)
            if values is not None:  # one filled outline per histogram: fast to draw
                ax.hist(values, bins=bins, color=f"C{r}", alpha=0.8, histtype="stepfilled")
                ax.set_xlabel(f"std {values.std():.2g}", fontsize=8)
            ax.set_title(traces[c].name if r == 0 or len(rows) == 1 else "", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_locator(MaxNLocator(4))
        axes[r, 0].set_ylabel(row_label, fontsize=9)
    # a fixed layout: tight_layout measures every tick label of every panel (slow)
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.9 / fig.get_figwidth(), right=0.98, bottom=0.5 / height,
                        top=1 - 0.6 / height, wspace=0.25, hspace=0.55)
    return fig


DEFAULT_INIT_CONFIGS = (("sigmoid", "random_normal"), ("sigmoid", "glorot_uniform"),
                        ("tanh", "glorot_uniform"), ("relu", "he_normal"),
                        ("selu", "lecun_normal"))


def _init_inspection(activation: str, initializer: str, depth: int, units: int,
                     X: np.ndarray, y: np.ndarray):
    from . import layers, models
    from .inspect import inspect_batch
    stack = [layers.Dense(units, activation=activation, kernel_initializer=initializer,
                          input_shape=[X.shape[1]])]
    stack += [layers.Dense(units, activation=activation, kernel_initializer=initializer)
              for _ in range(depth - 1)]
    model = models.Sequential(stack + [layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    return inspect_batch(model, X, y)


def initialization_histograms(configs=DEFAULT_INIT_CONFIGS, path=None, kind: str = "output",
                              depth: int = 5, units: int = 100, n_samples: int = 500,
                              seed: int = 42, X=None, y=None) -> Figure:
    """Glorot vs He vs LeCun: activations (or gradients) of a deep net, layer by layer.

    Each ``(activation, initializer)`` of ``configs`` builds a ``depth``-layer
    MLP of ``units`` units, runs one batch (standardized Gaussian inputs unless
    ``X``/``y`` are given) through :func:`nnlite.inspect.inspect_batch` and
    shows one row of histograms.  Sigmoid + N(0, 0.05) shows vanishing
    activations; Glorot/He/LeCun keep the spread roughly constant.
    """
    from .utils import set_random_seed
    set_random_seed(seed)
    if X is None:
        X = np.random.standard_normal((n_samples, units))
        y = np.random.randint(0, 10, n_samples)
    inspections = {f"{act}\n{init}": _init_inspection(act, init, depth, units, X, y)
                   for act, init in configs}
    fig = _histogram_grid(inspections, kind, range(depth), bins=50)
    fig.suptitle(label(f"{_HIST_KINDS[kind]} per layer, by initialization",
                       "초기화 방법별 분포"))
    return _finish(fig, path, tight=False)


def depth_profile(inspections, path=None, log_grad: bool = True) -> Figure:
    """Activation std and ‖∂L/∂W‖ against depth, one line per inspection.

    ``inspections``: ``{label: Inspection}`` (e.g. a 100-layer SELU net vs a
    ReLU one).  A flat left panel means the signal keeps its scale through the
    layers (self-normalization); a right panel that drops by orders of
    magnitude towards layer 1 means vanishing gradients.
    """
    if not isinstance(inspections, dict):
        inspections = {"": inspections}
    fig, axes = _figure(1, 2, size=(12, 4.5))
    for k, (name, insp) in enumerate(inspections.items()):
        traces = [t for t in insp if t.weights]
        depth = np.arange(1, len(traces) + 1)
        stds = [float(np.std(t.output)) for t in traces]
        axes[0, 0].plot(depth, stds, marker=".", label=name, color=f"C{k % 10}")
        grads = [float(np.linalg.norm(next(iter(t.weight_grads.values()))))
                 if t.weight_grads else np.nan for t in traces]
        axes[0, 1].plot(depth, grads, marker=".", label=name, color=f"C{k % 10}")
    axes[0, 0].set_ylabel(label("activation std", "활성화 표준편차"))
    axes[0, 1].set_ylabel(label("‖∂L/∂W‖ (kernel)", "기울기 노름"))
    if log_grad:
        axes[0, 1].set_yscale("log")
    for ax in axes[0]:
        ax.set_xlabel(label("layer", "층"))
        ax.grid(True, alpha=0.4)
        ax.legend(fontsize=8)
    fig.suptitle(label("signal and gradient through the depth of the network", "깊이에 따른 신호"))
    return _finish(fig, path)


# ---------------------------------------------------------------- monitor plots
def _layer_stats(source, batches: bool = False) -> tuple[dict, list | None]:
    """(stats dict, x values or None) from a History, a GradientMonitor or a dict."""
    if isinstance(source, dict):
        return source, None
    if batches:
        stats = getattr(source, "layer_batch_stats", None) or getattr(source, "batch_history",
                                                                      None)
        steps = getattr(source, "batch_steps", None)
        return stats or {}, steps
    stats = getattr(source, "layer_stats", None)
    if stats is None:
        stats = getattr(source, "history", None)
    if not isinstance(stats, dict) or "grad_norm" not in stats:
        raise ValueError("gradient_norms: pass the History of a fit that used "
                         "callbacks=[GradientMonitor()] (or the monitor itself)")
    return stats, None


_STAT_LABELS = {"grad_norm": ("‖∇W‖", "기울기 노름"),
                "grad_rms": ("RMS of ∇W  (‖∇W‖/√n)", "기울기 RMS"),
                "weight_norm": ("‖W‖", "가중치 노름"),
                "update_ratio": ("‖ΔW‖ / ‖W‖", "갱신 비율"),
                "act_mean": ("activation mean", "활성화 평균"),
                "act_std": ("activation std", "활성화 표준편차"),
                "saturated": ("saturated fraction", "포화 비율"),
                "dead": ("dead ReLU fraction", "죽은 렐루 비율")}


def _layer_colors(stats: dict) -> dict:
    """One colour per layer; past 10 layers a gradient from the first layer to the last."""
    names: list[str] = []
    for series in stats.values():
        names += [n for n in series if n not in names]
    if len(names) <= 10:
        return {n: f"C{k}" for k, n in enumerate(names)}
    cmap = colormaps["viridis"]
    return {n: cmap(k / (len(names) - 1)) for k, n in enumerate(names)}


def _plot_stat(ax, stats: dict, stat: str, xs=None, log: bool = False, colors=None,
               style: str = "-", suffix: str = "") -> bool:
    series = stats.get(stat, {})
    colors = colors or _layer_colors(stats)
    for name, values in series.items():
        x = xs[:len(values)] if xs else list(range(1, len(values) + 1))
        ax.plot(x, values, style, marker="." if len(values) < 40 else None,
                label=name + suffix, color=colors.get(name, "k"))
    english, korean = _STAT_LABELS.get(stat, (stat, None))
    ax.set_ylabel(label(english, korean))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if log and series and all(v > 0 for vs in series.values() for v in vs if v == v):
        ax.set_yscale("log")
    ax.grid(True, alpha=0.4)
    return bool(series)


def gradient_norms(source, path=None, stat: str = "grad_norm", per_batch: bool = False,
                   log: bool = True) -> Figure:
    """One line per layer: ``stat`` (default ‖∇W‖) per epoch (or per recorded batch).

    ``source``: the History of ``fit(..., callbacks=[GradientMonitor()])``, the
    monitor, or its ``history`` dict.  Lines that fan out by orders of
    magnitude from the top layer to the bottom one are vanishing (or
    exploding) gradients.
    """
    stats, steps = _layer_stats(source, per_batch)
    fig, axes = _figure()
    ax = axes[0, 0]
    if _plot_stat(ax, stats, stat, steps, log):
        ax.legend(loc="best", fontsize=8)
    ax.set_xlabel(label("batch" if per_batch else "epoch", "배치" if per_batch else "에포크"))
    ax.set_title(label(f"{_STAT_LABELS.get(stat, (stat,))[0]} per layer", "층별"))
    return _finish(fig, path)


def layer_statistics(source, path=None, per_batch: bool = False) -> Figure:
    """Four panels from a GradientMonitor: ‖∇W‖, ‖ΔW‖/‖W‖, activation std, saturation/dead."""
    stats, steps = _layer_stats(source, per_batch)
    fig, axes = _figure(2, 2, size=(11, 7.5))
    colors = _layer_colors(stats)
    panels = [("grad_norm", True), ("update_ratio", True), ("act_std", False)]
    for ax, (stat, log) in zip(axes.flat, panels):
        _plot_stat(ax, stats, stat, steps, log, colors)
    last = axes[1, 1]
    has_sat = _plot_stat(last, stats, "saturated", steps, colors=colors, suffix=" saturated")
    has_dead = _plot_stat(last, stats, "dead", steps, colors=colors, style="--", suffix=" dead")
    last.set_ylabel(label("saturated / dead fraction", "포화 / 죽은 비율"))
    if has_sat or has_dead:
        last.set_ylim(-0.02, 1.02)
        last.legend(loc="best", fontsize=7)
    axes[0, 0].legend(loc="best", fontsize=7)
    axes[1, 0].legend(loc="best", fontsize=7)  # it also has the layers without weights
    for ax in axes[1]:
        ax.set_xlabel(label("batch" if per_batch else "epoch", "배치" if per_batch else "에포크"))
    fig.suptitle(label("what each layer sees during training", "층별 훈련 통계"))
    return _finish(fig, path)


# ---------------------------------------------------------------- optimizers
#: name → (f(x, y), ∇f(x, y), default start, plot window)
SURFACES: dict[str, tuple] = {
    "ravine": (lambda x, y: x ** 2 / 20 + y ** 2,
               lambda x, y: np.array([x / 10, 2 * y]), (-8.0, 2.0), ((-9, 2), (-3, 3))),
    "saddle": (lambda x, y: x ** 2 - y ** 2,
               lambda x, y: np.array([2 * x, -2 * y]), (-1.5, 1e-3), ((-2, 2), (-2, 2))),
}

#: label → (optimizer class name, constructor arguments) for the trajectory plot
TRAJECTORY_OPTIMIZERS = {
    "SGD": ("SGD", {"learning_rate": 0.1}),
    "momentum": ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    "Nesterov": ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    "AdaGrad": ("Adagrad", {"learning_rate": 0.5}),
    "RMSProp": ("RMSprop", {"learning_rate": 0.1}),
    "Adam": ("Adam", {"learning_rate": 0.3}),
    "Adamax": ("Adamax", {"learning_rate": 0.3}),
    "Nadam": ("Nadam", {"learning_rate": 0.3}),
}


def available_trajectory_optimizers() -> dict:
    """``TRAJECTORY_OPTIMIZERS`` instantiated, skipping classes nnlite does not have (yet)."""
    from . import optimizers
    out = {}
    for name, (cls_name, kwargs) in TRAJECTORY_OPTIMIZERS.items():
        cls = getattr(optimizers, cls_name, None)
        if cls is not None:
            out[name] = cls(**kwargs)
    return out


def optimizer_trajectory(optimizer, surface: str = "ravine", start=None,
                         steps: int = 60, bound: float = 50.0) -> np.ndarray:
    """The points θ₀, θ₁, … visited by ``optimizer`` (an nnlite Optimizer) on ``surface``.

    The gradient of the surface is handed to ``optimizer.apply_gradients`` on a
    2-vector :class:`~nnlite.variables.Variable`, exactly as in training.
    Stops early when a coordinate leaves ``[-bound, bound]``.
    """
    from .variables import Variable
    if surface not in SURFACES:
        raise ValueError(f"optimizer_trajectory: surface must be one of {sorted(SURFACES)}, "
                         f"got {surface!r}")
    _, grad_fn, default_start, _ = SURFACES[surface]
    theta = Variable(np.array(start or default_start, dtype=np.float64), name="theta")
    points = [theta.numpy()]
    for _ in range(steps):
        optimizer.apply_gradients([(grad_fn(*theta.value), theta)])
        points.append(theta.numpy())
        if not np.all(np.abs(theta.value) < bound):
            break
    return np.array(points)


def optimizer_trajectories(surface: str = "ravine", optimizers: dict | None = None,
                           path=None, steps: int = 60, start=None) -> Figure:
    """Paths of several optimizers on a ravine (x²/20 + y²) or a saddle (x² − y²).

    ``optimizers``: ``{label: Optimizer}``; default: every optimizer of
    ``TRAJECTORY_OPTIMIZERS`` that nnlite provides (SGD, momentum, Nesterov,
    AdaGrad, RMSProp, Adam, Adamax, Nadam).  The trajectories are computed by
    :func:`optimizer_trajectory` and kept in ``fig.trajectories``.
    """
    if surface not in SURFACES:
        raise ValueError(f"optimizer_trajectories: surface must be one of {sorted(SURFACES)}, "
                         f"got {surface!r}")
    f, _, _, ((x0, x1), (y0, y1)) = SURFACES[surface]
    optimizers = available_trajectory_optimizers() if optimizers is None else optimizers
    fig, axes = _figure(size=(9, 6))
    ax = axes[0, 0]
    gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    ax.contour(gx, gy, f(gx, gy), levels=25, cmap="Greys", linewidths=0.7)
    fig.trajectories = {}
    for k, (name, opt) in enumerate(optimizers.items()):
        path_k = optimizer_trajectory(opt, surface, start, steps)
        fig.trajectories[name] = path_k
        ax.plot(path_k[:, 0], path_k[:, 1], marker=".", markersize=3, linewidth=1.2,
                color=f"C{k % 10}", label=f"{name}: f = {f(*path_k[-1]):.3g}")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.plot(*(start or SURFACES[surface][2]), "k*", markersize=10)
    ax.set_xlabel("θ₁")
    ax.set_ylabel("θ₂")
    english, korean = {"ravine": ("a ravine, x²/20 + y²", "협곡"),
                       "saddle": ("a saddle, x² − y²", "안장점")}[surface]
    ax.set_title(label(f"optimizer trajectories on {english}", korean) + f" ({steps} steps)")
    ax.legend(loc="best", fontsize=8)
    return _finish(fig, path)


# ---------------------------------------------------------------- schedules
def _plateau_schedule(lr0: float, n_steps: int, factor=0.5, patience=5) -> np.ndarray:
    """``ReduceLROnPlateau`` driven by a simulated validation loss that stalls after a third
    of the run (one value per step): the learning rate it sets, step by step."""
    from .callbacks import ReduceLROnPlateau
    from .optimizers import SGD
    rng = np.random.default_rng(0)
    val = 1.0 / np.sqrt(1 + np.arange(n_steps)) + 0.02 * rng.standard_normal(n_steps)
    val[n_steps // 3:] = val[n_steps // 3] + 0.01 * rng.standard_normal(n_steps - n_steps // 3)
    model = SimpleNamespace(optimizer=SGD(learning_rate=lr0), stop_training=False)
    callback = ReduceLROnPlateau(monitor="val_loss", factor=factor, patience=patience, verbose=0)
    callback.set_model(model)
    callback.on_train_begin({})
    lrs = []
    for epoch, v in enumerate(val):
        lrs.append(float(model.optimizer.learning_rate))
        callback.on_epoch_end(epoch, {"val_loss": float(v), "lr": lrs[-1]})
    return np.array(lrs)


def _library_schedules(lr0: float, n_steps: int) -> dict[str, Callable]:
    """The book's schedules as nnlite's ``keras.optimizers.schedules`` classes."""
    from .optimizers import schedules
    return {
        "power: InverseTimeDecay, η₀ / (1 + t/s)":
            schedules.InverseTimeDecay(lr0, n_steps / 10, 1.0),
        "exponential: ExponentialDecay, η₀ · 0.1^(t/s)":
            schedules.ExponentialDecay(lr0, n_steps / 2, 0.1),
        "piecewise constant: PiecewiseConstantDecay": schedules.PiecewiseConstantDecay(
            [n_steps // 6, n_steps // 2], [lr0, lr0 / 2, lr0 / 10]),
        "cosine with restarts: CosineDecayRestarts":
            schedules.CosineDecayRestarts(lr0, max(1, n_steps // 7)),
    }


def one_cycle_curves(max_rate: float, n_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """1cycle (Smith 2018) per step: ``(learning rates, momenta)``.

    Computed by :class:`nnlite.optimizers.schedules.OneCycle` with
    ``cycle_momentum=True`` (the rule ``OneCycleScheduler`` applies): η rises
    from max_rate/10 to max_rate over the first half of the cycle and back
    down over the second, then anneals to a tiny rate; momentum moves the
    opposite way, 0.95 → 0.85 → 0.95.
    """
    from .optimizers.schedules import OneCycle
    schedule = OneCycle(max_rate, n_steps, cycle_momentum=True)
    steps = range(n_steps)
    return (np.array([float(schedule(t)) for t in steps]),
            np.array([float(schedule.momentum(t)) for t in steps]))


def default_schedules(lr0: float = 0.01, n_steps: int = 100) -> dict[str, np.ndarray]:
    """Learning rate per step of every schedule the lr_schedules plot shows: power,
    exponential, piecewise constant, cosine with restarts and performance scheduling."""
    curves = {k: np.array([float(fn(t)) for t in range(n_steps)])
              for k, fn in _library_schedules(lr0, n_steps).items()}
    curves["performance: ReduceLROnPlateau"] = _plateau_schedule(lr0, n_steps)
    return curves


def lr_schedules(schedules: dict | None = None, path=None, n_steps: int = 100,
                 lr0: float = 0.01) -> Figure:
    """Learning rate against the step for several schedules, and 1cycle with its momentum.

    ``schedules``: ``{label: callable(step) or array}``; default
    :func:`default_schedules` (power, exponential, piecewise constant, cosine
    with restarts — nnlite's ``keras.optimizers.schedules`` classes — and
    performance scheduling by ``ReduceLROnPlateau``).  The right panel is
    1cycle (:func:`one_cycle_curves`): η up then down, momentum the opposite way.
    """
    curves = default_schedules(lr0, n_steps) if schedules is None else {
        k: np.asarray(v if not callable(v) else [float(v(t)) for t in range(n_steps)], float)
        for k, v in schedules.items()}
    fig, axes = _figure(1, 2, size=(13, 4.8))
    ax = axes[0, 0]
    for k, (name, lr) in enumerate(curves.items()):
        ax.plot(np.arange(len(lr)), lr, label=name, color=f"C{k % 10}")
    ax.set_xlabel(label("step (batch)", "스텝"))
    ax.set_ylabel(label("learning rate", "학습률"))
    ax.set_title(label("learning-rate schedules", "학습률 스케줄링"))
    ax.grid(True, alpha=0.4)
    ax.legend(fontsize=8)
    lr, mom = one_cycle_curves(lr0 * 10, n_steps)
    ax = axes[0, 1]
    ax.plot(lr, color="C0", label="learning rate")
    ax.set_xlabel(label("step (batch)", "스텝"))
    ax.set_ylabel(label("learning rate", "학습률"), color="C0")
    ax2 = ax.twinx()
    ax2.plot(mom, color="C3", linestyle="--", label="momentum")
    ax2.set_ylabel(label("momentum", "모멘텀"), color="C3")
    ax.set_title("1cycle")
    ax.grid(True, alpha=0.4)
    return _finish(fig, path)


# ---------------------------------------------------------------- LR finder
def lr_finder(rates, losses, path=None, smooth: int | None = None) -> Figure:
    """Loss against the learning rate on a log axis: raw, smoothed (:func:`smooth_losses`,
    window ``smooth``) and the suggestion of :func:`suggest_learning_rate`."""
    rates, losses = np.asarray(rates, float), np.asarray(losses, float)
    smoothed = smooth_losses(losses, smooth)
    suggestion = suggest_learning_rate(rates, losses, smooth)
    fig, axes = _figure()
    ax = axes[0, 0]
    ax.plot(rates, losses, alpha=0.35, label="loss per batch")
    ax.plot(rates, smoothed, label="smoothed")
    ax.axvline(suggestion, color="gray", linestyle=":",
               label=f"10× below the minimum ≈ {suggestion:.2g}")
    ax.set_xscale("log")
    ax.set_xlabel(label("learning rate", "학습률"))
    ax.set_ylabel(label("loss", "손실"))
    finite = smoothed[np.isfinite(smoothed)]
    if len(finite):  # from the smoothed minimum to a bit above the starting loss
        low, start = finite.min(), finite[0]
        high = 1.3 * start if start > low else finite.max()
        ax.set_ylim(low - 0.1 * (high - low), high + 1e-12)
    ax.grid(True, which="both", alpha=0.4)
    ax.legend()
    ax.set_title(label("learning-rate finder", "학습률 찾기"))
    return _finish(fig, path)


# ---------------------------------------------------------------- MC dropout
def mc_dropout_predict(model, X, n_samples: int = 100):
    """``(mean, std, samples)`` of :func:`nnlite.utils.mc_predict` (samples: (n_samples, n, …))."""
    return mc_predict(model, X, n_samples, return_samples=True)


def mc_dropout(model, X, path=None, n_samples: int = 100, class_names=None,
               n_instances: int = 3) -> Figure:
    """MC-dropout predictive uncertainty: per instance, mean probability ± std per class.

    Grey dots are the deterministic prediction (dropout off); bars are the
    mean of ``n_samples`` stochastic passes (dropout on), whiskers one std.
    """
    X = np.asarray(X)[:n_instances]
    mean, std, _ = mc_dropout_predict(model, X, n_samples)
    plain = np.asarray(model.predict(X, verbose=0))
    n_classes = mean.shape[1]
    names = list(class_names) if class_names is not None else [str(k) for k in range(n_classes)]
    fig, axes = _figure(len(X), 1, size=(9, 2.3 * len(X)), sharex=True)
    for i, ax in enumerate(axes[:, 0]):
        ax.bar(range(n_classes), mean[i], yerr=std[i], color="C0", alpha=0.75, capsize=3,
               label=label("MC dropout mean ± std", "MC 드롭아웃"))
        ax.plot(range(n_classes), plain[i], "o", color="gray", label="dropout off")
        ax.set_ylim(0, 1.05)
        ax.set_ylabel(f"#{i}")
        ax.grid(True, axis="y", alpha=0.4)
    axes[0, 0].legend(fontsize=8, loc="upper right")
    axes[-1, 0].set_xticks(range(n_classes))
    axes[-1, 0].set_xticklabels(names, rotation=30, fontsize=8)
    fig.suptitle(label(f"predictive uncertainty over {n_samples} stochastic passes",
                       "예측 불확실성"))
    return _finish(fig, path)


# ---------------------------------------------------------------- decision boundary
def _predict_labels(classifier, points: np.ndarray) -> np.ndarray:
    out = classifier.predict(points) if not hasattr(classifier, "layers") else \
        classifier.predict(points, verbose=0)
    out = np.asarray(out)
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1)
    out = out.reshape(len(points))
    if np.issubdtype(out.dtype, np.floating) and out.min() >= 0 and out.max() <= 1 \
            and not np.all(np.isin(out, (0.0, 1.0))):
        return (out > 0.5).astype(int)
    return out


def decision_boundary(classifier, X, y, path=None, resolution: int = 200,
                      title: str | None = None, feature_names=("x₁", "x₂")) -> Figure:
    """The regions a 2-feature classifier assigns to each class, with the samples.

    Works with :class:`nnlite.Perceptron` (or any scikit-learn classifier) and
    with nnlite models (sigmoid output thresholded at 0.5, softmax argmax).
    """
    X, y = np.asarray(X, float), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision_boundary: X must have 2 features, got shape {X.shape}")
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0) + 1e-9)
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[gx.ravel(), gy.ravel()]
    zz = _predict_labels(classifier, grid).reshape(gx.shape)
    fig, axes = _figure(size=(7, 5.5))
    ax = axes[0, 0]
    ax.contourf(gx, gy, zz, alpha=0.25, cmap="coolwarm")
    ax.contour(gx, gy, zz, colors="k", linewidths=0.8)
    for k, cls in enumerate(np.unique(y)):
        ax.scatter(*X[y == cls].T, s=18, color=f"C{k}", edgecolor="k", linewidth=0.3,
                   label=f"class {cls}")
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.legend(loc="best", fontsize=8)
    ax.set_title(title or label("decision boundary", "결정 경계"))
    return _finish(fig, path)
