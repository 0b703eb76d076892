"""What ``config.json`` must satisfy before anything is built or read: one declared place.

A file may be damaged or written by someone hostile, so every field that
:mod:`~nnlite.saving.model_io` uses is checked here first: its JSON type,
its range (dimensions are integers in ``[0, MAX_DIMENSION]``, numbers are
finite), the references between fields (layer names unique in a functional
graph, each layer reading only layers defined before it — so no cycles —
inputs and outputs naming layers of the graph).  A failed check raises
``ValueError("<path>: the file is corrupt: layer '<name>': <field> should be
…, found …")``.  The weight listing comes back as :class:`LayerWeights`
rows with shapes as tuples and dtypes as ``numpy.dtype``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .archive import corrupt

#: the longest axis accepted in any shape
MAX_DIMENSION = 2**31 - 1
#: the most axes accepted in any shape
MAX_RANK = 32
#: numbers a weight may be stored as
WEIGHT_DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64",
                 "uint8", "uint16", "uint32", "uint64", "bool")
_KINDS = ("model", "weights")


@dataclass(frozen=True)
class WeightRow:
    """One weight of the listing: its key in ``weights.npz``, short name, shape, dtype."""

    layer: str
    key: str
    name: str
    shape: tuple[int, ...]
    dtype: np.dtype

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


@dataclass(frozen=True)
class LayerWeights:
    """The weights the listing gives for one layer, in creation order."""

    layer: str
    class_name: str
    rows: tuple[WeightRow, ...]


# ----------------------------------------------------------------- helpers
def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _is_int(value) -> bool:
    return type(value) is int


def _is_number(value) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def _need(ok: bool, path: str, field: str, expected: str, value, layer=None) -> None:
    if not ok:
        raise corrupt(path, f"{field} should be {expected}, found {_short(value)}", layer)


def _need_key(data: dict, key: str, path: str, field: str, layer=None):
    if key not in data:
        raise corrupt(path, f"{field} has no {key!r}", layer)
    return data[key]


def check_shape(value, path: str, field: str, layer=None, allow_none: bool = False) -> tuple:
    """A list of dimensions (integers in [0, MAX_DIMENSION]; None where allowed)."""
    expected = f"a list of at most {MAX_RANK} integers in [0, {MAX_DIMENSION}]" + \
        (" or null" if allow_none else "")
    ok = isinstance(value, list) and len(value) <= MAX_RANK and all(
        (d is None and allow_none) or (_is_int(d) and 0 <= d <= MAX_DIMENSION) for d in value)
    _need(ok, path, field, expected, value, layer)
    return tuple(value)


def _check_finite(value, path: str, field: str, layer=None) -> None:
    """No NaN or infinity anywhere in ``value`` (JSON allows them as an extension)."""
    stack = [(value, field)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise corrupt(path, f"{where} should be a finite number, found {item!r}", layer)
        if isinstance(item, dict):
            stack.extend((v, f"{where}.{k}") for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))


# ------------------------------------------------------------------ header
def check_header(config: dict, path: str) -> str:
    """``kind``, ``nnlite_version`` and the presence of ``weights``; returns the kind."""
    kind = config.get("kind")
    _need(kind in _KINDS, path, "kind", f"one of {list(_KINDS)}", kind)
    version = config.get("nnlite_version", "")
    _need(isinstance(version, str), path, "nnlite_version", "a string", version)
    _need_key(config, "weights", path, "config.json")
    if kind == "model":
        _need_key(config, "model", path, "config.json")
    return kind


# ----------------------------------------------------------- weight listing
def _check_dtype_name(value, path: str, field: str, layer: str) -> np.dtype:
    _need(value in WEIGHT_DTYPES, path, field, f"one of {list(WEIGHT_DTYPES)}", value, layer)
    return np.dtype(value)


def _check_row(row, layer: str, field: str, path: str) -> WeightRow:
    _need(isinstance(row, dict), path, field, "an object", row, layer)
    key = _need_key(row, "key", path, field, layer)
    _need(isinstance(key, str) and key != "", path, f"{field}.key", "a non-empty string", key,
          layer)
    name = _need_key(row, "name", path, field, layer)
    _need(isinstance(name, str) and name != "", path, f"{field}.name", "a non-empty string",
          name, layer)
    shape = check_shape(_need_key(row, "shape", path, field, layer), path, f"{field}.shape",
                        layer)
    dtype = _check_dtype_name(_need_key(row, "dtype", path, field, layer), path,
                              f"{field}.dtype", layer)
    return WeightRow(layer, key, name, shape, dtype)


def _check_layer_weights(entry, field: str, path: str) -> LayerWeights:
    _need(isinstance(entry, dict), path, field, "an object", entry)
    layer = _need_key(entry, "layer", path, field)
    _need(isinstance(layer, str) and layer != "", path, f"{field}.layer", "a layer name",
          layer)
    class_name = _need_key(entry, "class_name", path, field, layer)
    _need(isinstance(class_name, str), path, f"{field}.class_name", "a string", class_name,
          layer)
    rows = _need_key(entry, "weights", path, field, layer)
    _need(isinstance(rows, list), path, f"{field}.weights", "a list", rows, layer)
    return LayerWeights(layer, class_name, tuple(
        _check_row(row, layer, f"{field}.weights[{i}]", path) for i, row in enumerate(rows)))


def check_weight_listing(listing, path: str) -> list[LayerWeights]:
    """The ``weights`` listing, checked; a key listed twice must describe the same array."""
    _need(isinstance(listing, list), path, "weights", "a list", listing)
    layers = [_check_layer_weights(entry, f"weights[{i}]", path)
              for i, entry in enumerate(listing)]
    seen: dict[str, WeightRow] = {}
    for layer in layers:
        for row in layer.rows:
            first = seen.setdefault(row.key, row)
            if (first.shape, first.dtype) != (row.shape, row.dtype):
                raise corrupt(path, f"weight key {row.key!r} is listed twice, as {first.shape} "
                                    f"{first.dtype} and as {row.shape} {row.dtype}", layer.layer)
    return layers


# ------------------------------------------------------------ architecture
def _check_layer_entry(entry, field: str, path: str, functional: bool) -> str:
    """One layer of the architecture; returns its name."""
    _need(isinstance(entry, dict), path, field, "an object", entry)
    config = _need_key(entry, "config", path, field)
    _need(isinstance(config, dict), path, f"{field}.config", "an object", config)
    name = entry.get("name", config.get("name"))
    _need(isinstance(name, str) and name != "", path, f"{field}.name", "a layer name", name)
    if functional and config.get("name", name) != name:
        raise corrupt(path, f"{field} is named {name!r} but its config says "
                            f"{_short(config.get('name'))}", name)
    class_name = _need_key(entry, "class_name", path, field, name)
    _need(isinstance(class_name, str) and class_name != "", path, f"{field}.class_name",
          "a class name", class_name, name)
    trainable = config.get("trainable", True)
    _need(isinstance(trainable, bool), path, f"{field}.config.trainable", "true or false",
          trainable, name)
    dtype = config.get("dtype")
    _need(dtype is None or isinstance(dtype, str), path, f"{field}.config.dtype",
          "a string or null", dtype, name)
    for key in ("batch_input_shape", "input_shape"):
        if config.get(key) is not None:
            check_shape(config[key], path, f"{field}.config.{key}", name, allow_none=True)
    _check_finite(config, path, f"{field}.config", name)
    return name


def _check_name_list(value, path: str, field: str, known: dict, allowed=None) -> list[str]:
    _need(isinstance(value, list) and len(value) > 0 and all(isinstance(n, str) for n in value),
          path, field, "a non-empty list of layer names", value)
    for name in value:
        if name not in known or (allowed is not None and known[name] not in allowed):
            what = "an input layer" if allowed is not None else "a layer"
            raise corrupt(path, f"{field} names {name!r}, which is not {what} of the graph")
    return value


def _check_inbound(entry: dict, name: str, field: str, defined: dict, path: str) -> None:
    inbound = entry.get("inbound_layers", [])
    _need(isinstance(inbound, list) and all(isinstance(n, str) for n in inbound), path,
          f"{field}.inbound_layers", "a list of layer names", inbound, name)
    call_with_list = entry.get("call_with_list", False)
    _need(isinstance(call_with_list, bool), path, f"{field}.call_with_list", "true or false",
          call_with_list, name)
    if entry["class_name"] == "InputLayer":
        _need(inbound == [], path, f"{field}.inbound_layers", "[] for an InputLayer", inbound,
              name)
        return
    if not inbound:
        raise corrupt(path, f"{field}.inbound_layers is empty: the layer reads nothing", name)
    for source in inbound:
        if source not in defined:
            why = "itself" if source == name else f"{source!r}, which is not defined before " \
                  "it (a cycle, or a wrong reference)"
            raise corrupt(path, f"{field}.inbound_layers: the layer reads {why}", name)


def _check_functional(config: dict, path: str) -> list[str]:
    layers = _need_key(config, "layers", path, "model.config")
    _need(isinstance(layers, list) and layers, path, "model.config.layers",
          "a non-empty list", layers)
    defined: dict[str, str] = {}
    for i, entry in enumerate(layers):
        field = f"model.config.layers[{i}]"
        name = _check_layer_entry(entry, field, path, functional=True)
        if name in defined:
            raise corrupt(path, f"{field}: the name is used by two layers of the graph", name)
        _check_inbound(entry, name, field, defined, path)
        defined[name] = entry["class_name"]
    for key in ("input_layers", "output_layers"):
        allowed = ("InputLayer",) if key == "input_layers" else None
        names = _check_name_list(_need_key(config, key, path, "model.config"), path,
                                 f"model.config.{key}", defined, allowed)
        multi = config.get(f"multi_{key.split('_')[0]}", False)
        _need(isinstance(multi, bool), path, f"model.config.multi_{key.split('_')[0]}",
              "true or false", multi)
        if not multi and len(names) != 1:
            raise corrupt(path, f"model.config.{key} lists {len(names)} layers but "
                                f"multi_{key.split('_')[0]} is false")
    return list(defined)


def _check_sequential(config: dict, path: str) -> list[str]:
    layers = _need_key(config, "layers", path, "model.config")
    _need(isinstance(layers, list), path, "model.config.layers", "a list", layers)
    names = [_check_layer_entry(entry, f"model.config.layers[{i}]", path, functional=False)
             for i, entry in enumerate(layers)]
    if config.get("build_input_shape") is not None:
        check_shape(config["build_input_shape"], path, "model.config.build_input_shape",
                    allow_none=True)
    return names


def check_model_section(section, path: str) -> list[str]:
    """The ``model`` section (class, base, architecture); returns the layer names."""
    _need(isinstance(section, dict), path, "model", "an object", section)
    class_name = _need_key(section, "class_name", path, "model")
    _need(isinstance(class_name, str), path, "model.class_name", "a string", class_name)
    base = section.get("base", "Sequential" if class_name == "Sequential" else "Model")
    _need(base in ("Sequential", "Model"), path, "model.base", "'Sequential' or 'Model'", base)
    config = _need_key(section, "config", path, "model")
    _need(isinstance(config, dict), path, "model.config", "an object", config)
    name = config.get("name")
    _need(name is None or isinstance(name, str), path, "model.config.name",
          "a string", name)
    if base == "Sequential" or class_name == "Sequential":
        return _check_sequential(config, path)
    return _check_functional(config, path)


# -------------------------------------------------------------- layer state
def check_layer_state(state, layer_names: list[str], path: str) -> dict:
    """``layer_state``: ``{layer name: {"rng_seed": int, "step": int}}`` for known layers."""
    if state is None:
        return {}
    _need(isinstance(state, dict), path, "layer_state", "an object", state)
    for name, saved in state.items():
        if name not in layer_names:
            raise corrupt(path, "layer_state names a layer the architecture does not have",
                          name)
        _need(isinstance(saved, dict), path, f"layer_state.{name}", "an object", saved, name)
        seed = _need_key(saved, "rng_seed", path, f"layer_state.{name}", name)
        _need(_is_int(seed) and 0 <= seed < 2**64, path, f"layer_state.{name}.rng_seed",
              "an integer in [0, 2**64)", seed, name)
        step = _need_key(saved, "step", path, f"layer_state.{name}", name)
        _need(_is_int(step) and 0 <= step < 2**63, path, f"layer_state.{name}.step",
              "a non-negative integer", step, name)
    return state


# ------------------------------------------------------------------ compile
def _is_object_config(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("class_name"), str) and \
        isinstance(value.get("config", {}), dict)


def _check_spec(spec, path: str, field: str) -> None:
    """A loss or metric spec: null, a name, a {class_name, config}, or lists/dicts of them."""
    stack = [(spec, field)]
    while stack:
        item, where = stack.pop()
        if item is None or isinstance(item, str) or _is_object_config(item):
            continue
        if isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
        elif isinstance(item, dict):
            stack.extend((v, f"{where}.{k}") for k, v in item.items())
        else:
            _need(False, path, where, "a name, a {class_name, config} object, or a list or "
                  "object of them", item)


def _check_loss_weights(value, path: str) -> None:
    items = value if isinstance(value, list) else \
        list(value.values()) if isinstance(value, dict) else None
    ok = value is None or (items is not None and all(
        _is_number(w) and not isinstance(w, bool) for w in items))
    _need(ok, path, "compile.loss_weights", "null, or a list or object of finite numbers",
          value)


def _check_optimizer(optimizer, path: str) -> None:
    _need(_is_object_config(optimizer) and isinstance(optimizer.get("config"), dict), path,
          "compile.optimizer", "a {class_name, config} object", optimizer)
    for key, value in optimizer["config"].items():
        field = f"compile.optimizer.config.{key}"
        if key == "learning_rate" and isinstance(value, dict):
            _need(_is_object_config(value), path, field, "a number or a schedule's "
                  "{class_name, config}", value)
        else:
            _need(value is None or isinstance(value, (bool, str)) or _is_number(value), path,
                  field, "a finite number, a string, true/false or null", value)
    _check_finite(optimizer, path, "compile.optimizer")


def check_compile_section(section, path: str) -> None:
    """``compile``: null, or loss, metrics, loss_weights and the optimizer's config."""
    if section is None:
        return
    _need(isinstance(section, dict), path, "compile", "an object or null", section)
    _check_spec(_need_key(section, "loss", path, "compile"), path, "compile.loss")
    _check_spec(section.get("metrics"), path, "compile.metrics")
    _check_loss_weights(section.get("loss_weights"), path)
    _check_optimizer(_need_key(section, "optimizer", path, "compile"), path)
