r"""``LeakyReLU``: a ReLU that leaks a small slope α for negative inputs.

Its equations: :class:`LeakyReLU`.
"""

from __future__ import annotations

from .. import activations
from .sloped_activation import SlopedActivation, check_slope


class LeakyReLU(SlopedActivation):
    r"""``keras.layers.LeakyReLU(alpha=0.2)`` — usually right after a linear Dense layer.

    Equations
    ---------
    .. math:: \mathrm{LeakyReLU}_\alpha(x) = \max(\alpha x, x) =
              \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}, \qquad
              \frac{\partial L}{\partial x} = \delta \odot
              \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}

    Keras default: ``alpha=0.3`` (tf.keras 2 name; Keras 3 calls it
    ``negative_slope``, accepted too).  The book passes ``alpha=0.2``, which beat
    0.01 in Xu et al. (2015).

    Notes
    -----
    α must be ≥ 0, so the derivative can be read from the output
    (a > 0 ⇔ x > 0) by the fused activation kernels.
    """

    function = activations.leaky_relu

    def __init__(self, alpha: float | None = None, negative_slope: float | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        where = f'LeakyReLU layer "{self.name}"'
        if alpha is not None and negative_slope is not None:
            raise ValueError(f"{where}: give alpha or negative_slope, not both "
                             f"(got alpha={alpha!r}, negative_slope={negative_slope!r})")
        value = 0.3 if alpha is None and negative_slope is None else \
            (alpha if alpha is not None else negative_slope)
        self.alpha = check_slope(where, "alpha", value)

    @property
    def negative_slope(self) -> float:
        """Keras 3 name of ``alpha``."""
        return self.alpha
