r"""The running mean every averaging metric is built on: ``Mean`` and ``MeanMetricWrapper``.

Over all the values :math:`v_i` seen since the last reset, with weights
:math:`w_i` (1 by default),

.. math:: \bar v = \frac{\sum_i w_i\, v_i}{\sum_i w_i},

so a metric averaged over an epoch is the mean over *samples*, not the mean
of the per-batch means (they differ when the last batch is smaller).
``MeanMetricWrapper`` applies a per-sample function ``fn(y_true, y_pred)``
first (``binary_accuracy``, ``mean_squared_error`` …) and averages its
values: that is how Keras builds ``Accuracy``, ``MeanSquaredError`` and most
of its metric classes.
"""

from __future__ import annotations

import numpy as np

from .base import Metric, broadcast_weights

_NUMBER = (float, int)


class Mean(Metric):
    r"""Running weighted mean :math:`\sum_i w_i v_i / \sum_i w_i` of the values given.

    Parameters
    ----------
    name : str, default "mean"
    dtype : str, optional

    Notes
    -----
    ``update_state(values, sample_weight=None)``: ``sample_weight`` holds one
    weight per sample (or per value); a sample of several values counts
    each of them.  ``result()`` is 0 before any update (Keras:
    ``divide_no_nan``).
    """

    def __init__(self, name: str = "mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self) -> None:
        self.total, self.count = 0.0, 0.0

    def update_state(self, values, sample_weight=None) -> None:
        if isinstance(values, _NUMBER) and isinstance(sample_weight, (*_NUMBER, type(None))):
            w = 1.0 if sample_weight is None else float(sample_weight)  # fit's loss: a number
            self.total += float(values) * w
            self.count += w
            return
        values = np.asarray(values, dtype=np.float64)
        if sample_weight is None:
            self.total += float(values.sum())
            self.count += values.size
            return
        w = broadcast_weights(sample_weight, values.shape)
        self.total += float(np.sum(values * w))
        self.count += float(np.sum(w))

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """Running mean of a per-sample metric function ``fn(y_true, y_pred, **kwargs)``.

    Parameters
    ----------
    fn : callable
        Returns one value per sample (``binary_accuracy`` …).
    name : str, optional
        Default: ``fn.__name__`` (Keras: ``"mean_metric_wrapper"``).
    dtype : str, optional
    **kwargs
        Passed on to ``fn`` (``threshold=0.5``, ``k=5`` …) and kept in the config.
    """

    def __init__(self, fn, name: str | None = None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: fn must be a function, got {fn!r}")
        self.fn = fn
        self._fn_kwargs = kwargs
        super().__init__(name=name or getattr(fn, "__name__", None) or "mean_metric_wrapper",
                         dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        values = np.asarray(self.fn(y_true, y_pred, **self._fn_kwargs), dtype=np.float64)
        super().update_state(values, sample_weight)

    def get_config(self) -> dict:
        config = {**super().get_config(), **self._fn_kwargs}
        if type(self) is MeanMetricWrapper:
            config["fn"] = getattr(self.fn, "__name__", repr(self.fn))
        return config

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        if cls is not MeanMetricWrapper:
            return cls(**config)
        from .resolve import metric_function  # the name table imports this module

        config = dict(config)
        return cls(metric_function(config.pop("fn")), **config)
