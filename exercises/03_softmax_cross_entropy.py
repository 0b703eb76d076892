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
# # Exercise 3. Softmax and cross-entropy: the gradient p − y (소프트맥스와 크로스 엔트로피)
#
# The output layer of a classifier gives logits z; **softmax (소프트맥스)**
# turns them into probabilities p, and the **cross-entropy (크로스 엔트로피)**
# loss is −log p_y.  Written together, the gradient with respect to z is
# simply p − y — one of the nicest results in the book.  You write the
# fused kernel `softmax_xent_sparse`: the loss per sample and that gradient,
# numerically stable.

# %%
import numpy as np  # noqa: F401  (your code will use it)
from exercise_utils import book_mlp, show_equations, train_with_kernels

import nnlite as keras

keras.utils.set_random_seed(42)

# %% [markdown]
# ## The equations
#
# From the docstrings of the softmax activation and of the loss:

# %%
show_equations(keras.activations.softmax)
show_equations(keras.losses.SparseCategoricalCrossentropy)

# %% [markdown]
# ## Your code
#
# `z` has shape (n, k) (logits), `y` shape (n,) (integer labels); `scale` is
# what the gradient is multiplied by — the model passes 1/n, the mean over
# the batch.  Return `(loss, grad)`: one loss per sample (shape (n,)) and
# `scale · ∂loss/∂z` (shape (n, k)).  A sequence of predictions has more
# axes, z (..., k) and y (...): work on `z.reshape(-1, k)` and
# `y.reshape(-1)`, then give the results the shapes of y and z back.
#
# Stability: e^z overflows for z ≈ 89 in float32.  Subtracting each row's
# maximum changes neither p nor the loss: log Σ e^{z_j} = m + log Σ e^{z_j − m}.

# %% tags=["learner"]
def softmax_xent_sparse(z, y, scale):
    """Sparse softmax cross-entropy from logits z (..., k) and labels y (...)."""
    # as rows: z2 = z.reshape(-1, k), y2 = y.reshape(-1);  rows = np.arange(len(y2))
    # m = z2.max(axis=1, keepdims=True);  log-sum-exp per row: m + log Σ e^{z2 − m}
    # loss = logsumexp − z2[rows, y2]          (one value per sample: no mean here)
    # p = e^{z2 − m} / Σ e^{z2 − m};  grad = (p − onehot(y2)) · scale
    raise NotImplementedError("softmax_xent_sparse is not implemented yet: "
                              "return (loss per sample, scale * (p - onehot(y)))")


# %% [markdown]
# ## Check it

# %% tags=["check"]
report = keras.check_kernels({"softmax_xent_sparse": softmax_xent_sparse})

# %% [markdown]
# ## Train the book's model with it
#
# The output layer stays linear and the loss takes logits
# (`from_logits=True`), so each training step calls your kernel once.

# %%
report.raise_if_failed()
model = book_mlp(input_shape=(28, 28), output="linear")
history = train_with_kernels(
    {"softmax_xent_sparse": softmax_xent_sparse}, model,
    optimizer=keras.optimizers.SGD(learning_rate=0.05),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))

# %% [markdown]
# **Why p − y?** The softmax's Jacobian and the derivative of −log p_y
# cancel into one subtraction; that is why nnlite (like every framework)
# fuses the two instead of back-propagating through the softmax.
