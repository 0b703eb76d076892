"""Learning-rate schedules (``keras.optimizers.schedules``), evaluated per optimizer step.

>>> import nnlite as keras
>>> s = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=100, decay_rate=0.1)
>>> round(s(100), 6)
0.001
"""

from __future__ import annotations

from .cosine_decay import CosineDecay
from .cosine_decay_restarts import CosineDecayRestarts
from .exponential_decay import ExponentialDecay
from .inverse_time_decay import InverseTimeDecay
from .learning_rate_schedule import LearningRateSchedule
from .one_cycle import OneCycle
from .piecewise_constant_decay import PiecewiseConstantDecay
from .polynomial_decay import PolynomialDecay

_BY_NAME: dict[str, type] = {cls.__name__: cls for cls in (
    CosineDecay, CosineDecayRestarts, ExponentialDecay, InverseTimeDecay, OneCycle,
    PiecewiseConstantDecay, PolynomialDecay)}


def serialize(schedule: LearningRateSchedule) -> dict:
    """``{"class_name": ..., "config": ...}`` of a schedule (JSON-friendly)."""
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """The schedule described by ``serialize``'s dict (custom classes by ``custom_objects``)."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name)
    if cls is None:
        raise ValueError(f"Unknown learning-rate schedule {name!r}; known: {sorted(_BY_NAME)} "
                         "(pass custom schedules in custom_objects)")
    return cls.from_config(config.get("config", {}))


__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay",
           "InverseTimeDecay", "PolynomialDecay", "CosineDecay", "CosineDecayRestarts",
           "OneCycle", "serialize", "deserialize"]
