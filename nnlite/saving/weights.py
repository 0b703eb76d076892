"""Weights in a file: one key per weight, listed layer by layer in ``config.json``.

The listing (``config["weights"]``) gives, for every layer that has weights,
in ``model.layers`` order, its name and class and each weight's key in
``weights.npz``, short name, shape and dtype::

    {"layer": "dense", "class_name": "Dense",
     "weights": [{"key": "dense/kernel", "name": "kernel", "shape": [784, 300],
                  "dtype": "float32"}, ...]}

Two ways in:

* :func:`assign_weights` (``load_weights``) matches the model's layers in
  order (as Keras) or by name (``by_name=True``), checks every shape and
  dtype kind first, reads every array, and only then assigns them all: on
  any mismatch or damaged data the model is left unchanged.
* :class:`WeightsFromFile` (``load_model``) feeds a model being rebuilt:
  each layer's weights are created directly from the file's arrays, and the
  shape the architecture asks for is compared with the listing *before*
  anything is allocated — so ``Dense(10**12)`` in a damaged config fails at
  once instead of asking for terabytes.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np

from .. import backend
from .archive import corrupt
from .arrays import ArrayEntry
from .file_checks import LayerWeights, WeightRow


def layer_variables(layer) -> list:
    """A layer's weights in creation order (stable when ``trainable`` changes)."""
    own = getattr(layer, "_weights", None)
    return list(own) if own is not None else list(layer.weights)


def _unique_key(name: str, used: set[str]) -> str:
    key, k = name, 1
    while key in used:
        key, k = f"{name}_{k}", k + 1
    used.add(key)
    return key


def weight_table(model) -> tuple[list[dict], dict[str, np.ndarray], dict[int, str]]:
    """(listing for config.json, arrays by key, key by ``id(variable)``)."""
    table, arrays, keys, used = [], {}, {}, set()
    for layer in model.layers:
        variables = layer_variables(layer)
        if not variables:
            continue
        rows = []
        for var in variables:
            if id(var) not in keys:
                keys[id(var)] = _unique_key(var.name, used)
                arrays[keys[id(var)]] = var.value
            rows.append({"key": keys[id(var)], "name": var.name.rsplit("/", 1)[-1],
                         "shape": list(var.shape), "dtype": str(var.dtype)})
        table.append({"layer": layer.name, "class_name": type(layer).__name__,
                      "weights": rows})
    return table, arrays, keys


def _short_name(var) -> str:
    return var.name.rsplit("/", 1)[-1]


# ------------------------------------------------------------ load_weights
def _layers_with_weights(model, path: str) -> list:
    if not model.built and not any(layer_variables(layer) for layer in model.layers):
        raise ValueError(f"Cannot load weights from {path} into model {model.name!r}: it is "
                         "not built yet. Give its first layer an input_shape, call "
                         "model.build(input_shape), or call it on a batch first")
    return [layer for layer in model.layers if layer_variables(layer)]


def _pair_layers(model, listing: list[LayerWeights], path: str, by_name: bool) -> list[tuple]:
    layers = _layers_with_weights(model, path)
    if by_name:
        saved = {entry.layer: entry for entry in listing}
        return [(layer, saved[layer.name]) for layer in layers if layer.name in saved]
    if len(layers) != len(listing):
        raise ValueError(
            f"{path} holds weights for {len(listing)} layers "
            f"({[e.layer for e in listing]}) but model {model.name!r} has {len(layers)} "
            f"layers with weights ({[layer.name for layer in layers]}); use "
            "load_weights(path, by_name=True) to load only the layers with the same names")
    return list(zip(layers, listing))


def _mismatch(layer, var, row: WeightRow, path: str, entry: LayerWeights) -> str | None:
    """The text of a shape or dtype-kind mismatch between ``var`` and ``row``, if any."""
    where = f"Layer {layer.name!r}, weight {row.name!r}"
    if row.shape != var.shape:
        return (f"{where}: shape {var.shape} in the model but {row.shape} in {path} "
                f"(layer {entry.layer!r})")
    if row.dtype.kind != var.dtype.kind:
        return (f"{where}: dtype {var.dtype} in the model but {row.dtype} in {path} "
                f"(layer {entry.layer!r}); expected an array of the same kind")
    return None


def _check_layer(layer, entry: LayerWeights, path: str) -> list[tuple] | str:
    """Pairs (variable, row) for one layer, or the text of the mismatch."""
    variables = layer_variables(layer)
    if len(entry.rows) != len(variables):
        return (f"Layer {layer.name!r} ({type(layer).__name__}) has {len(variables)} weights "
                f"{[_short_name(v) for v in variables]} but {path} has "
                f"{len(entry.rows)} {[r.name for r in entry.rows]} for layer {entry.layer!r}")
    pairs = []
    for var, row in zip(variables, entry.rows):
        problem = _mismatch(layer, var, row, path, entry)
        if problem is not None:
            return problem
        pairs.append((var, row))
    return pairs


