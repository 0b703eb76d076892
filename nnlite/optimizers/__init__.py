"""Optimizers (``keras.optimizers``), by object or string name."""

from __future__ import annotations

from . import legacy, schedules
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .hyperparameter import HyperParameter
from .nadam import Nadam
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

_BY_NAME: dict[str, type] = {"sgd": SGD, "adagrad": Adagrad, "rmsprop": RMSprop,
                             "adam": Adam, "adamw": AdamW, "adamax": Adamax, "nadam": Nadam}


def register(cls: type, *names: str) -> type:
    """Make ``cls`` resolvable by ``get`` under its lower-case name and ``names``."""
    for name in (cls.__name__.lower(),) + names:
        _BY_NAME[name] = cls
    return cls


def get(identifier) -> Optimizer:
    """Resolve ``"sgd"``, ``"adam"``, a config dict or an Optimizer instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise ValueError(f"Unknown optimizer {identifier!r}; known: {sorted(_BY_NAME)}")
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise TypeError(f"Could not interpret optimizer {identifier!r}")


def serialize(optimizer: Optimizer) -> dict:
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    name = config["class_name"]
    if custom_objects and name in custom_objects:
        cls = custom_objects[name]
    else:
        cls = _BY_NAME.get(name.lower())
    if cls is None:
        raise ValueError(f"Unknown optimizer {name!r} (pass it in custom_objects)")
    return cls.from_config(config.get("config", {}))


__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adamax", "Nadam",
           "legacy", "schedules", "HyperParameter", "get", "serialize", "deserialize", "register"]
