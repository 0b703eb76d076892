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
# # Exercise 5. Inverted dropout (드롭아웃)
#
# While training, **dropout (드롭아웃)** zeroes each input with probability
# p = `rate`; to keep the expected output equal to the input, Keras uses
# *inverted* dropout: the kept inputs are scaled by 1/(1 − p) during
# training, so nothing changes at inference.  You write the forward and
# backward kernels.
#
# The random part is given: nnlite draws its masks from a counter-based
# generator (a hash of the seed, the training step and the element's index)
# so that every backend draws the *same* mask bit for bit.  You call the
# provided `dropout_mask(shape, seed, step, rate)` and write the rest.

# %%
import numpy as np  # noqa: F401  (your code will use it)
from exercise_utils import book_mlp, show_equations, train_with_kernels

import nnlite as keras
from nnlite._kernels.reference.dropout import dropout_mask  # the provided keep mask

keras.utils.set_random_seed(42)

# %% [markdown]
# ## The equations
#
# From `Dropout`'s docstring (r is the keep mask `dropout_mask` returns):

# %%
show_equations(keras.layers.Dropout)
print(dropout_mask((2, 8), seed=42, step=0, rate=0.25).astype(int))

# %% [markdown]
# ## Your code
#
# Signatures as in `nnlite/_kernels/reference/dropout.py`.
# `dropout_forward` returns `(y, keep)`; `mask_shape`, when given, is the
# shape of the mask to draw (Keras' `noise_shape`: it broadcasts against x);
# `out`/`mask_out`, when given, are arrays to write y / the mask into.
# `dropout_backward` gets the mask the forward pass returned.

# %% tags=["learner"]
def dropout_forward(x, seed, step, rate, out=None, *, mask_shape=None, mask_out=None):
    """Inverted dropout while training: returns (y, keep)."""
    # keep = dropout_mask(x.shape if mask_shape is None else mask_shape, seed, step, rate)
    # y = x · keep / (1 − rate), in x's dtype
    # if mask_out is not None: mask_out[...] = keep; keep = mask_out   (same for out and y)
    raise NotImplementedError("dropout_forward is not implemented yet")


def dropout_backward(dy, mask, rate, out=None):
    """∂L/∂x for dy = ∂L/∂y and the forward pass's keep mask."""
    # the same scaling as the forward pass, applied to dy
    raise NotImplementedError("dropout_backward is not implemented yet")


# %% [markdown]
# ## Check it

# %% tags=["check"]
report = keras.check_kernels({"dropout_forward": dropout_forward,
                              "dropout_backward": dropout_backward})

# %% [markdown]
# ## Train the book's model with it
#
# A `Dropout(0.2)` layer after each hidden layer of the book's MLP.

# %%
report.raise_if_failed()
model = book_mlp(input_shape=(28, 28), between=[lambda: keras.layers.Dropout(0.2)])
history = train_with_kernels(
    {"dropout_forward": dropout_forward, "dropout_backward": dropout_backward}, model,
    optimizer=keras.optimizers.SGD(learning_rate=0.05))

# %% [markdown]
# **Without 1/(1 − p)** the network would see activations 20 % weaker
# while training than at test time, and its predictions would be off at
# inference; the original paper scaled the weights at test time instead.