def assign_weights(model, listing: list[LayerWeights], arrays: ArrayEntry, path: str,
                   by_name: bool = False, skip_mismatch: bool = False) -> None:
    """Check every layer against the listing, read every array, then assign them all."""
    plan = []
    for layer, entry in _pair_layers(model, listing, path, by_name):
        result = _check_layer(layer, entry, path)
        if isinstance(result, str):
            if skip_mismatch:
                warnings.warn(f"Skipping: {result}", UserWarning, stacklevel=3)
                continue
            raise ValueError(result)
        plan += result
    values = [(var, arrays.read(row.key)) for var, row in plan]  # may fail: nothing set yet
    for var, value in values:
        var.assign(value)


# -------------------------------------------------------------- load_model
class WeightsFromFile:
    """Creates the weights of a model being rebuilt from a file's arrays.

    ``watch(layer)`` is called for each layer after it is made from its
    config and before it is built: its ``add_weight`` (an instance
    attribute shadowing the class's method, so nothing global changes) then
    takes the next row of the listing for that layer, checks the name, shape
    and dtype kind the layer asks for, and only then reads that array and
    uses it as the initial value.  ``finish(model)`` removes the hooks and
    checks that every listed weight found its layer.
    """

    def __init__(self, listing: list[LayerWeights], arrays: ArrayEntry | None, path: str):
        self._pending = list(listing)
        self._arrays, self.path = arrays, path
        self._fed: dict[int, list] = {}  # id(layer) -> [entry, rows used]
        self._watched: list = []
        self.current_layer: str | None = None

    def watch(self, layer) -> None:
        """Feed ``layer``'s weights from the file when it builds them."""
        self.current_layer = layer.name
        if "initializer" not in inspect.signature(type(layer).add_weight).parameters:
            return  # a custom add_weight we cannot feed: checked and assigned in finish
        layer.add_weight = lambda *args, **kwargs: self._add_weight(layer, *args, **kwargs)
        self._watched.append(layer)

    def _entry_for(self, layer) -> list:
        if id(layer) not in self._fed:
            for i, entry in enumerate(self._pending):
                if entry.layer == layer.name:
                    self._fed[id(layer)] = [self._pending.pop(i), 0]
                    break
            else:
                self._fed[id(layer)] = [None, 0]
        return self._fed[id(layer)]

    def _next_row(self, layer, name: str, shape: tuple) -> WeightRow:
        state = self._entry_for(layer)
        entry, used = state
        if entry is None:
            raise corrupt(self.path, f"the architecture creates weight {name!r} of shape "
                                     f"{shape}, but the file lists no weights for this layer",
                          layer.name)
        if used >= len(entry.rows):
            raise corrupt(self.path, f"the architecture creates weight {name!r} of shape "
                                     f"{shape}, but the file lists only {len(entry.rows)} "
                                     f"weights {[r.name for r in entry.rows]}", layer.name)
        state[1] += 1
        return entry.rows[used]

    def _add_weight(self, layer, *args, **kwargs):
        method = type(layer).add_weight
        bound = inspect.signature(method).bind(layer, *args, **kwargs)
        bound.apply_defaults()
        name, shape = bound.arguments["name"], bound.arguments["shape"]
        shape = tuple(shape)
        dtype = np.dtype(bound.arguments.get("dtype") or backend.floatx())
        row = self._next_row(layer, name, shape)
        if row.name != name or row.shape != shape:
            raise corrupt(self.path, f"the architecture creates weight {name!r} of shape "
                                     f"{shape} but the file lists {row.name!r} of shape "
                                     f"{row.shape}", layer.name)
        if row.dtype.kind != dtype.kind:
            raise corrupt(self.path, f"weight {name!r} should be {dtype.name} but the file "
                                     f"stores {row.dtype.name}", layer.name)
        value = self._arrays.read(row.key).astype(dtype, copy=False)
        bound.arguments["initializer"] = lambda shape, dtype=None: value
        return method(*bound.args, **bound.kwargs)

    def finish(self, model) -> None:
        """Remove the hooks; every listed weight must have been used."""
        for layer in self._watched:
            layer.__dict__.pop("add_weight", None)
        self._watched = []
        for layer in model.layers:
            state = self._fed.get(id(layer))
            if state is not None and state[0] is not None and state[1] != len(state[0].rows):
                raise corrupt(self.path, f"the file lists {len(state[0].rows)} weights "
                                         f"{[r.name for r in state[0].rows]} but the "
                                         f"architecture creates {state[1]}", layer.name)
        self._assign_unfed(model)

    def _assign_unfed(self, model) -> None:
        """Listed layers whose weights were made without ``add_weight`` (custom layers)."""
        if not self._pending:
            return
        by_name = {layer.name: layer for layer in model.layers
                   if id(layer) not in self._fed and layer_variables(layer)}
        missing = [entry.layer for entry in self._pending if entry.layer not in by_name]
        if missing:
            raise corrupt(self.path, "the file lists weights for layers the architecture "
                                     "does not build", missing[0])
        plan = []
        for entry in self._pending:
            result = _check_layer(by_name[entry.layer], entry, self.path)
            if isinstance(result, str):
                raise corrupt(self.path, result, entry.layer)
            plan += result
        for var, value in [(var, self._arrays.read(row.key)) for var, row in plan]:
            var.assign(value)
