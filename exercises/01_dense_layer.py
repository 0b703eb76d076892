# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exercise 1. A dense layer, forward and backward (완전 연결 층)
#
# You write the **dense layer (밀집 층)** of the book's MLP yourself, as a
# `keras.layers.Layer` subclass: `forward` computes the affine map, `backward`
# turns the gradient δ that arrives from above into the gradients of the
# weights and of the input — **backpropagation (역전파)** for one layer.
# nnlite checks your layer against a numerical gradient, then trains the
# book's 784-300-100-10 classifier built from it.

# %%
from exercise_utils import book_mlp, show_equations, train_book_model

import nnlite as keras

keras.utils.set_random_seed(42)

# %% [markdown]
# ## The equations
#
# They live in `Dense`'s docstring (your layer has no activation: φ is the
# identity, so g = δ; the model adds the activations as separate layers):

# %%
show_equations(keras.layers.Dense)

# %% [markdown]
# ## Your code
#
# `build`, the shapes and the config (for saving) are written for you.
# `forward` must keep in `self._cache` what `backward` needs; `backward`
# writes the weight gradients **into** `self.kernel.grad` and
# `self.bias.grad` (arrays of the weights' shapes, read by the optimizer)
# and returns ∂L/∂x.

# %% tags=["learner"]
class MyDense(keras.layers.Layer):
    """z = xW + b for a batch x of shape (n, d_in); no activation."""

    def __init__(self, units: int, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), "glorot_uniform")
        self.bias = self.add_weight("bias", (self.units,), "zeros")

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units}

    def forward(self, x, training=False):
        # W = self.kernel.value (d_in, units), b = self.bias.value (units,)
        # keep x for backward: self._cache = x
        raise NotImplementedError("MyDense.forward is not implemented yet: "
                                  "return x @ W + b and keep x in self._cache")

    def backward(self, grad_output):
        # grad_output is δ = ∂L/∂z, shape (n, units)
        # ∂L/∂W: (d_in, units), summed over the batch    -> self.kernel.grad[...] = ...
        # ∂L/∂b: (units,), summed over the batch         -> self.bias.grad[...] = ...
        # return ∂L/∂x, shape (n, d_in)
        raise NotImplementedError("MyDense.backward is not implemented yet: "
                                  "write kernel.grad and bias.grad, return dL/dx")


# %% [markdown]
# ## Check it
#
# `check_layer` builds your layer on a small batch and checks the output
# shape, the gradients `backward` gives (∂L/∂x, and what it writes into
# `kernel.grad` and `bias.grad`) against centred finite differences, the
# config, saving the weights, and one training step.

# %% tags=["check"]
report = keras.check_layer(MyDense, input_shape=(4, 5), units=3)

# %% [markdown]
# ## Train the book's model with it
#
# Flatten → MyDense(300) → ReLU → MyDense(100) → ReLU → MyDense(10) → softmax,
# plain SGD.  `NNLITE_TUTORIAL_QUICK=1` trains one epoch on 512 images.

# %%
report.raise_if_failed()
model = book_mlp(input_shape=(28, 28), dense=MyDense)
history = train_book_model(model, optimizer=keras.optimizers.SGD(learning_rate=0.05))

# %% [markdown]
# **What you wrote** is what `nnlite/layers/dense.py` does (there the
# activation is fused into the same kernel call, `dense_backward`).
