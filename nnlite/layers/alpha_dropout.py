r"""``AlphaDropout``: dropout that keeps SELU's self-normalization.

Its equations: :class:`AlphaDropout`.
"""

from __future__ import annotations

from .. import _kernels as kernels
from .dropout import Dropout


class AlphaDropout(Dropout):
    r"""Dropout for SELU networks (Klambauer et al. 2017): keeps mean 0 and variance 1.

    Everything but the two kernels (mask handling, ``noise_shape``, seeds,
    inference as identity, config) is :class:`Dropout`'s.

    Equations
    ---------
    Plain dropout would change the mean and variance that SELU networks rely on.
    Alpha dropout sets dropped units to SELU's negative saturation value
    α' = −λα ≈ −1.7581 (λ, α: SELU's constants) and then applies an affine map
    (A, B) that restores zero mean and unit variance for standardized inputs;
    p = ``rate``, r the keep mask (drawn as :class:`Dropout` draws it):

    .. math:: A = \bigl((1-p)(1 + p\,\alpha'^2)\bigr)^{-1/2}, \qquad
              B = -A\,\alpha'\,p

    .. math:: a = A\bigl(r \odot x + \alpha'(1 - r)\bigr) + B, \qquad
              \frac{\partial L}{\partial x} = A\, r \odot \delta

    At inference the layer is the identity.

    Notes
    -----
    Keras defaults: ``noise_shape=None``, ``seed=None``; ``rate`` must be in [0, 1).
    """

    _forward_kernel = kernels.alpha_dropout_forward
    _backward_kernel = kernels.alpha_dropout_backward
