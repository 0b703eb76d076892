r"""Step through one batch, layer by layer: every forward and backward value.

>>> import numpy as np, nnlite as keras
>>> from nnlite.inspect import inspect_batch
>>> model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=[3]),
...                           keras.layers.Dense(2, activation="softmax")])
>>> model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
>>> trace = inspect_batch(model, np.ones((5, 3)), np.array([0, 1, 0, 1, 1]))
>>> [t.name for t in trace], trace["dense"].weight_grads["kernel"].shape
(['dense', 'dense_1'], (3, 4))

For each layer the :class:`LayerTrace` holds

* ``input`` x, ``pre_activation`` z (layers with an activation φ, e.g.
  ``Dense``: z = xW + b), ``output`` a = φ(z);
* ``grad_output`` δ = ∂L/∂a (the gradient flowing back *into* the layer),
  ``grad_pre_activation`` ∂L/∂z = δ ⊙ φ'(z), ``grad_input`` ∂L/∂x (what it
  sends to the layer below);
* ``weights`` and ``weight_grads`` ∂L/∂θ, by short name (``"kernel"``,
  ``"bias"``, ``"gamma"``, …), regularization terms included — exactly the
  gradients the optimizer would receive.

The gradients are those of :meth:`Model.compute_gradients`, and as there
nothing changes in the model: no optimizer step is taken, and the batch-norm
moving statistics and the step counters of stochastic layers (dropout) stay
as they were.  With ``y=None`` only the forward pass is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import activations as activations_module
from .layers.base import deferred_updates
from .layers.input_layer import InputLayer

__all__ = ["LayerTrace", "Inspection", "inspect_batch"]


def _copy(value):
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [_copy(v) for v in value]
    return np.array(value, copy=True)


def _short(var_name: str) -> str:
    return var_name.rsplit("/", 1)[-1]


def _stats(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "; ".join(_stats(v) for v in value)
    v = np.asarray(value, dtype=np.float64)
    return (f"{str(v.shape):<14} mean {v.mean():+.3e}  std {v.std():.3e}  "
            f"‖·‖ {np.sqrt(np.sum(v * v)):.3e}")


@dataclass
class LayerTrace:
    """What one layer saw and sent during one forward/backward pass."""

    name: str
    class_name: str
    layer: object = field(repr=False)
    input: np.ndarray | list | None = field(default=None, repr=False)
    pre_activation: np.ndarray | None = field(default=None, repr=False)
    output: np.ndarray | None = field(default=None, repr=False)
    grad_output: np.ndarray | None = field(default=None, repr=False)
    grad_pre_activation: np.ndarray | None = field(default=None, repr=False)
    grad_input: np.ndarray | list | None = field(default=None, repr=False)
    weights: dict = field(default_factory=dict, repr=False)
    weight_grads: dict = field(default_factory=dict, repr=False)

    @property
    def equations(self) -> str:
        """The layer's forward/backward equations (see :mod:`nnlite.equations`)."""
        return getattr(self.layer, "equations", "") or ""

    def describe(self, equations: bool = True, part: str = "all") -> str:
        """A readable block: the equations, then shape/mean/std/norm of each value.

        ``part`` is ``"forward"`` (x, z, a, weights), ``"backward"`` (δ, ∂L/∂z,
        ∂L/∂x, weight gradients) or ``"all"``.
        """
        if part not in ("all", "forward", "backward"):
            raise ValueError(f"describe: part must be 'all', 'forward' or 'backward', "
                             f"got {part!r}")
        forward = [("input x", self.input), ("pre-activation z", self.pre_activation),
                   ("output a", self.output)] + list(self.weights.items())
        backward = [("∂L/∂a (from above)", self.grad_output),
                    ("∂L/∂z", self.grad_pre_activation), ("∂L/∂x (sent below)", self.grad_input)]
        backward += [(f"∂L/∂{k}", v) for k, v in self.weight_grads.items()]
        rows = {"all": forward + backward, "forward": forward, "backward": backward}[part]
        lines = [f"{self.name} ({self.class_name})"]
        if equations and self.equations:
            lines += ["  " + line for line in self.equations.splitlines()]
        lines += [f"  {label:<20} {_stats(v)}" for label, v in rows if v is not None]
        return "\n".join(lines)


class Inspection:
    """The traces of every layer for one batch, in forward order.

    Index by position or layer name; ``loss`` is the batch loss (penalties
    included) or ``None`` when only the forward pass was run.
    """

    def __init__(self, traces: list[LayerTrace], loss: float | None):
        self.layers = traces
        self.loss = loss

    def __getitem__(self, key) -> LayerTrace:
        if isinstance(key, str):
            for t in self.layers:
                if t.name == key:
                    return t
            raise KeyError(f"No layer named {key!r}; layers: {[t.name for t in self.layers]}")
        return self.layers[key]

    def __iter__(self):
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def table(self) -> str:
        """One line per layer: output mean/std, ‖δ‖ and the weight-gradient norms."""
        head = f"{'layer':<24}{'output mean':>12}{'output std':>12}{'‖∂L/∂a‖':>12}  weight grads"
        lines = [head, "-" * len(head)]
        for t in self.layers:
            out = np.asarray(t.output, dtype=np.float64) if not isinstance(t.output, list) \
                else np.zeros(1)
            g = "—" if t.grad_output is None else \
                f"{np.linalg.norm(np.asarray(t.grad_output, dtype=np.float64)):.3e}"
            wg = ", ".join(f"‖{k}‖={np.linalg.norm(v):.2e}" for k, v in t.weight_grads.items())
            lines.append(f"{t.name + ' (' + t.class_name + ')':<24.24}{out.mean():>12.4f}"
                         f"{out.std():>12.4f}{g:>12}  {wg}")
        if self.loss is not None:
            lines.append(f"loss = {self.loss:.6f}")
        return "\n".join(lines)

    def step_through(self, equations: bool = True):
        """Yield ``describe()`` texts: forward from the first layer, then backward."""
        for t in self.layers:
            yield "FORWARD  " + t.describe(equations, part="forward")
        if self.loss is not None:
            for t in reversed(self.layers):
                yield "BACKWARD " + t.describe(equations=False, part="backward")

    def __repr__(self) -> str:
        return f"<Inspection of {len(self.layers)} layers, loss={self.loss}>"

    __str__ = table


