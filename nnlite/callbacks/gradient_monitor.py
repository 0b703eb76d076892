r"""``GradientMonitor``: watch gradients and activations of every layer while training.

Vanishing and exploding gradients (기울기 소실과 폭주) become visible: for each
layer (its trainable weights θ taken together) and each training batch it
measures

=================  ===============================================================
``grad_norm``      ‖∂L/∂θ‖ — the gradient the optimizer used (after clipping)
``grad_rms``       ‖∂L/∂θ‖ / √(number of weights): comparable between layers of
                   different sizes (the first layer of an MNIST MLP has 784 inputs)
``weight_norm``    ‖θ‖ after the step
``update_ratio``   ‖Δθ‖ / ‖θ‖ — how much one step changes the weights (≈1e-3 is healthy)
``act_mean``       mean of the layer's output a over the batch
``act_std``        standard deviation of a
``saturated``      sigmoid/tanh layers: fraction of outputs where φ'(z) is below
                   ``saturation_threshold`` × its maximum (σ' < 0.05·¼, tanh' < 0.05)
``dead``           ReLU layers: fraction of units whose output is 0 for every
                   sample of the batch (dead ReLUs, 죽은 렐루)
=================  ===============================================================

Per epoch it stores the mean over that epoch's batches in
``monitor.history[stat][layer_name]`` (a list, one value per epoch); with
``batch_freq=k`` it also keeps every k-th batch in ``monitor.batch_history``
(steps in ``monitor.batch_steps``).  Both are attached to the ``History``
returned by ``fit`` as ``history.layer_stats`` and ``history.layer_batch_stats``,
so ``nnlite.plot.gradient_norms(history)`` can draw them.  Nothing is added to
``history.history``, so the book's ``pd.DataFrame(history.history).plot()``
looks the same.

>>> monitor = GradientMonitor()                        # doctest: +SKIP
>>> history = model.fit(X, y, epochs=5, callbacks=[monitor])  # doctest: +SKIP
>>> history.layer_stats["grad_norm"]["dense"]         # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from .callback import Callback

STATS = ("grad_norm", "grad_rms", "weight_norm", "update_ratio", "act_mean", "act_std",
         "saturated", "dead")


def activation_kind(layer) -> str:
    """``"sigmoid"``, ``"tanh"``, ``"relu"`` or ``""``: what the layer's output saturates like."""
    act = getattr(layer, "activation", None)
    name = getattr(act, "__name__", "") if act is not None else type(layer).__name__.lower()
    return name if name in ("sigmoid", "tanh", "relu") else ""


def _norm(arrays) -> float:
    return float(np.sqrt(sum(float(np.sum(np.square(a, dtype=np.float64))) for a in arrays)))


