"""``keras.experimental``: the tf.keras 2 home of the cosine schedules.

tf.keras 2 code such as ``tf.keras.experimental.CosineDecayRestarts(0.01, 1000)``
runs unchanged; the classes are those of :mod:`nnlite.optimizers.schedules`.
"""

from __future__ import annotations

from .optimizers.schedules import CosineDecay, CosineDecayRestarts

__all__ = ["CosineDecay", "CosineDecayRestarts"]
