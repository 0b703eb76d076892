r"""``ELU``: the exponential linear unit (Clevert et al. 2015) as a layer.

Its equations: :class:`ELU`.
"""

from __future__ import annotations

from .. import activations
from .sloped_activation import SlopedActivation, check_slope


class ELU(SlopedActivation):
    r"""``keras.layers.ELU(alpha=1.0)`` as its own layer.

    Equations
    ---------
    .. math:: \mathrm{ELU}_\alpha(x) = \begin{cases} x & x > 0 \\
              \alpha(e^x - 1) & x \le 0 \end{cases}, \qquad
              \frac{\partial L}{\partial x} = \delta \odot
              \begin{cases} 1 & x > 0 \\ \alpha e^x = a + \alpha & x \le 0 \end{cases}

    Smooth everywhere when α = 1; negative outputs pull the mean activation
    toward 0.  Keras default: ``alpha=1.0`` (must be ≥ 0 here).  The string
    ``activation="elu"`` on any layer does the same with α = 1.
    """

    function = activations.elu

    def __init__(self, alpha: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = check_slope(f'ELU layer "{self.name}"', "alpha", alpha)
