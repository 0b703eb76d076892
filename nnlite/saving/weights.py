"""Weights in a file: one key per weight, listed layer by layer in ``config.json``.

The listing (``config["weights"]``) gives, for every layer that has weights,
in ``model.layers`` order, its name and class and each weight's key in
``weights.npz``, short name, shape and dtype::

    {"layer": "dense", "class_name": "Dense",
     "weights": [{"key": "dense/kernel", "name": "kernel", "shape": [784, 300],
                  "dtype": "float32"}, ...]}

Loading matches layers in order (as Keras' ``load_weights``) or by name
(``by_name=True``), checks every shape first and only then assigns, so a
mismatch raises a ValueError naming the layer and both shapes and leaves the
model unchanged.
"""

from __future__ import annotations

import warnings

import numpy as np


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


def _layers_with_weights(model, path: str) -> list:
    if not model.built and not any(layer_variables(layer) for layer in model.layers):
        raise ValueError(f"Cannot load weights from {path} into model {model.name!r}: it is "
                         "not built yet. Give its first layer an input_shape, call "
                         "model.build(input_shape), or call it on a batch first")
    return [layer for layer in model.layers if layer_variables(layer)]


def _pair_layers(model, table: list[dict], path: str, by_name: bool) -> list[tuple]:
    layers = _layers_with_weights(model, path)
    if by_name:
        saved = {entry["layer"]: entry for entry in table}
        return [(layer, saved[layer.name]) for layer in layers if layer.name in saved]
    if len(layers) != len(table):
        raise ValueError(
            f"{path} holds weights for {len(table)} layers "
            f"({[e['layer'] for e in table]}) but model {model.name!r} has {len(layers)} "
            f"layers with weights ({[layer.name for layer in layers]}); use "
            "load_weights(path, by_name=True) to load only the layers with the same names")
    return list(zip(layers, table))


def _check_layer(layer, entry: dict, arrays: dict, path: str) -> list[tuple] | str:
    """Pairs (variable, array) for one layer, or the text of the mismatch."""
    variables = layer_variables(layer)
    rows = entry["weights"]
    if len(rows) != len(variables):
        return (f"Layer {layer.name!r} ({type(layer).__name__}) has {len(variables)} weights "
                f"{[v.name.rsplit('/', 1)[-1] for v in variables]} but {path} has "
                f"{len(rows)} {[r['name'] for r in rows]} for layer {entry['layer']!r}")
    pairs = []
    for var, row in zip(variables, rows):
        if row["key"] not in arrays:
            raise ValueError(f"{path}: file is corrupt (weight {row['key']!r} is listed in "
                             "config.json but missing from weights.npz)")
        value = arrays[row["key"]]
        if value.shape != var.shape:
            return (f"Layer {layer.name!r}, weight {row['name']!r}: shape {var.shape} in the "
                    f"model but {value.shape} in {path} (layer {entry['layer']!r})")
        pairs.append((var, value))
    return pairs


def assign_weights(model, table: list[dict], arrays: dict, path: str, by_name: bool = False,
                   skip_mismatch: bool = False) -> None:
    """Check every layer's weights against the file, then assign them all."""
    assignments = []
    for layer, entry in _pair_layers(model, table, path, by_name):
        result = _check_layer(layer, entry, arrays, path)
        if isinstance(result, str):
            if skip_mismatch:
                warnings.warn(f"Skipping: {result}", UserWarning, stacklevel=3)
                continue
            raise ValueError(result)
        assignments += result
    for var, value in assignments:
        var.assign(value)
