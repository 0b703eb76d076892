"""What ``fit`` needs to continue exactly: compile config, optimizer and RNG state.

* ``compile``: the loss(es), metrics and loss weights by name or as
  ``{"class_name", "config"}``, and the optimizer's ``serialize()``
  (learning-rate schedule included);
* ``optimizer.npz``: the optimizer's slots (momentum, moment estimates …),
  one array ``"<weight key>/<slot>"`` per slot, plus ``iterations``, the
  current learning rate and optimizer-wide scalars (Nadam's μ product), all
  from ``optimizer.get_state``;
* ``layer_state``: the seed and step counter of noise layers (Dropout …),
  so the masks after loading are those an uninterrupted run would draw.
"""

from __future__ import annotations

import numpy as np

from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers as optimizers_module
from ..object_registry import build

# ------------------------------------------------- nested specs (per output)


def _is_object_config(data) -> bool:
    return isinstance(data, dict) and "class_name" in data and "config" in data


def _map_spec(spec, leaf):
    """Apply ``leaf`` to each item of a spec nested in lists/tuples and per-output dicts."""
    if isinstance(spec, (list, tuple)):
        return [_map_spec(s, leaf) for s in spec]
    if isinstance(spec, dict) and not _is_object_config(spec):
        return {k: _map_spec(v, leaf) for k, v in spec.items()}
    return leaf(spec)


def _custom_name(data, custom_objects: dict | None):
    """A saved name: the user's object of that name, else the name itself."""
    return (custom_objects or {}).get(data, data)


# ------------------------------------------------------------------ losses
def _serialize_one_loss(spec):
    if spec is None or isinstance(spec, str):
        return spec
    if isinstance(spec, losses_module.Loss):
        return losses_module.serialize(spec)
    if isinstance(spec, type):
        return {"class_name": spec.__name__, "config": {}}
    return getattr(spec, "__name__", type(spec).__name__)


def serialize_loss(spec):
    """A loss spec (name, object, function, list or dict of them) as JSON data."""
    return _map_spec(spec, _serialize_one_loss)


def deserialize_loss(data, custom_objects: dict | None):
    """Inverse of :func:`serialize_loss` (names looked up in ``custom_objects`` first)."""
    def one(item):
        if isinstance(item, dict):
            return losses_module.deserialize(item, custom_objects)
        return None if item is None else _custom_name(item, custom_objects)
    return _map_spec(data, one)


# ----------------------------------------------------------------- metrics
def _serialize_one_metric(spec):
    if spec is None or isinstance(spec, str):
        return spec
    if type(spec) is metrics_module.MeanMetricWrapper:
        return getattr(spec.fn, "__name__", spec.name)
    if isinstance(spec, metrics_module.Metric):
        return {"class_name": type(spec).__name__, "config": spec.get_config()}
    if isinstance(spec, type):
        return {"class_name": spec.__name__, "config": {}}
    return getattr(spec, "__name__", type(spec).__name__)


def serialize_metric(spec):
    """A metric spec (name, Metric, function, nested list/dict) as JSON data."""
    return _map_spec(spec, _serialize_one_metric)


def _deserialize_one_metric(data, custom_objects: dict | None):
    if not isinstance(data, dict):
        return None if data is None else _custom_name(data, custom_objects)
    return metrics_module.deserialize(data, custom_objects)


def deserialize_metric(data, custom_objects: dict | None):
    """Inverse of :func:`serialize_metric`."""
    return _map_spec(data, lambda item: _deserialize_one_metric(item, custom_objects))


# --------------------------------------------------------------- optimizer
def serialize_optimizer(optimizer) -> dict:
    """``optimizers.serialize`` with a plain-function schedule saved by name."""
    data = optimizers_module.serialize(optimizer)
    config = dict(data["config"])
    lr = config.get("learning_rate")
    if callable(lr) and not isinstance(lr, (int, float)):
        config["learning_rate"] = {"class_name": getattr(lr, "__name__", type(lr).__name__),
                                   "config": {}, "function": True}
    return {"class_name": data["class_name"], "config": config}


