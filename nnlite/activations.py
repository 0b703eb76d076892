r"""Activation functions φ and their derivatives, by name or callable.

=============  ==========================================  =============================
name           φ(z)                                        φ'(z) written with a = φ(z)
=============  ==========================================  =============================
linear         z                                           1
sigmoid        σ(z) = 1 / (1 + e^{−z})                     a(1 − a)
tanh           tanh z                                      1 − a²
relu           max(0, z)                                   1[a > 0]
leaky_relu     z if z > 0 else αz   (α = 0.2 as a string)  1 if a > 0 else α
elu            z if z > 0 else α(e^z − 1)   (α = 1)        1 if a > 0 else a + α
selu           λ·elu_{α_s}(z), λ ≈ 1.0507, α_s ≈ 1.6733    λ if a > 0 else a + λα_s
softplus       log(1 + e^z)                                1 − e^{−a}
softmax        e^{z_i} / Σ_j e^{z_j}                       Jacobian diag(a) − aaᵀ
gelu           z·Φ(z)   (Φ: standard normal CDF)           from z: Φ(z) + z·N(z)
swish, silu    z·σ(z)                                      from z: σ(z)(1 + z(1 − σ(z)))
mish           z·tanh(softplus(z))                         from z: t + zσ(z)(1 − t²)
=============  ==========================================  =============================

GELU, Swish and Mish (the third edition's newer activations) are smooth
ReLU-like curves that dip slightly below zero for negative z and come back
to 0; one output a then comes from two inputs, so their derivative is
computed from the pre-activation z, which a layer keeps for the backward
pass only for these.  With N(z) = e^{−z²/2}/√(2π) the standard normal
density, σ the sigmoid and t = tanh(softplus(z)):

.. math:: \mathrm{GELU}(z) = z\,\Phi(z) = \tfrac12 z\big(1 + \mathrm{erf}(z/\sqrt2)\big),
          \qquad \mathrm{GELU}'(z) = \Phi(z) + z\,\frac{e^{-z^2/2}}{\sqrt{2\pi}}

Keras' default is this exact form (``approximate=False``);
``gelu(x, approximate=True)`` is the tanh approximation
(``gelu.with_approximate(True)`` as a layer's ``activation=``):

.. math:: \mathrm{GELU}_{\tanh}(z) = \tfrac12 z\big(1 + u\big),\
          u = \tanh\big(\sqrt{2/\pi}\,(z + 0.044715\,z^3)\big), \qquad
          \mathrm{GELU}_{\tanh}'(z) = \tfrac12(1 + u)
          + \tfrac12 z\,(1 - u^2)\sqrt{2/\pi}\,(1 + 3\cdot0.044715\,z^2)

.. math:: \mathrm{swish}(z) = z\,\sigma(z), \qquad
          \mathrm{swish}'(z) = \sigma(z)\big(1 + z\,(1 - \sigma(z))\big)

.. math:: \mathrm{mish}(z) = z\tanh(\mathrm{softplus}(z)), \qquad
          \mathrm{mish}'(z) = t + z\,\sigma(z)\,(1 - t^2)

``silu`` is the same function as ``swish`` (Keras 3 saves it as ``"silu"``,
tf.keras 2 as ``"swish"``; nnlite saves ``"swish"`` and reads both).
Keras has no GELU, Swish or Mish layer class; ``keras.layers.Activation("gelu")``
is the layer form.

Every function works on NumPy arrays (``nnlite.activations.relu(x)``) and
knows its derivative, so layers can back-propagate through it.  A user
function works too; give it a ``derivative(z)`` attribute to train with it.
An activation layer works as well, as in tf.keras:
``Dense(50, activation=keras.layers.LeakyReLU(alpha=0.2))`` uses the fused
``leaky_relu`` kernel with α = 0.2 (also ``ELU``, ``ReLU`` and ``Softmax``).
"""