class GradientMonitor(Callback):
    """Record per-layer gradient, weight and activation statistics during ``fit``.

    Parameters
    ----------
    layers : names of the layers to watch (default: every layer of the model).
    batch_freq : also keep every ``batch_freq``-th batch (``None``: per epoch only).
    sample_every : measure only every ``sample_every``-th batch (1 = all; larger
        values make monitoring cheaper on big models).
    saturation_threshold : a sigmoid/tanh output counts as saturated when
        φ'(z) < threshold × max φ' (default 0.05).
    """

    def __init__(self, layers=None, batch_freq: int | None = None, sample_every: int = 1,
                 saturation_threshold: float = 0.05):
        super().__init__()
        if batch_freq is not None and (int(batch_freq) != batch_freq or batch_freq < 1):
            raise ValueError(f"GradientMonitor: batch_freq must be a positive integer or None, "
                             f"got {batch_freq!r}")
        if int(sample_every) != sample_every or sample_every < 1:
            raise ValueError(f"GradientMonitor: sample_every must be a positive integer, "
                             f"got {sample_every!r}")
        if not 0 < saturation_threshold < 1:
            raise ValueError(f"GradientMonitor: saturation_threshold must be in (0, 1), "
                             f"got {saturation_threshold!r}")
        self.layer_names = None if layers is None else list(layers)
        self.batch_freq = batch_freq
        self.sample_every = int(sample_every)
        self.saturation_threshold = float(saturation_threshold)
        self.history: dict[str, dict[str, list[float]]] = {}
        self.batch_history: dict[str, dict[str, list[float]]] = {}
        self.batch_steps: list[int] = []
        self._wrapped: list = []
        self._measuring = False

    # ----------------------------------------------------------- set-up
    def _watched_layers(self) -> list:
        layers = [layer for layer in self.model.layers if type(layer).__name__ != "InputLayer"]
        if self.layer_names is None:
            return layers
        known = {layer.name: layer for layer in layers}
        missing = [n for n in self.layer_names if n not in known]
        if missing:
            raise ValueError(f"GradientMonitor: no layer named {missing[0]!r}; layers: "
                             f"{sorted(known)}")
        return [known[n] for n in self.layer_names]

    def on_train_begin(self, logs=None):
        self.history = {s: {} for s in STATS}
        self.batch_history = {s: {} for s in STATS}
        self.batch_steps = []
        self._step = 0
        self._layers = self._watched_layers()
        self._acts: dict[str, dict[str, float]] = {}
        for layer in self._layers:
            self._wrap_forward(layer)
        history = getattr(self.model, "history", None)
        if history is not None:
            history.layer_stats = self.history
            history.layer_batch_stats = self.batch_history
        self._reset_epoch()

    def on_train_end(self, logs=None):
        for layer, original in self._wrapped:
            if original is None:
                layer.__dict__.pop("forward", None)
            else:
                layer.forward = original
        self._wrapped = []

    def _wrap_forward(self, layer) -> None:
        own = layer.__dict__.get("forward")
        bound = layer.forward

        def forward(x, training=False):
            y = bound(x, training)
            if training and self._measuring:
                self._acts[layer.name] = self._activation_stats(layer, y)
            return y

        layer.forward = forward
        self._wrapped.append((layer, own))

    # ----------------------------------------------------------- measures
    def _activation_stats(self, layer, y) -> dict[str, float]:
        if isinstance(y, (list, tuple)):
            return {}
        a = np.asarray(y, dtype=np.float64)
        stats = {"act_mean": float(a.mean()), "act_std": float(a.std())}
        kind = activation_kind(layer)
        t = self.saturation_threshold
        if kind == "sigmoid":
            stats["saturated"] = float(np.mean(a * (1.0 - a) < t * 0.25))
        elif kind == "tanh":
            stats["saturated"] = float(np.mean(1.0 - a * a < t))
        elif kind == "relu":
            units = a.reshape(len(a), -1)
            stats["dead"] = float(np.mean(np.all(units <= 0.0, axis=0)))
        return stats

    def _weight_stats(self, layer) -> dict[str, float]:
        weights = layer.trainable_weights
        if not weights:
            return {}
        w_norm = _norm(v.value for v in weights)
        g_norm = _norm(v.grad for v in weights)
        size = sum(v.size for v in weights)
        stats = {"grad_norm": g_norm, "grad_rms": g_norm / np.sqrt(size), "weight_norm": w_norm}
        before = [self._before.get(id(v)) for v in weights]
        if all(b is not None for b in before):
            delta = _norm(v.value - b for v, b in zip(weights, before))
            stats["update_ratio"] = delta / w_norm if w_norm > 0 else float("nan")
        return stats

    # ----------------------------------------------------------- hooks
    def _reset_epoch(self) -> None:
        self._sums: dict[tuple[str, str], list[float]] = {}

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_epoch()

    def on_train_batch_begin(self, batch, logs=None):
        self._measuring = self._step % self.sample_every == 0
        self._acts = {}
        if self._measuring:
            self._before = {id(v): v.value.copy()
                            for layer in self._layers for v in layer.trainable_weights}

    def on_train_batch_end(self, batch, logs=None):
        if self._measuring:
            keep = self.batch_freq is not None and self._step % self.batch_freq == 0
            if keep:
                self.batch_steps.append(self._step)
            for layer in self._layers:
                stats = {**self._acts.get(layer.name, {}), **self._weight_stats(layer)}
                for stat, value in stats.items():
                    self._sums.setdefault((stat, layer.name), []).append(value)
                    if keep:
                        self.batch_history[stat].setdefault(layer.name, []).append(value)
        self._measuring = False
        self._step += 1

    def on_epoch_end(self, epoch, logs=None):
        for (stat, name), values in self._sums.items():
            self.history[stat].setdefault(name, []).append(float(np.mean(values)))

    # ----------------------------------------------------------- reading
    def get(self, stat: str, layer: str | None = None):
        """``history[stat]`` (dict layer → per-epoch list) or one layer's list."""
        if stat not in STATS:
            raise ValueError(f"GradientMonitor: unknown statistic {stat!r}; known: {STATS}")
        return self.history[stat] if layer is None else self.history[stat][layer]
