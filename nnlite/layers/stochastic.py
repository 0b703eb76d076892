r"""``StochasticLayer``: the base of layers that inject noise while training.

Dropout, AlphaDropout, GaussianNoise, GaussianDropout and RReLU draw their
random numbers from the counter-based generator of :mod:`nnlite._kernels`
(SplitMix64 of *seed*, *step* and the element index), so

* each layer has a ``seed`` — the constructor's ``seed=`` or, when it is
  ``None`` (the Keras default), one drawn from NumPy's global generator when
  the layer is built (``nnlite.utils.set_random_seed`` reproduces it);
* each layer counts its training passes in ``step`` (0, 1, 2, …): pass k uses
  the noise of (seed, k), so a new mask every batch and the same masks when a
  run is repeated with the same seed.  Inside a model's training step the
  counter advances only when the step is committed, so a step that goes
  non-finite leaves it (and the next batch's noise) unchanged.

At inference (``training=False``) the layers are deterministic, unless
``force_training`` is True: then they keep drawing noise — Monte-Carlo
dropout without putting BatchNormalization in training mode
(:func:`nnlite.utils.mc_predict` switches it on for you).

The book's ``MCDropout`` works unchanged::

    class MCDropout(keras.layers.Dropout):
        def call(self, inputs):
            return super().call(inputs, training=True)
"""

from __future__ import annotations

import math

import numpy as np

from .. import _kernels as kernels
from ..utils.random import draw_seed
from .base import Layer


def check_rate(layer: str, rate, name: str = "rate") -> float:
    """A rate in [0, 1), or a ValueError naming the layer and the value received."""
    try:
        value = float(rate)
    except (TypeError, ValueError):
        raise ValueError(f"{layer}: `{name}` must be a number in [0, 1), got {rate!r}") from None
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{layer}: invalid value {rate!r} received for `{name}`, expected a "
                         "value in [0, 1) (the fraction of the inputs to drop)")
    return value


def standard_normal(shape: tuple[int, ...], seed: int, step: int, dtype) -> np.ndarray:
    """N(0, 1) draws from the counter-based uniforms (Box–Muller, see
    :class:`StochasticLayer`)."""
    n = math.prod(shape)
    u = kernels.dropout_uniform(2 * n, seed, step)
    z = np.sqrt(-2.0 * np.log1p(-u[:n])) * np.cos(2.0 * np.pi * u[n:])
    return z.reshape(shape).astype(dtype, copy=False)


class StochasticLayer(Layer):
    r"""Seed, step counter and the Keras ``call`` hook shared by noise layers.

    Subclasses implement ``_forward(x, training)`` and ``backward(grad)``.

    Equations
    ---------
    The noise of training pass k is a pure function of the seed, k and the
    flat element index i: a uniform number
    :math:`u_i = U(\mathrm{seed}, k, i) \in [0, 1)` (SplitMix64 bits), from
    which the masks (keep when :math:`u_i \ge p`) and, by Box–Muller, the
    standard normal draws of the Gaussian layers are made:

    .. math:: z_i = \sqrt{-2 \ln(1 - u_i)}\,\cos(2\pi\, u_{n+i}), \qquad
              z_i \sim \mathcal N(0, 1)
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if seed is not None and (not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"{type(self).__name__} {self.name!r}: seed must be None or a "
                             f"non-negative integer, got {seed!r}")
        self.seed = None if seed is None else int(seed)
        self.step = 0
        self._pending_steps = 0  # passes of a training step not yet committed
        self.force_training = False
        self._rng_seed: int | None = None
        self._training = False

    def build(self, input_shape) -> None:
        if self._rng_seed is None:
            self._rng_seed = draw_seed() if self.seed is None else self.seed
        super().build(input_shape)

    @property
    def rng_seed(self) -> int:
        """The seed actually used (``seed``, or the one drawn at build)."""
        if self._rng_seed is None:
            self._rng_seed = draw_seed() if self.seed is None else self.seed
        return self._rng_seed

    def next_step(self) -> int:
        """The step of this training pass; advances the counter (at commit, in a model's step)."""
        step = self.step + self._pending_steps
        self._pending_steps += 1
        if not self.defer_updates:
            self.commit_updates()
        return step

    def commit_updates(self) -> None:
        """Count the training passes of the committed step."""
        self.step += self._pending_steps
        self._pending_steps = 0

    def discard_updates(self) -> None:
        self._pending_steps = 0

    # ------------------------------------------------------------ calling
    def forward(self, x, training: bool = False):
        self._training = bool(training) or self.force_training
        if type(self).call is not StochasticLayer.call:  # a user subclass (book's MCDropout)
            return self.call(x)
        return self._forward(x, self._training)

    def call(self, inputs, training=None):
        """Keras-style call; ``training=None`` means the mode of the current pass."""
        return self._forward(inputs, self._training if training is None else bool(training))

    def _forward(self, x, training: bool):
        raise NotImplementedError(f"{type(self).__name__}._forward")

    def get_config(self) -> dict:
        return {**super().get_config(), "seed": self.seed}


def noise_steps(model) -> list[tuple[StochasticLayer, int]]:
    """The step counter of each noise layer of ``model``, to put back later.

    Replaying a batch with the same counters draws the same noise (the
    gradient check, the learning-rate finder and ``inspect`` rely on it).
    """
    return [(layer, layer.step) for layer in model.layers if isinstance(layer, StochasticLayer)]


def restore_noise_steps(saved: list[tuple[StochasticLayer, int]]) -> None:
    """Inverse of :func:`noise_steps`."""
    for layer, step in saved:
        layer.step = step