from __future__ import annotations

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
    """An activation computed by the ``activation_forward/backward`` kernels."""

    uses_kernel = True
    equations = Equations()  # φ and φ', from nnlite.equations

    def __init__(self, name: str, kernel: str | None = None, alpha: float = 0.0,
                 equation: str = ""):
        self.__name__ = name
        self.kernel = kernel or name
        self.alpha = float(alpha)
        self.equation = equation

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
        return KernelActivation(self.__name__, self.kernel, alpha, self.equation)

    def __repr__(self) -> str:
        return f"<activation {self.__name__}>"


class GeluActivation(KernelActivation):
    r"""GELU, the Gaussian error linear unit (Hendrycks & Gimpel 2016).

    .. math:: \mathrm{GELU}(z) = z\,\Phi(z), \qquad
              \mathrm{GELU}'(z) = \Phi(z) + z\,\frac{e^{-z^2/2}}{\sqrt{2\pi}}

    ``gelu(x, approximate=False)`` as in Keras (default: the exact erf form);
    ``approximate=True`` is the tanh form
    ½z(1 + tanh(√(2/π)(z + 0.044715z³))).  As a layer's ``activation=``,
    ``"gelu"`` is the exact form and ``gelu.with_approximate(True)`` the tanh one.
    """

    def __init__(self, approximate: bool = False):
        self.approximate = check_approximate(approximate)
        super().__init__("gelu", "gelu_approximate" if self.approximate else "gelu",
                         equation=_GELU_TANH_EQUATION if self.approximate else _GELU_EQUATION)

    def __call__(self, x, approximate: bool | None = None) -> np.ndarray:
        exact = not (self.approximate if approximate is None else check_approximate(approximate))
        return kernels.activation_forward(as_float_array(x), "gelu" if exact else
                                          "gelu_approximate")

    def with_approximate(self, approximate: bool = True) -> GeluActivation:
        """GELU in the tanh form (``True``) or the exact erf form (``False``)."""
        return GeluActivation(approximate)


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


linear = KernelActivation("linear", equation=r"\varphi(z) = z")
sigmoid = KernelActivation("sigmoid", equation=r"\sigma(z) = \frac{1}{1+e^{-z}}")
tanh = KernelActivation("tanh", equation=r"\tanh z = \frac{e^z - e^{-z}}{e^z + e^{-z}}")
relu = KernelActivation("relu", equation=r"\mathrm{ReLU}(z) = \max(0, z)")
leaky_relu = KernelActivation("leaky_relu", alpha=0.2,
                              equation=r"\mathrm{LeakyReLU}_\alpha(z) = \max(\alpha z, z)")
elu = KernelActivation("elu", alpha=1.0,
                       equation=r"\mathrm{ELU}_\alpha(z) = z \text{ if } z>0 "
                                r"\text{ else } \alpha(e^z - 1)")
selu = KernelActivation("selu", equation=r"\mathrm{SELU}(z) = \lambda\,\mathrm{ELU}_{\alpha}(z),"
                                         r"\ \lambda\approx1.0507,\ \alpha\approx1.6733")
softplus = KernelActivation("softplus", equation=r"\mathrm{softplus}(z) = \log(1 + e^z)")
softmax = KernelActivation("softmax", equation=r"\mathrm{softmax}(z)_i = "
                                               r"\frac{e^{z_i}}{\sum_j e^{z_j}}")
_GELU_EQUATION = r"\mathrm{GELU}(z) = z\,\Phi(z)"
_GELU_TANH_EQUATION = (r"\mathrm{GELU}_{\tanh}(z) = \tfrac12 z\big(1 + "
                       r"\tanh(\sqrt{2/\pi}\,(z + 0.044715\,z^3))\big)")
gelu = GeluActivation()
swish = KernelActivation("swish", equation=r"\mathrm{swish}(z) = z\,\sigma(z)")
silu = swish  # Keras 3's name for the same function
mish = KernelActivation("mish", equation=r"\mathrm{mish}(z) = z\tanh(\mathrm{softplus}(z))")

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
