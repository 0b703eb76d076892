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
# # Exercise 4. Batch normalization, forward and backward (배치 정규화)
#
# **Batch normalization (배치 정규화)** standardizes each feature with the
# mean and variance of the current mini-batch, then scales by γ and shifts
# by β.  Its backward pass is the classic exercise: μ and σ² depend on every
# x_i of the batch, so ∂L/∂x_i has two extra terms besides γ δ_i/σ.
# You write the two kernels the `BatchNormalization` layer calls in training:
# `bn_forward_train` and `bn_backward`.

# %%
import numpy as np  # noqa: F401  (your code will use it)
from exercise_utils import show_equations, train_with_kernels

import nnlite as keras
from nnlite.examples import batch_norm_model

keras.utils.set_random_seed(42)

# %% [markdown]
# ## The equations
#
# From `BatchNormalization`'s docstring (ε is the layer's `epsilon`, a
# variance floor; the last line is the backward pass you write):

# %%
show_equations(keras.layers.BatchNormalization)

# %% [markdown]
# ## Your code
#
# `x` has shape (N, C): statistics per column.  Signatures as in
# `nnlite/_kernels/reference/batchnorm.py`:
#
# * `bn_forward_train` returns `(y, x̂, μ, σ², inv_std)` with
#   inv_std = 1/√(σ² + ε).  The layer calls it with `keep_xhat=False`
#   (then return `None` in place of x̂); `out`/`xhat_out`, when given, are
#   arrays to write y / x̂ into.
# * `bn_backward(dy, xhat, gamma, inv_std, mean=...)` returns
#   `(∂x, ∂γ, ∂β)`.  When `mean` is given, the second argument is the
#   *input* x and you recompute x̂ = (x − μ)·inv_std first (the layer saves
#   memory that way).  `need_dx=False`: return `None` for ∂x.

# %% tags=["learner"]
def bn_forward_train(x, gamma, beta, eps, out=None, *, xhat_out=None, keep_xhat=True):
    """Training-mode forward: (y, x̂ or None, μ, σ², 1/√(σ² + ε))."""
    # mean = x.mean(axis=0);  var = ((x − mean)**2).mean(axis=0)   (biased: divide by N)
    # inv_std = 1 / np.sqrt(var + eps);  xhat = (x − mean) * inv_std;  y = gamma * xhat + beta
    # keep the dtype of x (float32 stays float32): .astype(x.dtype)
    # if out is not None: out[...] = y; y = out   (same for xhat_out)
    raise NotImplementedError("bn_forward_train is not implemented yet")


def bn_backward(dy, xhat, gamma, inv_std, *, dx_out=None, mean=None, need_dx=True):
    """(∂x, ∂γ, ∂β) for dy = ∂L/∂y."""
    # if mean is not None: xhat = (xhat - mean) * inv_std    (the second argument was x)
    # dbeta = Σ dy over the batch;  dgamma = Σ dy·x̂ over the batch
    # dx = gamma * inv_std / N * (N*dy − dbeta − x̂*dgamma)   (None when not need_dx)
    raise NotImplementedError("bn_backward is not implemented yet")


# %% [markdown]
# ## Check it

# %% tags=["check"]
report = keras.check_kernels({"bn_forward_train": bn_forward_train,
                              "bn_backward": bn_backward})

# %% [markdown]
# ## Train the book's model with it
#
# The book's batch-norm model (`nnlite.examples.batch_norm_model`): a BN
# layer after the input and after each hidden layer — three BN layers, all
# running your kernels.

# %%
report.raise_if_failed()
model = batch_norm_model(input_shape=(28, 28))
history = train_with_kernels(
    {"bn_forward_train": bn_forward_train, "bn_backward": bn_backward}, model,
    optimizer=keras.optimizers.SGD(learning_rate=0.05))

# %% [markdown]
# **The two extra terms** − Σδ and − x̂ Σδx̂ are what the shift by μ and the
# division by σ contribute: forget them and ∂x is the plain chain rule
# through a fixed affine map — which is exactly the *inference* backward.
