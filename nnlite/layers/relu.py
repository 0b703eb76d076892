r"""``ReLU``: the rectified linear unit, with Keras' optional cap, leak and threshold.

Its equations: :class:`ReLU`.
"""

from __future__ import annotations

from .. import _kernels as kernels
from .. import activations
from .base import Layer
from .sloped_activation import check_slope


class ReLU(Layer):
    r"""``keras.layers.ReLU(max_value=None, negative_slope=0.0, threshold=0.0)``.

    Equations
    ---------
    With t = ``threshold``, M = ``max_value`` and s = ``negative_slope``:

    .. math:: a = \begin{cases} \min(x, M) & x > t \\ s\,(x - t) & x \le t \end{cases},
              \qquad
              \frac{\partial L}{\partial x} = \delta \odot
              \begin{cases} 0 & x > t,\ x \ge M \\ 1 & t < x < M \\ s & x \le t \end{cases}

    (what Keras computes: ``relu(x, threshold=5.)`` maps 5 to 0, although its
    docstring writes t ≤ x).  Keras defaults: ``max_value=None`` (no cap),
    ``negative_slope=0``, ``threshold=0`` — the plain max(0, x).

    Notes
    -----
    The defaults use the fused ``relu`` kernel (a non-zero slope alone uses the
    ``leaky_relu`` kernel); a cap or a threshold uses the ``relu_general_*``
    kernels.  All three must be ≥ 0.
    """

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0,
                 threshold: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        where = f'ReLU layer "{self.name}"'
        self.max_value = None if max_value is None else \
            check_slope(where, "max_value", max_value)
        self.negative_slope = check_slope(where, "negative_slope", negative_slope)
        self.threshold = check_slope(where, "threshold", threshold)
        if self.max_value is None and self.threshold == 0.0:
            self._kernel = "relu" if self.negative_slope == 0.0 else "leaky_relu"
        else:
            self._kernel = None

    def as_activation(self) -> activations.KernelActivation:
        """The same function for ``Dense(..., activation=ReLU())`` (no cap, no threshold)."""
        if self._kernel is None:
            raise ValueError(f'ReLU layer "{self.name}" with max_value={self.max_value!r}, '
                             f"threshold={self.threshold!r} cannot be used as an "
                             "`activation=` argument; add it as its own layer instead")
        if self._kernel == "relu":
            return activations.relu
        return activations.leaky_relu.with_alpha(self.negative_slope)

    def forward(self, x, training=False):
        if self._kernel is not None:
            a = kernels.activation_forward(x, self._kernel, self.negative_slope)
            self._cache = a
            return a
        self._cache = x
        return kernels.relu_general_forward(x, self.max_value, self.negative_slope,
                                            self.threshold)

    def backward(self, grad_output):
        if not self.need_input_grad:
            return None
        if self._kernel is not None:
            return kernels.activation_backward(self._cache, grad_output, self._kernel,
                                               self.negative_slope)
        return kernels.relu_general_backward(self._cache, grad_output, self.max_value,
                                             self.negative_slope, self.threshold)

    def get_config(self) -> dict:
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}
