r"""``Dense``: the fully connected layer (its equations: :class:`Dense`)."""

from __future__ import annotations

import numpy as np

from .. import _kernels as kernels
from .. import activations, constraints, initializers, regularizers
from .base import Layer


class Dense(Layer):
    r"""``units`` neurons, each connected to every input: a = φ(xW + b).

    Equations
    ---------
    Forward, for a batch x of shape (n, d_in), the kernel W (d_in, units) and
    the bias b:

    .. math:: z = xW + b, \qquad a = \varphi(z)

    Backward, for δ = ∂L/∂a (φ' read from a, or from z for GELU, Swish and
    Mish, whose z is then kept from the forward pass):

    .. math:: g = \delta \odot \varphi'(z),\quad \frac{\partial L}{\partial W} = x^\top g,\quad
              \frac{\partial L}{\partial b} = \sum_{\text{rows}} g,\quad
              \frac{\partial L}{\partial x} = g W^\top

    Notes
    -----
    Keras defaults: ``kernel_initializer="glorot_uniform"``,
    ``bias_initializer="zeros"``, no activation (linear).  Inputs with more than
    two axes are transformed along the last axis, as in Keras.
    """

    def __init__(self, units: int, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Dense {self.name!r}: units must be a positive integer, "
                             f"got {units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self._set_weight_options("kernel", kernel_initializer, kernel_regularizer,
                                 kernel_constraint)
        self._set_weight_options("bias", bias_initializer, bias_regularizer, bias_constraint)
        self.kernel = self.bias = None

    @property
    def fused_activation(self) -> str | None:
        """This layer's φ, which a cross-entropy loss may fuse with (see ``Layer``)."""
        return getattr(self.activation, "kernel", None)

    def build(self, input_shape) -> None:
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError(f'Dense layer "{self.name}" needs inputs of shape '
                             f"(batch, ..., features) with known features, got {input_shape}")
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units),
                                      self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def check_input_shape(self, shape) -> None:
        expected = self.kernel.shape[0]
        if len(shape) < 2 or shape[-1] != expected:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected '
                f"axis -1 of input shape to have value {expected} (shape (batch, {expected}))"
                f", but received input with shape {tuple(shape)}")

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def forward(self, x, training=False):
        W, b = self.kernel.value, self.bias.value if self.use_bias else None
        lead = x.shape[:-1]
        x2 = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])
        if x2.dtype != W.dtype:
            x2 = x2.astype(W.dtype)
        act = self.activation
        if act.uses_kernel and act.needs_z:  # gelu, swish, mish: φ'(z) needs z
            z = kernels.dense_forward(x2, W, b, "linear")
            a = kernels.activation_forward(z, act.kernel, act.alpha)
            self._cache = (x2, a, z, lead)
        elif act.uses_kernel:
            a = kernels.dense_forward(x2, W, b, act.kernel, act.alpha)
            self._cache = (x2, a, None, lead)
        else:
            z = kernels.dense_forward(x2, W, b, "linear")
            a = act(z)
            self._cache = (x2, a, z, lead)
        return a if len(lead) == 1 else a.reshape(lead + (self.units,))

    def backward(self, grad_output, fused: bool = False):
        """Gradients of kernel and bias; returns ∂L/∂x (None if not needed).

        ``fused=True``: the loss is fused with φ (softmax/sigmoid +
        cross-entropy), so ``grad_output`` is already ∂L/∂z = p − y and φ'
        is skipped.
        """
        x2, a, z, lead = self._cache
        delta = grad_output if grad_output.ndim == 2 else grad_output.reshape(-1, self.units)
        act = self.activation
        kernel_act, alpha = "linear", 0.0  # δ is already ∂L/∂z unless the kernel applies φ'
        if not fused:
            if act.uses_kernel:
                kernel_act, alpha = act.kernel, act.alpha
            else:
                delta = act.backward_from_z(z, delta)
        dW, db, dx = kernels.dense_backward(
            x2, self.kernel.value, a, delta, kernel_act, alpha, self.need_input_grad,
            self.kernel.grad, self.bias.grad if self.use_bias else None,
            z=z)
        if dx is None or len(lead) == 1:
            return dx
        return dx.reshape(lead + (x2.shape[1],))

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config
