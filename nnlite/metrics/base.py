"""What every metric shares: the stateful API of Keras' ``keras.metrics.Metric``.

A metric object accumulates statistics over the batches of an epoch with
``update_state(y_true, y_pred, sample_weight=None)`` and reports them with
``result()``; ``reset_state()`` starts again (``fit`` resets at every epoch,
``evaluate`` at its start).  Calling the object, ``metric(y_true, y_pred)``,
updates it and returns the result, as in Keras.

A metric created without a name gets Keras' automatic one: the class name in
snake_case, made unique in the session like layer names (``AUC()`` is
``auc``, a second one ``auc_1``; ``keras.backend.clear_session()`` starts
over).  Metrics with a fixed default name (``RootMeanSquaredError`` →
``root_mean_squared_error``) keep it.

Where nnlite differs from Keras: the state is kept in float64 NumPy arrays
(Keras: float32 variables; ``dtype`` is recorded for the config), and
``result()`` returns a Python float (a NumPy array for several thresholds)
instead of a tensor.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..naming import snake_case


class Metric:
    """Base class: subclasses implement ``update_state``, ``result`` and ``reset_state``.

    Parameters
    ----------
    name : str, optional
        Key of the metric in ``fit``'s logs and ``History.history``
        (validation: ``"val_" + name``).  Default: the class name in
        snake_case, unique in the session.
    dtype : str, optional
        Keras' result dtype (default ``backend.floatx()``, ``"float32"``).
    """

    def __init__(self, name: str | None = None, dtype=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {name!r}")
        self.name = name if name is not None else \
            backend.unique_name(snake_case(type(self).__name__))
        self.dtype = np.dtype(dtype or backend.floatx()).name

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        """Add one batch to the statistics."""
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  "update_state(y_true, y_pred, sample_weight=None)")

    def result(self):
        """The metric over everything seen since the last reset."""
        raise NotImplementedError(f"{type(self).__name__} must implement result()")

    def reset_state(self) -> None:
        """Forget everything seen (Keras: set the state variables to zero)."""
        raise NotImplementedError(f"{type(self).__name__} must implement reset_state()")

    def reset_states(self) -> None:
        """tf.keras 2's name of :meth:`reset_state`."""
        self.reset_state()

    def __call__(self, *args, **kwargs):
        """``update_state(*args, **kwargs)``, then the current ``result()``."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        """The constructor arguments, so that ``cls.from_config(config)`` rebuilds it."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


def same_rank(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Targets and predictions brought to the same rank, as Keras 3 does.

    A trailing axis of length 1 is dropped from the array that has one more
    axis, except that 1-D targets against ``(n, 1)`` predictions become
    ``(n, 1)`` (one sample per row, as ``fit`` passes them).
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        if y_true.ndim == 1:
            y_true = y_true[:, None]
        else:
            y_pred = y_pred[..., 0]
    elif y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        if y_pred.ndim == 1:
            y_pred = y_pred[:, None]
        else:
            y_true = y_true[..., 0]
    return y_true, y_pred


def broadcast_weights(sample_weight, shape: tuple) -> np.ndarray:
    """``sample_weight`` spread over an array of ``shape`` (float64).

    One weight per sample (``(n,)`` or ``(n, 1)``) applies to every value
    of that sample; a scalar to every value; a full array as it is.
    """
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim == len(shape) + 1 and w.shape[-1] == 1:
        w = w[..., 0]
    if w.ndim <= len(shape):
        w = w.reshape(w.shape + (1,) * (len(shape) - w.ndim))  # align the sample axes
        try:
            return np.broadcast_to(w, shape)
        except ValueError:
            pass
    raise ValueError(f"sample_weight of shape {np.shape(sample_weight)} does not fit values of "
                     f"shape {tuple(shape)}: give one weight per sample, shape ({shape[0]},)"
                     if shape else
                     f"sample_weight of shape {np.shape(sample_weight)} cannot weight a single "
                     "value: 1-D y_true/y_pred are one sample of several outputs, as in Keras; "
                     "pass them as (n, 1) arrays to weight each sample")


def divide_no_nan(numerator, denominator) -> np.ndarray:
    """``numerator / denominator``, and 0 where the denominator is 0 (``tf.math.divide_no_nan``)."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    out = np.zeros(np.broadcast(numerator, denominator).shape)
    return np.divide(numerator, denominator, out=out, where=denominator != 0)
