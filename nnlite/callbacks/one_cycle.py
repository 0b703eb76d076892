r"""``OneCycleScheduler``: the book's 1cycle callback (Géron ch. 11), built in.

Before each batch it sets ``optimizer.learning_rate`` to the 1cycle rate of
the current iteration — linear from η₀ = ``max_rate``/10 up to ``max_rate``
over the first half of the cycle, back down to η₀ over the second half, then
down to η₀/1000 over the last ``last_iterations`` (default
``iterations//10 + 1``); see :class:`nnlite.optimizers.schedules.OneCycle`
for the equations.  With ``cycle_momentum=True`` the optimizer's momentum
(``momentum`` or ``beta_1``) follows 0.95 → 0.85 → 0.95.

>>> import math
>>> # n_epochs, batch_size = 25, 128
>>> # onecycle = OneCycleScheduler(math.ceil(len(X_train) / batch_size) * n_epochs,
>>> #                              max_rate=0.05)

The schedule form (``SGD(learning_rate=OneCycle(...))``) does the same per
optimizer step without a callback.
"""

from __future__ import annotations

from .. import backend
from ..optimizers.schedules.one_cycle import OneCycle
from .callback import Callback


class OneCycleScheduler(Callback):
    """Sets the learning rate (and optionally momentum) of the 1cycle policy per batch."""

    def __init__(self, iterations: int, max_rate: float, start_rate: float | None = None,
                 last_iterations: int | None = None, last_rate: float | None = None,
                 cycle_momentum: bool = False, max_momentum: float = 0.95,
                 min_momentum: float = 0.85):
        super().__init__()
        self.schedule = OneCycle(max_rate, iterations, start_rate, last_iterations, last_rate,
                                 cycle_momentum, max_momentum, min_momentum)
        self.iterations = iterations
        self.iteration = 0

    def on_train_batch_begin(self, batch, logs=None):
        optimizer = self.model.optimizer
        backend.set_value(optimizer.learning_rate, self.schedule(self.iteration))
        momentum = self.schedule.momentum(self.iteration)
        if momentum is not None:
            attr = getattr(optimizer, "_momentum_attr", None)
            if attr is None:
                raise ValueError(f"OneCycleScheduler(cycle_momentum=True): "
                                 f"{type(optimizer).__name__} has no momentum to cycle")
            setattr(optimizer, attr, momentum)
        self.iteration += 1