def deserialize_optimizer(data: dict, custom_objects: dict | None):
    """The optimizer of a saved compile config (schedules and custom classes resolved)."""
    custom = custom_objects or {}
    config = dict(data.get("config", {}))
    lr = config.get("learning_rate")
    if isinstance(lr, dict):
        name = lr.get("class_name")
        if name in custom:
            config["learning_rate"] = build(custom[name], lr.get("config", {}))
        elif lr.get("function"):
            raise ValueError(f"Unknown learning-rate schedule function {name!r}: pass it with "
                             f"custom_objects={{{name!r}: {name}}}")
        else:
            config["learning_rate"] = optimizers_module.schedules.deserialize(lr, custom_objects)
    return optimizers_module.deserialize({"class_name": data["class_name"], "config": config},
                                         custom_objects)


def compile_config(model) -> dict | None:
    """The arguments ``compile`` was called with, as JSON data (None if not compiled)."""
    if not getattr(model, "_compiled", False) or model.optimizer is None:
        return None
    return {"loss": serialize_loss(model._loss_spec),
            "metrics": serialize_metric(model._metric_spec),
            "loss_weights": model._loss_weight_spec,
            "optimizer": serialize_optimizer(model.optimizer)}


def compile_from_config(model, config: dict, custom_objects: dict | None, path: str) -> None:
    """``model.compile(...)`` with the saved arguments; unknown names are reported."""
    try:
        model.compile(optimizer=deserialize_optimizer(config["optimizer"], custom_objects),
                      loss=deserialize_loss(config["loss"], custom_objects),
                      metrics=deserialize_metric(config.get("metrics"), custom_objects),
                      loss_weights=config.get("loss_weights"))
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"{path}: cannot restore the training configuration: {exc}. Pass "
                         "custom objects with load_model(path, custom_objects={'name': obj}), "
                         "or load_model(path, compile=False)") from None


# ------------------------------------------------------------ optimizer state
def optimizer_state(model, keys: dict[int, str]) -> dict[str, np.ndarray]:
    """The optimizer's state with each slot keyed by its weight's key."""
    variables = model.weights
    state = model.optimizer.get_state(variables)
    out = {}
    for key, value in state.items():
        if "/" in key:
            index, slot = key.split("/", 1)
            key = f"{keys[id(variables[int(index)])]}/{slot}"
        out[key] = value
    return out


def restore_optimizer_state(model, arrays: dict, keys: dict[int, str], path: str) -> None:
    """Inverse of :func:`optimizer_state` for the freshly compiled ``model``."""
    variables = model.weights
    index_of = {keys[id(var)]: i for i, var in enumerate(variables) if id(var) in keys}
    state = {}
    for key, value in arrays.items():
        if "/" in key:
            weight_key, slot = key.rsplit("/", 1)
            if weight_key not in index_of:
                raise ValueError(f"{path}: file is corrupt (optimizer slot {key!r} belongs to "
                                 "no weight of the model)")
            key = f"{index_of[weight_key]}/{slot}"
        state[key] = value
    model.optimizer.set_state(variables, state)


# ---------------------------------------------------------------- layer RNG
def layer_rng_state(model) -> dict[str, dict]:
    """Seed and step of every noise layer (Dropout, AlphaDropout, GaussianNoise …)."""
    out = {}
    for layer in model.layers:
        if hasattr(layer, "rng_seed") and hasattr(layer, "step"):
            out[layer.name] = {"rng_seed": int(layer.rng_seed), "step": int(layer.step)}
    return out


def restore_layer_rng_state(model, state: dict) -> None:
    for layer in model.layers:
        saved = state.get(layer.name)
        if saved is not None and hasattr(layer, "step"):
            layer._rng_seed = int(saved["rng_seed"])
            layer.step = int(saved["step"])
