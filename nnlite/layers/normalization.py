r"""``Normalization``: standardization as a layer, its statistics learned by ``adapt``.

Its equations (``adapt``'s statistics, the forward and backward passes) are
in :class:`Normalization`'s docstring.

Keras semantics: ``axis=-1`` (a tuple keeps several axes; ``None`` gives one
scalar mean and variance), ``mean=None``, ``variance=None`` (give both to
skip ``adapt``: they are broadcast to the kept axes and the layer has no
weights), ``invert=False``; ε is ``keras.backend.epsilon()`` = 1e-7,
applied to the standard deviation as Keras does.  The statistics are
non-trainable weights, in order ``mean`` and ``variance`` (shape of the
kept axes: ``(8,)`` for inputs ``(None, 8)``) and ``count`` (int64 scalar:
how many values each statistic summarizes), so they are saved with the model
and ``summary()`` counts 2·features + 1 non-trainable parameters.  Each
``adapt`` starts afresh; its ``batch_size`` (arrays only, default 32 rows)
changes how the data is read, not the result, and ``steps`` reads only that
many batches.

Where nnlite differs: a layer used before ``adapt`` (and without ``mean`` and
``variance``) raises a ValueError; Keras silently uses μ = 0, σ² = 1 and
returns its input unchanged.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator

import numpy as np

from .. import backend
from .base import Layer

#: rows per adapt batch of an array when ``batch_size`` is None (tf.keras' default)
ARRAY_BATCH_SIZE = 32


def _standardize_axis(axis) -> tuple[int, ...]:
    """``None`` → ``()``, ``-1`` → ``(-1,)``, a list or tuple → a tuple of ints."""
    if axis is None:
        return ()
    items = (axis,) if isinstance(axis, (int, np.integer)) else axis
    try:
        axes = tuple(items)
    except TypeError:
        axes = (items,)
    if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"Normalization: axis must be an int, a tuple of ints or None, "
                        f"got {axis!r}")
    return tuple(int(a) for a in axes)


def _batch_inputs(batch):
    """The inputs of one batch: ``x`` of an ``(x, y)`` or ``(x, y, sample_weight)`` tuple."""
    return batch[0] if isinstance(batch, tuple) else batch


def _array_batches(data: np.ndarray, batch_size: int) -> Iterator[np.ndarray]:
    if data.ndim == 0:  # one scalar: one batch of one value
        yield data.reshape(1)
        return
    for start in range(0, len(data), batch_size):
        yield data[start:start + batch_size]


def _is_array(data) -> bool:
    """An array (or a DataFrame, a list of numbers…), not an iterable of batches."""
    if isinstance(data, np.ndarray) or hasattr(data, "__array__"):
        return True
    if isinstance(data, (list, tuple)):
        return not all(hasattr(item, "shape") or isinstance(item, tuple) for item in data)
    return False


class _RunningMoments:
    """Count, mean and M₂ = Σ(x − μ)² over the batches seen (float64, Chan's merge)."""

    def __init__(self, shape: tuple[int, ...]):
        self.count = 0
        self.mean = np.zeros(shape)
        self.m2 = np.zeros(shape)

    def add(self, x: np.ndarray, reduce_axes: tuple[int, ...]) -> None:
        n_b = math.prod(x.shape[a] for a in reduce_axes)
        if n_b == 0:
            return
        mean_b = x.mean(axis=reduce_axes, keepdims=True)
        m2_b = ((x - mean_b) ** 2).sum(axis=reduce_axes)
        mean_b = mean_b.reshape(self.mean.shape)
        n = self.count + n_b
        delta = mean_b - self.mean
        self.mean = self.mean + delta * (n_b / n)
        self.m2 = self.m2 + m2_b + delta ** 2 * (self.count * n_b / n)
        self.count = n

    @property
    def variance(self) -> np.ndarray:
        return self.m2 / self.count


class Normalization(Layer):
    r"""``keras.layers.Normalization()`` then ``layer.adapt(X_train)``: (x − μ)/σ per feature.

    Equations
    ---------
    ``adapt(X_train)`` computes, for every index of the kept axes (``axis=-1``:
    each feature), the mean and the (biased) variance of the N values the other
    axes hold:

    .. math:: \mu = \frac1N \sum_{i=1}^N x_i, \qquad
              \sigma^2 = \frac1N \sum_{i=1}^N (x_i - \mu)^2

    batch after batch, in float64, merging batch B into the statistics A of the
    batches before it (Chan et al.; exact, and stable where Σx² − Nμ² is not),
    with :math:`M_2 = \sum (x_i - \mu)^2`:

    .. math:: n = n_A + n_B, \quad \Delta = \mu_B - \mu_A, \quad
              \mu = \mu_A + \Delta\,\frac{n_B}{n}, \quad
              M_2 = M_{2,A} + M_{2,B} + \Delta^2\,\frac{n_A n_B}{n}, \quad
              \sigma^2 = \frac{M_2}{n}

    The layer then computes, and sends back through the constant statistics
    (ε = 1e-7):

    .. math:: a = \frac{x - \mu}{\max(\sqrt{\sigma^2}, \varepsilon)}, \qquad
              \frac{\partial L}{\partial x} = \frac{\delta}{\max(\sqrt{\sigma^2}, \varepsilon)}

    and with ``invert=True`` the inverse, which turns standardized values back
    into data:

    .. math:: a = \mu + x \max(\sqrt{\sigma^2}, \varepsilon), \qquad
              \frac{\partial L}{\partial x} = \delta \max(\sqrt{\sigma^2}, \varepsilon)
    """

    def __init__(self, axis: int | tuple[int, ...] | None = -1, mean=None, variance=None,
                 invert: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _standardize_axis(axis)
        where = f'Normalization layer "{self.name}"'
        if (mean is None) != (variance is None):
            raise ValueError(f"{where}: give both mean and variance, or neither (and call "
                             f"adapt); got mean={mean!r} and variance={variance!r}")
        if mean is not None and np.any(np.asarray(variance, dtype=float) < 0):
            raise ValueError(f"{where}: variance must be >= 0, got {variance!r}")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)
        self.adapt_mean = self.adapt_variance = self.count = None
        self._fixed = None  # (mean, variance) broadcast to the input's rank, when given

    # ------------------------------------------------------------------ build
    def _kept_axes(self, input_shape) -> tuple[int, ...]:
        rank = len(input_shape)
        if any(not -rank <= a < rank for a in self.axis):
            raise ValueError(f'Normalization layer "{self.name}": axis {self.axis} is out of '
                             f"range for inputs of shape {tuple(input_shape)} (rank {rank})")
        kept = tuple(sorted({a % rank for a in self.axis}))
        for a in kept:
            if input_shape[a] is None:
                raise ValueError(f'Normalization layer "{self.name}": the kept axis {a} of '
                                 f"the input shape {tuple(input_shape)} must be known "
                                 f"(axis={self.axis}); use axis=None for one scalar mean")
        return kept

    def build(self, input_shape) -> None:
        if isinstance(input_shape, list):
            raise ValueError(f'Normalization layer "{self.name}" takes one input, got '
                             f"{len(input_shape)}: {input_shape}")
        kept = self._kept_axes(input_shape)
        rank = len(input_shape)
        self._kept = kept
        self._reduce_axes = tuple(a for a in range(rank) if a not in kept)
        self._broadcast_shape = tuple(input_shape[a] if a in kept else 1 for a in range(rank))
        stats_shape = tuple(int(input_shape[a]) for a in kept)
        if self.input_mean is not None:
            self._fixed = tuple(self._broadcast_given(value, name, stats_shape)
                                for value, name in ((self.input_mean, "mean"),
                                                    (self.input_variance, "variance")))
        else:
            self.adapt_mean = self.add_weight("mean", stats_shape, "zeros", trainable=False)
            self.adapt_variance = self.add_weight("variance", stats_shape, "ones",
                                                  trainable=False)
            self.count = self.add_weight("count", (), "zeros", trainable=False, dtype="int64")
        self.built, self._build_input_shape = True, tuple(input_shape)  # layer.build() too

    def _broadcast_given(self, value, name: str, stats_shape: tuple) -> np.ndarray:
        try:
            full = np.broadcast_to(np.asarray(value, dtype=np.float64), stats_shape)
        except ValueError:
            raise ValueError(f'Normalization layer "{self.name}": {name}={value!r} (shape '
                             f"{np.shape(value)}) cannot be broadcast to the shape of the kept "
                             f"axes {stats_shape} (axis={self.axis})") from None
        return full.reshape(self._broadcast_shape)

    # ------------------------------------------------------------------ adapt
    def adapt(self, data, batch_size: int | None = None, steps: int | None = None) -> None:
        """Compute the mean and variance of ``data`` and store them in the layer's weights.

        ``data``: an array (n, …), or an iterable of such batches (a list of
        arrays, a generator; ``(x, y)`` tuples use ``x``).  ``batch_size``
        splits an array into batches (Keras' default: 32 rows); ``steps``
        reads only that many batches.
        """
        where = f'Normalization layer "{self.name}"'
        if self.input_mean is not None:
            raise ValueError(f"{where} was given mean={self.input_mean!r} and variance="
                             f"{self.input_variance!r}, so it cannot be adapted; create it "
                             "without them to learn them from data")
        for value, name in ((batch_size, "batch_size"), (steps, "steps")):
            if value is not None and (not isinstance(value, (int, np.integer)) or value < 1):
                raise ValueError(f"{where}: adapt {name} must be a positive int or None, "
                                 f"got {value!r}")
        batches = self._batches(data, batch_size)
        if steps is not None:
            batches = itertools.islice(batches, int(steps))
        first = next(batches, None)
        if first is None:
            raise ValueError(f"{where}: adapt received no data ({type(data).__name__} "
                             "with no batches); pass an array such as X_train")
        self._build_for(first.shape)
        moments = _RunningMoments(self.adapt_mean.shape)
        for batch in itertools.chain([first], batches):
            moments.add(self._checked(batch), self._reduce_axes)
        self._store(moments)

    def _batches(self, data, batch_size: int | None) -> Iterator[np.ndarray]:
        if _is_array(data):
            yield from _array_batches(np.asarray(data), batch_size or ARRAY_BATCH_SIZE)
            return
        if not isinstance(data, Iterable):
            raise TypeError(f'Normalization layer "{self.name}": adapt expects an array or '
                            f"an iterable of array batches, got {type(data).__name__}")
        if batch_size is not None:
            raise ValueError(f'Normalization layer "{self.name}": batch_size={batch_size} is '
                             "for arrays; an iterable already yields batches")
        for batch in data:
            yield np.asarray(_batch_inputs(batch))

    def _build_for(self, shape: tuple) -> None:
        """Build from the data's shape, the batch axis left free (adapt before build)."""
        if not self.built:
            self._maybe_build((None,) + tuple(shape[1:]))

    def _checked(self, batch: np.ndarray) -> np.ndarray:
        """The batch in float64, once its rank and kept axes match the layer's input."""
        built = tuple(self._build_input_shape)
        if batch.ndim != len(built) or any(batch.shape[a] != built[a] for a in self._kept):
            raise ValueError(f'Normalization layer "{self.name}" takes inputs of shape '
                             f"{built} (axis={self.axis}) but adapt received data of shape "
                             f"{batch.shape}")
        return batch.astype(np.float64)

    def _store(self, moments: _RunningMoments) -> None:
        if moments.count == 0:
            raise ValueError(f'Normalization layer "{self.name}": adapt received only empty '
                             "batches; pass an array such as X_train")
        if not (np.isfinite(moments.mean).all() and np.isfinite(moments.variance).all()):
            raise ValueError(f'Normalization layer "{self.name}": the adapt data holds NaN or '
                             "infinite values; clean them first (e.g. fill missing values)")
        self.adapt_mean.assign(moments.mean)
        self.adapt_variance.assign(moments.variance)
        self.count.assign(moments.count)

    # ----------------------------------------------------------- statistics
    @property
    def mean(self) -> np.ndarray | None:
        """The mean in use, shaped to broadcast against the input (Keras' ``layer.mean``)."""
        return self._statistics()[0] if self.built else None

    @property
    def variance(self) -> np.ndarray | None:
        """The variance in use, shaped to broadcast against the input."""
        return self._statistics()[1] if self.built else None

    def _statistics(self) -> tuple[np.ndarray, np.ndarray]:
        if self._fixed is not None:
            return self._fixed
        return (self.adapt_mean.value.reshape(self._broadcast_shape),
                self.adapt_variance.value.reshape(self._broadcast_shape))

    def _check_adapted(self) -> None:
        if self._fixed is None and int(self.count.value) == 0:
            raise ValueError(
                f'Normalization layer "{self.name}" has not been adapted: its mean and '
                "variance are still 0 and 1, so it would return its input unchanged. Call "
                f"{self.name}.adapt(X_train) before fit/evaluate/predict (or create it with "
                "mean=... and variance=...)")

    # -------------------------------------------------------- forward/back
    def forward(self, x, training=False):
        self._check_adapted()
        mean, variance = self._statistics()
        std = np.maximum(np.sqrt(variance), backend.epsilon()).astype(x.dtype)
        mean = mean.astype(x.dtype)
        self._cache = std
        return mean + x * std if self.invert else (x - mean) / std

    def backward(self, grad_output):
        if not self.need_input_grad:
            return None
        std = self._cache
        return grad_output * std if self.invert else grad_output / std

    # --------------------------------------------------------------- config
    def get_config(self) -> dict:
        def listed(value):
            return None if value is None else np.asarray(value).tolist()

        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": listed(self.input_mean), "variance": listed(self.input_variance)}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if isinstance(config.get("axis"), list):  # JSON turned the tuple into a list
            config["axis"] = tuple(config["axis"])
        return cls(**config)