# ------------------------------------------------------------------ capture
def _wrap(layer, trace: LayerTrace) -> None:
    """Record the layer's forward/backward values through instance attributes."""
    cls = type(layer)

    def forward(x, training=False):
        trace.input = _copy(x)
        y = cls.forward(layer, x, training)
        trace.output = _copy(y)
        trace.pre_activation = _pre_activation(layer, x)
        return y

    def backward(grad_output, fused: bool = False):
        if fused:  # the loss gave ∂L/∂z directly (softmax/sigmoid + cross-entropy)
            trace.grad_pre_activation = _copy(grad_output)
            dx = cls.backward(layer, grad_output, fused=True)
        else:
            trace.grad_output = _copy(grad_output)
            trace.grad_pre_activation = _grad_pre_activation(layer, trace, grad_output)
            dx = cls.backward(layer, grad_output)
        trace.grad_input = _copy(dx)
        return dx

    layer.forward, layer.backward = forward, backward


def _unwrap(layer, saved: dict) -> None:
    """Remove the recording wrappers, putting back any instance attribute they hid."""
    for attr in ("forward", "backward"):
        layer.__dict__.pop(attr, None)
        if attr in saved:
            setattr(layer, attr, saved[attr])


def _is_activation_layer(layer) -> bool:
    return type(layer).__name__ == "Activation"


def _pre_activation(layer, x):
    """z for a layer that applies φ itself (Dense: xW + b); the input for Activation."""
    if _is_activation_layer(layer):
        return _copy(x)
    act = getattr(layer, "activation", None)
    if act is None or getattr(act, "__name__", "") == "linear" or isinstance(x, list):
        return None
    cache = layer._cache
    layer.activation = activations_module.linear
    try:
        return _copy(type(layer).forward(layer, x, False))
    finally:
        layer.activation, layer._cache = act, cache


def _grad_pre_activation(layer, trace: LayerTrace, delta):
    """δ ⊙ φ'(z), computed from the recorded z and a."""
    act = getattr(layer, "activation", None)
    z = trace.pre_activation
    if act is None or z is None:
        return None
    if getattr(act, "uses_kernel", False):
        output = np.asarray(trace.output)
        return _copy(act.backward(output, np.asarray(delta),
                                  z=np.asarray(z, dtype=output.dtype)))
    return _copy(act.backward_from_z(np.asarray(z), np.asarray(delta)))


def _fill_fused_grad_outputs(model, traces, xs, y) -> None:
    """For an output fused with its loss, δ = ∂L/∂a computed by the plain loss gradient."""
    by_layer = {id(t.layer): t for t in traces}
    ys = model._prepare_y(y, xs, "inspect_batch")
    for k, (loss, target) in enumerate(zip(model.loss, ys)):
        trace = by_layer.get(id(model.outputs[k].node.layer))
        if trace is not None and trace.grad_output is None:  # only a fused output's is None
            out = trace.output
            scale = model.loss_weights[k] / len(out)
            trace.grad_output = _copy(loss.value_and_grad(target, out, scale)[1])


# ------------------------------------------------------------------ public
def inspect_batch(model, x, y=None, training: bool = True,
                  sample_weight=None) -> Inspection:
    """Run one batch forward (and backward when ``y`` is given) and record everything.

    Parameters
    ----------
    model : a built ``Model`` / ``Sequential`` (compiled when ``y`` is given).
    x, y : one batch of inputs and targets (as for ``train_on_batch``).
    training : forward in training mode (dropout on, batch statistics), as a
        training step does (default ``True``).
    sample_weight : optional per-sample weights.

    Returns
    -------
    Inspection
        Traces for each layer, in forward order, and the batch loss.
    """
    xs = model._prepare_x(x, "inspect_batch")
    layers = [layer for layer in model.layers if not isinstance(layer, InputLayer)]
    traces = [LayerTrace(layer.name, type(layer).__name__, layer) for layer in layers]
    hidden = [(layer, {k: layer.__dict__[k] for k in ("forward", "backward")
                       if k in layer.__dict__}) for layer in layers]
    loss, grads = None, {}
    with model.all_input_gradients():  # show the gradient flowing into every layer
        try:
            for layer, trace in zip(layers, traces):
                _wrap(layer, trace)
            if y is None:
                with deferred_updates(layers):  # what the pass stages is discarded
                    model.forward(xs, training=bool(training))
            else:
                loss, grad_list = model.compute_gradients(x, y, sample_weight, training)
                grads = {id(v): g for v, g in zip(model.trainable_variables, grad_list)}
                _fill_fused_grad_outputs(model, traces, xs, y)
        finally:
            for layer, own in hidden:
                _unwrap(layer, own)
    for layer, trace in zip(layers, traces):
        trace.weights = {_short(v.name): v.numpy() for v in layer.weights}
        trace.weight_grads = {_short(v.name): grads[id(v)] for v in layer.trainable_weights
                              if id(v) in grads}
    return Inspection(traces, loss)
