"""``compile``'s loss, loss_weights and metrics matched to the model's outputs.

Keras accepts each of them in three forms, and so does nnlite:

* a single entry, used for every output: ``loss="mse"``,
  ``metrics=["mae"]`` (a flat list of metrics is one entry, not one per output);
* a list or tuple with one entry per output, in ``model.outputs`` order:
  ``loss=("mse", "mse")``, ``loss_weights=[0.9, 0.1]``,
  ``metrics=[["mae"], ["mse"]]``;
* a dict keyed by output (layer) name:
  ``loss={"main_output": "mse", "aux_output": "mse"}``.

Everything here only *reads* its arguments and returns new lists, so
``compile`` can check and resolve the whole configuration before it sets
anything on the model: a compile that raises leaves the model as it was.
Errors name the real cause, e.g. "2 losses given for a model with 1 output
(names: ['dense_1'])".

Where nnlite differs from Keras: every output needs a loss (Keras lets a
``None`` loss leave an output untrained), and a dict of losses must name
every output.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any, NamedTuple

from .. import losses as losses_module
from .. import metrics as metrics_module
from ..graph import flatten
from .data import plural

_REQUIRED = object()  # per_output: a dict must have an entry for every output


class CompileSpecs(NamedTuple):
    """The arguments of ``compile`` as given (tuples turned into lists, weights into floats).

    They are what ``model.save`` stores and what a later build resolves.
    """

    loss: Any
    metrics: Any
    loss_weights: Any


def as_plain_lists(spec):
    """``spec`` with every tuple turned into a list (so that it saves as JSON)."""
    if isinstance(spec, (list, tuple)):
        return [as_plain_lists(s) for s in spec]
    if isinstance(spec, Mapping):
        return {k: as_plain_lists(v) for k, v in spec.items()}
    return spec


def normalize(loss, metrics, loss_weights) -> CompileSpecs:
    """The specs as stored on the model; the loss weights are checked here already."""
    weights = as_plain_lists(loss_weights)
    if isinstance(weights, list):
        weights = [loss_weight(w, f"loss_weights[{k}]") for k, w in enumerate(weights)]
    elif isinstance(weights, Mapping):
        weights = {name: loss_weight(w, f"loss_weights[{name!r}]") for name, w in weights.items()}
    elif weights is not None:
        weights = loss_weight(weights, "loss_weights")
    return CompileSpecs(as_plain_lists(loss), as_plain_lists(metrics), weights)


def loss_weight(value, where: str) -> float:
    """A loss weight as a float; a bool, a string or NaN/inf is refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(float(value)):
        raise ValueError(f"compile: {where} must be a finite number, got {value!r}; e.g. "
                         "loss_weights=[0.9, 0.1] for a model with two outputs")
    return float(value)


def per_output(spec, names: list[str], what: str, noun: tuple[str, str],
               default=_REQUIRED) -> list:
    """One entry of ``spec`` for each output name (see the module docstring).

    ``noun`` is the singular and plural used in the count message, e.g.
    ``("loss", "losses")``; ``default`` fills the outputs a dict leaves out
    (without one, a dict must name every output).
    """
    if isinstance(spec, Mapping):
        return _from_dict(spec, names, what, default)
    if isinstance(spec, (list, tuple)):
        if len(spec) != len(names):
            raise ValueError(
                f"compile: {plural(len(spec), *noun)} given for a model with "
                f"{plural(len(names), 'output')} (names: {names}); give one {noun[0]} per "
                f"output, a dict keyed by output name, or a single {noun[0]} for every output")
        return list(spec)
    return [spec] * len(names)


def _from_dict(spec: Mapping, names: list[str], what: str, default) -> list:
    unknown = [key for key in spec if key not in names]
    if unknown:
        raise ValueError(f"compile: {what} has entries for {unknown}, which are not outputs "
                         f"of this model; its output names are {names}")
    missing = [name for name in names if name not in spec]
    if missing and default is _REQUIRED:
        raise ValueError(f"compile: {what} has no entry for output(s) {missing}; give one "
                         f"for each of {names}")
    return [spec.get(name, default) for name in names]


def resolve_losses(spec, names: list[str]) -> list:
    """One Loss object per output."""
    entries = per_output(spec, names, "loss", ("loss", "losses"))
    return [resolve_loss(entry, name) for entry, name in zip(entries, names)]


def resolve_loss(entry, output_name: str | None):
    """``losses.get(entry)`` with the output named in the error."""
    where = "compile: loss" if output_name is None else f"compile: loss of output {output_name!r}"
    if entry is None:
        raise ValueError(f"{where} is None; nnlite needs a loss for every output (e.g. "
                         "loss='mse')")
    try:
        return losses_module.get(entry)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where}: {exc}") from None


def resolve_loss_weights(spec, names: list[str]) -> list[float]:
    """One weight per output (1.0 where none is given)."""
    if spec is None:
        return [1.0] * len(names)
    entries = per_output(spec, names, "loss_weights", ("loss weight", "loss weights"),
                         default=1.0)
    return [loss_weight(w, f"the loss weight of output {name!r}")
            for w, name in zip(entries, names)]


def metric_lists(spec, names: list[str]) -> list[list]:
    """The metric specs of each output.

    A flat list (``["mae", "mse"]``) is used for every output; a list with a
    list (or tuple) in it has one entry per output; a dict is keyed by name.
    """
    if spec is None:
        return [[] for _ in names]
    if isinstance(spec, Mapping):
        entries = per_output(spec, names, "metrics", ("metric list", "metric lists"),
                             default=None)
    elif isinstance(spec, (list, tuple)) and any(isinstance(s, (list, tuple)) for s in spec):
        entries = per_output(spec, names, "metrics", ("metric list", "metric lists"))
    else:
        entries = [spec] * len(names)
    return [[] if entry is None else flatten(entry) for entry in entries]


def resolve_metric(entry, loss, output_shape, output_name: str | None):
    """``metrics.get`` with the output named in the error."""
    try:
        return metrics_module.get(entry, loss=loss, output_shape=output_shape)
    except (TypeError, ValueError) as exc:
        where = "" if output_name is None else f" of output {output_name!r}"
        raise type(exc)(f"compile: metrics{where}: {exc}") from None


def check_without_graph(specs: CompileSpecs, names: list[str] | None) -> None:
    """Check what can be checked before the model is built.

    ``names`` are the output names when they are already known (a Sequential
    model's last layer), else None (a subclassed model: the counts are
    checked at the first ``fit``).
    """
    if names is not None:
        losses = resolve_losses(specs.loss, names)
        resolve_loss_weights(specs.loss_weights, names)
        for loss, entries, name in zip(losses, metric_lists(specs.metrics, names), names):
            for entry in entries:
                resolve_metric(entry, loss, None, name)
        return
    for entry in _items(specs.loss):
        resolve_loss(entry, None)
    for entry in _items(specs.metrics):
        for metric in [] if entry is None else flatten(entry):
            resolve_metric(metric, None, None, None)


def _items(spec) -> list:
    """The entries of a list or dict spec, or the spec itself as one entry."""
    if isinstance(spec, Mapping):
        return list(spec.values())
    return list(spec) if isinstance(spec, (list, tuple)) else [spec]
