"""``keras.optimizers.legacy``: tf.keras 2.11+'s home of the old optimizers.

The third edition writes ``tf.keras.optimizers.legacy.SGD(learning_rate=0.01,
decay=1e-4)`` for power scheduling; nnlite has one implementation of each
optimizer, which accepts ``decay`` (η/(1 + decay·t)), so these are the same
classes as in :mod:`nnlite.optimizers`.
"""

from __future__ import annotations

from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .nadam import Nadam
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Adagrad", "Adam", "Adamax", "Nadam", "Optimizer", "RMSprop", "SGD"]
