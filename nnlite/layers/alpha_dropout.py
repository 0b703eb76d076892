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
from .dropout import Dropout


class AlphaDropout(Dropout):
    """Dropout for SELU networks: keeps mean 0 and variance 1 of its inputs.

    Everything but the two kernels (mask handling, ``noise_shape``, seeds,
    inference as identity, config) is :class:`Dropout`'s.
    """

    _forward_kernel = kernels.alpha_dropout_forward
    _backward_kernel = kernels.alpha_dropout_backward
