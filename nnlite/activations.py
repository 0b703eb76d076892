r"""Activation functions φ and their derivatives, by name or callable.

Each built-in activation is an instance of its own class, whose docstring
holds its equations (φ(z) and φ'(z), with a = φ(z) the output);
``keras.activations.relu.equations`` prints them:

=============  ============================  ==========================================
name           class                         note
=============  ============================  ==========================================
linear         :class:`LinearActivation`     the default (``activation=None``)
sigmoid        :class:`SigmoidActivation`    logistic; saturates, φ' ≤ ¼
tanh           :class:`TanhActivation`       saturates, φ' ≤ 1
relu           :class:`ReluActivation`       dead units get no gradient
leaky_relu     :class:`LeakyReluActivation`  α = 0.2 as a string
elu            :class:`EluActivation`        α = 1
selu           :class:`SeluActivation`       self-normalizing with lecun_normal
softplus       :class:`SoftplusActivation`   smooth ReLU
softmax        :class:`SoftmaxActivation`    along the last axis
gelu           :class:`GeluActivation`       exact erf form; tanh form on request
swish, silu    :class:`SwishActivation`      ``silu`` is the same object
mish           :class:`MishActivation`
=============  ============================  ==========================================

GELU, Swish and Mish (the third edition's newer activations) are smooth
ReLU-like curves that dip slightly below zero for negative z and come back
to 0; one output a then comes from two inputs, so their derivative is
computed from the pre-activation z, which a layer keeps for the backward
pass only for these.

``silu`` is the same function as ``swish`` (Keras 3 saves it as ``"silu"``,
tf.keras 2 as ``"swish"``; nnlite saves ``"swish"`` and reads both).
Keras has no GELU, Swish or Mish layer class; ``keras.layers.Activation("gelu")``
is the layer form.

Every function works on NumPy arrays (``nnlite.activations.relu(x)``) and
knows its derivative, so layers can back-propagate through it.  A user
function works too; give it a ``derivative(z)`` attribute to train with it
(and an ``equation`` string, shown by ``.equations``).
An activation layer works as well, as in tf.keras:
``Dense(50, activation=keras.layers.LeakyReLU(alpha=0.2))`` uses the fused
``leaky_relu`` kernel with α = 0.2 (also ``ELU``, ``ReLU`` and ``Softmax``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping

import numpy as np

from . import _kernels as kernels
from ._kernels.reference.activations import SELU_ALPHA, SELU_SCALE, needs_z
from .equations import Equations
from .object_registry import ObjectRegistry

__all__ = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus",
           "softmax", "gelu", "swish", "silu", "mish", "get", "serialize", "deserialize",
           "SELU_ALPHA", "SELU_SCALE"]


class KernelActivation:
    """An activation computed by the ``activation_forward/backward`` kernels.

    Each built-in activation is an instance of a subclass whose docstring
    states its equations (``z`` the pre-activation, ``a = φ(z)`` the output,
    δ = ∂L/∂a the gradient arriving from above).
    """

    uses_kernel = True
    equations = Equations()  # φ and φ', read from the class docstring

    def __init__(self, name: str, kernel: str | None = None, alpha: float = 0.0):
        self.__name__ = name
        self.kernel = kernel or name
        self.alpha = float(alpha)

    @property
    def needs_z(self) -> bool:
        """True when φ' is computed from the pre-activation z (gelu, swish, mish), so a
        layer must keep z for its backward pass; the others need only the output a."""
        return needs_z(self.kernel)

    def __call__(self, x, alpha: float | None = None, **kwargs) -> np.ndarray:
        x = as_float_array(x)
        a = self.alpha if alpha is None else float(alpha)
        alpha = kwargs.get("negative_slope", a)
        return kernels.activation_forward(x, self.kernel, alpha)

    def backward(self, a: np.ndarray, delta: np.ndarray, z: np.ndarray | None = None
                 ) -> np.ndarray:
        """δ ⊙ φ'(z), computed from the output a = φ(z) (from z itself for gelu, swish
        and mish: pass ``z``)."""
        return kernels.activation_backward(a, delta, self.kernel, self.alpha, z=z)

    def with_alpha(self, alpha: float) -> KernelActivation:
        """The same activation with another α (leaky_relu slope, elu scale)."""
        clone = copy.copy(self)
        clone.alpha = float(alpha)
        return clone

    def __repr__(self) -> str:
        return f"<activation {self.__name__}>"


class LinearActivation(KernelActivation):
    r"""The identity: the output of a layer without activation.

    Equations
    ---------
    .. math:: \varphi(z) = z, \qquad \varphi'(z) = 1
    """


class SigmoidActivation(KernelActivation):
    r"""The logistic function σ (시그모이드), squashing z into (0, 1).

    Equations
    ---------
    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad
              \sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr) = a(1 - a) \le \tfrac14

    It saturates (σ' → 0) for large :math:`|z|`: a reason for vanishing gradients.
    """


class TanhActivation(KernelActivation):
    r"""The hyperbolic tangent (하이퍼볼릭 탄젠트), output in (−1, 1), centred on 0.

    Equations
    ---------
    .. math:: \tanh z = \frac{e^z - e^{-z}}{e^z + e^{-z}}, \qquad
              \tanh'(z) = 1 - \tanh^2 z = 1 - a^2 \le 1

    It saturates for large :math:`|z|`.
    """


class ReluActivation(KernelActivation):
    r"""The rectified linear unit.

    Equations
    ---------
    .. math:: \mathrm{ReLU}(z) = \max(0, z), \qquad
              \mathrm{ReLU}'(z) = \mathbb 1[z > 0] = \mathbb 1[a > 0]

    A unit whose z stays negative gets no gradient (a *dead* ReLU).
    """


class LeakyReluActivation(KernelActivation):
    r"""A ReLU with a small slope α for negative inputs.

    Equations
    ---------
    .. math:: \mathrm{LeakyReLU}_\alpha(z) = \max(\alpha z, z), \qquad
              \varphi'(z) = \begin{cases} 1 & a > 0 \\ \alpha & a \le 0 \end{cases}

    α = 0.2 for the string ``"leaky_relu"`` (Keras' function default);
    the :class:`~nnlite.layers.LeakyReLU` layer defaults to α = 0.3.
    """


class EluActivation(KernelActivation):
    r"""The exponential linear unit, α = 1 for the string ``"elu"``.

    Equations
    ---------
    .. math:: \mathrm{ELU}_\alpha(z) = \begin{cases} z & z > 0 \\
              \alpha(e^z - 1) & z \le 0 \end{cases}, \qquad
              \varphi'(z) = \begin{cases} 1 & a > 0 \\ \alpha e^z = a + \alpha & a \le 0
              \end{cases}
    """


class SeluActivation(KernelActivation):
    r"""The scaled ELU (Klambauer et al. 2017): self-normalizing with lecun_normal init.

    Equations
    ---------
    .. math:: \mathrm{SELU}(z) = \lambda\,\mathrm{ELU}_{\alpha}(z), \qquad
              \varphi'(z) = \begin{cases} \lambda & a > 0 \\ a + \lambda\alpha & a \le 0
              \end{cases}

    with λ ≈ 1.0507 (``SELU_SCALE``) and α ≈ 1.6733 (``SELU_ALPHA``), the
    exact constants Keras uses.  A stack of plain dense layers keeps its
    outputs at mean 0 and variance 1.
    """


class SoftplusActivation(KernelActivation):
    r"""A smooth ReLU.

    Equations
    ---------
    .. math:: \mathrm{softplus}(z) = \log(1 + e^z), \qquad
              \mathrm{softplus}'(z) = \sigma(z) = 1 - e^{-a}
    """


class SoftmaxActivation(KernelActivation):
    r"""Class probabilities p along the last axis.

    Equations
    ---------
    .. math:: p_k = \frac{e^{z_k}}{\sum_j e^{z_j}}, \qquad
              \frac{\partial p}{\partial z} = \mathrm{diag}(p) - p\,p^\top,

    so the backward pass is the product
    :math:`\frac{\partial L}{\partial z} = p \odot \bigl(\delta - \sum_k \delta_k p_k\bigr)`
    (with a cross-entropy loss the two fuse into :math:`p - y`).
    """


class GeluActivation(KernelActivation):
    r"""GELU, the Gaussian error linear unit (Hendrycks & Gimpel 2016).

    Equations
    ---------
    Exact form, Keras' default (``approximate=False``), with Φ the standard
    normal CDF:

    .. math:: \mathrm{GELU}(z) = z\,\Phi(z) = \tfrac12 z\bigl(1 + \mathrm{erf}(z/\sqrt2)\bigr),
              \qquad \mathrm{GELU}'(z) = \Phi(z) + z\,\frac{e^{-z^2/2}}{\sqrt{2\pi}}

    The tanh approximation (``approximate=True``):

    .. math:: \mathrm{GELU}_{\tanh}(z) = \tfrac12 z\,(1 + u), \quad
              u = \tanh\bigl(\sqrt{2/\pi}\,(z + 0.044715\,z^3)\bigr), \qquad
              \mathrm{GELU}_{\tanh}'(z) = \tfrac12(1 + u)
              + \tfrac12 z\,(1 - u^2)\sqrt{2/\pi}\,(1 + 3\cdot0.044715\,z^2)

    φ' is computed from z.  ``gelu(x, approximate=False)`` as in Keras; as a
    layer's ``activation=``, ``"gelu"`` is the exact form and
    ``gelu.with_approximate(True)`` the tanh one.
    """

    def __init__(self, approximate: bool = False):
        self.approximate = check_approximate(approximate)
        super().__init__("gelu", "gelu_approximate" if self.approximate else "gelu")

    def __call__(self, x, approximate: bool | None = None) -> np.ndarray:
        exact = not (self.approximate if approximate is None else check_approximate(approximate))
        return kernels.activation_forward(as_float_array(x), "gelu" if exact else
                                          "gelu_approximate")

    def with_approximate(self, approximate: bool = True) -> GeluActivation:
        """GELU in the tanh form (``True``) or the exact erf form (``False``)."""
        return GeluActivation(approximate)


class SwishActivation(KernelActivation):
    r"""Swish (Ramachandran et al. 2017), also called SiLU.

    Equations
    ---------
    .. math:: \mathrm{swish}(z) = z\,\sigma(z), \qquad
              \mathrm{swish}'(z) = \sigma(z)\bigl(1 + z\,(1 - \sigma(z))\bigr)

    φ' is computed from z.
    """


class MishActivation(KernelActivation):
    r"""Mish (Misra 2019).

    Equations
    ---------
    .. math:: \mathrm{mish}(z) = z\tanh(\mathrm{softplus}(z)), \qquad
              \mathrm{mish}'(z) = t + z\,\sigma(z)\,(1 - t^2),\quad
              t = \tanh(\mathrm{softplus}(z))

    φ' is computed from z.
    """


def check_approximate(approximate) -> bool:
    """``approximate`` must be True or False (NumPy bools too)."""
    if not isinstance(approximate, (bool, np.bool_)):
        raise TypeError(f"gelu: approximate must be True or False, got {approximate!r}")
    return bool(approximate)


def as_float_array(x) -> np.ndarray:
    """x as a NumPy array; integers and booleans become float32."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float32)


class CustomActivation:
    """Wraps a user function ``f(z)``; training needs ``f.derivative(z)``."""

    uses_kernel = False
    equations = Equations()

    def __init__(self, fn: Callable):
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", type(fn).__name__)
        self.equation = getattr(fn, "equation", "")

    def __call__(self, x, **kwargs) -> np.ndarray:
        return np.asarray(self.fn(x, **kwargs))

    def backward_from_z(self, z: np.ndarray, delta: np.ndarray) -> np.ndarray:
        derivative = getattr(self.fn, "derivative", None)
        if derivative is None:
            raise TypeError(
                f"activation {self.__name__!r} has no derivative: give the function a "
                "`derivative(z)` attribute (f.derivative = lambda z: ...) or use a "
                "built-in activation name"
            )
        return delta * np.asarray(derivative(z))


linear = LinearActivation("linear")
sigmoid = SigmoidActivation("sigmoid")
tanh = TanhActivation("tanh")
relu = ReluActivation("relu")
leaky_relu = LeakyReluActivation("leaky_relu", alpha=0.2)
elu = EluActivation("elu", alpha=1.0)
selu = SeluActivation("selu")
softplus = SoftplusActivation("softplus")
softmax = SoftmaxActivation("softmax")
gelu = GeluActivation()
swish = SwishActivation("swish")
silu = swish  # Keras 3's name for the same function
mish = MishActivation("mish")

#: the names that take an α suffix ("leaky_relu:0.3"), with their default α
_WITH_ALPHA = {"leaky_relu": leaky_relu, "elu": elu}


class _ActivationRegistry(ObjectRegistry):
    """Keras' activations: a name stands for a shared function (``"relu"`` -> ``relu``),
    None is ``linear``, and a saved activation is a plain string."""

    def get(self, identifier) -> KernelActivation | CustomActivation:
        if isinstance(identifier, Mapping):  # saved activations are strings, never configs
            raise TypeError(f"Could not interpret activation {identifier!r}")
        return super().get(linear if identifier is None else identifier)

    def from_string(self, name: str) -> KernelActivation | CustomActivation:
        key = name.lower()
        base, _, alpha = key.partition(":")  # "leaky_relu:0.3", as serialize() writes it
        if alpha and base in _WITH_ALPHA:
            return _WITH_ALPHA[base].with_alpha(float(alpha))
        if key == "gelu:approximate":  # GELU's tanh form, as serialize() writes it
            return gelu.with_approximate(True)
        return super().from_string(name)

    def from_other(self, identifier) -> KernelActivation | CustomActivation:
        as_activation = getattr(identifier, "as_activation", None)
        if as_activation is not None:  # LeakyReLU(alpha=0.2), ELU(), ReLU(), Softmax() layers
            return as_activation()
        from .layers.base import Layer  # lazy: the layers import this module

        if isinstance(identifier, Layer):
            raise ValueError(
                f"{type(identifier).__name__} layer {identifier.name!r} cannot be used as an "
                "`activation=` argument; add it as its own layer right after the layer "
                f"instead, e.g. Dense(10), {type(identifier).__name__}(...)")
        if hasattr(identifier, "kernel") and hasattr(identifier, "backward"):
            return identifier
        return super().from_other(identifier)

    def serialize(self, activation) -> str:
        act = self.get(activation)
        if isinstance(act, KernelActivation) and act.kernel in _WITH_ALPHA and \
                act.alpha != _WITH_ALPHA[act.kernel].alpha:
            return f"{act.__name__}:{act.alpha!r}"
        if isinstance(act, GeluActivation) and act.approximate:
            return "gelu:approximate"
        return act.__name__


ACTIVATIONS = _ActivationRegistry(
    "activation", (KernelActivation, CustomActivation),
    names={**{f.__name__: f for f in (linear, sigmoid, tanh, relu, leaky_relu, elu, selu,
                                      softplus, softmax, gelu, swish, mish)}, "silu": silu},
    wrap_function=CustomActivation)


def register(fn: Callable, name: str | None = None) -> Callable:
    """Register a user activation so it can be found by name (and loaded)."""
    ACTIVATIONS.register(fn, name or fn.__name__)
    return fn


def get(identifier) -> KernelActivation | CustomActivation:
    """Resolve ``None`` (linear), a name (``"relu"``, ``"leaky_relu:0.3"``), an activation
    layer (``LeakyReLU(alpha=0.2)``) or a callable to an activation."""
    return ACTIVATIONS.get(identifier)


def serialize(activation) -> str:
    """The name an activation is saved under (``"leaky_relu:0.3"`` for another α)."""
    return ACTIVATIONS.serialize(activation)


def deserialize(name: str, custom_objects: dict | None = None):
    """Inverse of :func:`serialize` (``custom_objects`` maps user names)."""
    return ACTIVATIONS.deserialize(name, custom_objects)
