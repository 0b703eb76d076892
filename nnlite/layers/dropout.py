r"""``Dropout``: inverted dropout (Srivastava et al. 2014); its equations: :class:`Dropout`.

The keep mask comes from the counter-based generator (seed, step, element
index), so a mask depends only on the layer's seed and its training step and
every kernel backend draws the same one (see :mod:`nnlite.layers.stochastic`).
"""

from __future__ import annotations

from .. import _kernels as kernels
from .stochastic import StochasticLayer, check_rate


def resolve_noise_shape(layer, noise_shape, shape: tuple) -> tuple | None:
    """Keras' noise_shape with ``None`` entries filled from the input's shape."""
    if noise_shape is None:
        return None
    if len(noise_shape) != len(shape):
        raise ValueError(f'{type(layer).__name__} layer "{layer.name}": noise_shape '
                         f"{tuple(noise_shape)} must have one entry per input axis; the input "
                         f"has shape {tuple(shape)}")
    out = tuple(s if n is None else int(n) for n, s in zip(noise_shape, shape))
    for n, s in zip(out, shape):
        if n != 1 and n != s:
            raise ValueError(f'{type(layer).__name__} layer "{layer.name}": noise_shape '
                             f"{tuple(noise_shape)} is not broadcastable to the input shape "
                             f"{tuple(shape)} (each entry must be 1, None or the input's size)")
    return out


class Dropout(StochasticLayer):
    r"""Randomly zeroes a fraction ``rate`` of the inputs while training (inverted dropout).

    >>> import nnlite as keras
    >>> layer = keras.layers.Dropout(rate=0.2)

    Equations
    ---------
    While training, each input unit is kept with probability 1 − p (p = ``rate``)
    and the kept ones are scaled up so that the expected output equals the input
    (r is the keep mask):

    .. math:: r_i \sim \mathrm{Bernoulli}(1 - p), \qquad
              a_i = \frac{r_i\, x_i}{1 - p}, \qquad
              \frac{\partial L}{\partial x_i} = \frac{r_i}{1 - p}\,\delta_i

    At inference (``training=False``) the layer is the identity, a = x.

    Notes
    -----
    Keras defaults: ``noise_shape=None`` (one mask entry per input element; e.g.
    ``noise_shape=(None, 1, features)`` drops whole features for every time
    step), ``seed=None``.  ``rate`` must be in [0, 1).
    """

    #: the fused kernels (mask from the counter-based RNG, scaling) and their backward
    _forward_kernel = kernels.dropout_forward
    _backward_kernel = kernels.dropout_backward

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = check_rate(f'{type(self).__name__} layer "{self.name}"', rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def _forward(self, x, training: bool):
        if not training or self.rate == 0.0:
            self._cache = None
            return x
        mask_shape = resolve_noise_shape(self, self.noise_shape, x.shape)
        y, mask = self._forward_kernel(x, self.rng_seed, self.next_step(), self.rate,
                                       mask_shape=mask_shape)
        self._cache = mask
        return y

    def backward(self, grad_output):
        if not self.need_input_grad:
            return None
        if self._cache is None:
            return grad_output
        return self._backward_kernel(grad_output, self._cache, self.rate)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape)}
