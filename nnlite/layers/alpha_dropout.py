r"""``AlphaDropout``: dropout that keeps SELU's self-normalization (Klambauer et al. 2017).

Plain dropout would change the mean and variance that SELU networks rely on.
Alpha dropout sets dropped units to SELU's negative saturation value
α' = −λα (λ ≈ 1.0507, α ≈ 1.6733) and then applies an affine map that
restores zero mean and unit variance for standardized inputs:

.. math:: a = \bigl((1-p)(1 + p\,\alpha'^2)\bigr)^{-1/2}, \qquad
          b = -a\,\alpha'\,p,

.. math:: y = a\bigl(m \odot x + \alpha'(1 - m)\bigr) + b, \qquad
          \frac{\partial L}{\partial x} = a\, m \odot \delta

with the keep mask m ~ Bernoulli(1 − p) drawn from the counter-based
generator.  At inference the layer is the identity.

Keras defaults: ``noise_shape=None``, ``seed=None``; ``rate`` must be in [0, 1).
"""

from __future__ import annotations

from .. import _kernels as kernels
from .dropout import resolve_noise_shape
from .stochastic import StochasticLayer, check_rate


class AlphaDropout(StochasticLayer):
    """Dropout for SELU networks: keeps mean 0 and variance 1 of its inputs."""

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = check_rate(f'AlphaDropout layer "{self.name}"', rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def _forward(self, x, training: bool):
        if not training or self.rate == 0.0:
            self._cache = None
            return x
        mask_shape = resolve_noise_shape(self, self.noise_shape, x.shape)
        y, mask = kernels.alpha_dropout_forward(x, self.rng_seed, self.next_step(), self.rate,
                                                mask_shape=mask_shape)
        self._cache = mask
        return y

    def backward(self, grad_output):
        if not self.need_input_grad:
            return None
        if self._cache is None:
            return grad_output
        return kernels.alpha_dropout_backward(grad_output, self._cache, self.rate)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape)}
