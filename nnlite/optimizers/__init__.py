"""Optimizers (``keras.optimizers``), by object or string name."""

from __future__ import annotations

from ..object_registry import ObjectRegistry
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

OPTIMIZERS = ObjectRegistry("optimizer", Optimizer,
                            classes=[SGD, Adagrad, RMSprop, Adam, AdamW, Adamax, Nadam],
                            names={"sgd": SGD, "adagrad": Adagrad, "rmsprop": RMSprop,
                                   "adam": Adam, "adamw": AdamW, "adamax": Adamax,
                                   "nadam": Nadam},
                            accepts_functions=False)  # as Keras: no classes, no functions


def register(cls: type, *names: str) -> type:
    """Make ``cls`` resolvable by ``get`` under its lower-case name and ``names``."""
    return OPTIMIZERS.register(cls, cls.__name__, *names)


def get(identifier) -> Optimizer:
    """Resolve ``"sgd"``, ``"Adam"``, a config dict or an Optimizer instance (tf.keras 2's
    ``lr=`` argument is read by the optimizer itself)."""
    return OPTIMIZERS.get(identifier)


def serialize(optimizer: Optimizer) -> dict:
    """``{"class_name": ..., "config": ...}`` as Keras writes it."""
    return OPTIMIZERS.serialize(optimizer)


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """Inverse of :func:`serialize` (``custom_objects`` first)."""
    return OPTIMIZERS.deserialize(config, custom_objects)


__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adamax", "Nadam",
           "legacy", "schedules", "HyperParameter", "get", "serialize", "deserialize", "register"]
