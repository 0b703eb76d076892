"""Learning-rate schedules (``keras.optimizers.schedules``), evaluated per optimizer step.

>>> import nnlite as keras
>>> s = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=100, decay_rate=0.1)
>>> round(s(100), 6)
0.001
"""

from __future__ import annotations

from ...object_registry import ObjectRegistry
from .cosine_decay import CosineDecay
from .cosine_decay_restarts import CosineDecayRestarts
from .exponential_decay import ExponentialDecay
from .inverse_time_decay import InverseTimeDecay
from .learning_rate_schedule import LearningRateSchedule
from .one_cycle import OneCycle
from .piecewise_constant_decay import PiecewiseConstantDecay
from .polynomial_decay import PolynomialDecay

SCHEDULES = ObjectRegistry("learning-rate schedule", LearningRateSchedule, classes=[
    CosineDecay, CosineDecayRestarts, ExponentialDecay, InverseTimeDecay, OneCycle,
    PiecewiseConstantDecay, PolynomialDecay], accepts_functions=False)


def serialize(schedule: LearningRateSchedule) -> dict:
    """``{"class_name": ..., "config": ...}`` of a schedule (JSON-friendly)."""
    return SCHEDULES.serialize(schedule)


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """The schedule described by ``serialize``'s dict (custom classes by ``custom_objects``)."""
    return SCHEDULES.deserialize(config, custom_objects)


__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay",
           "InverseTimeDecay", "PolynomialDecay", "CosineDecay", "CosineDecayRestarts",
           "OneCycle", "serialize", "deserialize"]
