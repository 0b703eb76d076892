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
# # Exercise 8. Gradient clipping by the global norm (그레이디언트 클리핑)
#
# When gradients explode, **gradient clipping (그레이디언트 클리핑)** caps
# them before the optimizer's step.  Keras' `global_clipnorm=c` looks at the
# gradients of *all* the weights as one long vector: when its norm exceeds
# c, every gradient is scaled by the same factor, so the direction of the
# step is kept.  You write the two kernels it uses: `global_norm` and
# `scale_` (in place, as the trailing underscore says).

# %%
from exercise_utils import book_mlp, show_equations, train_with_kernels

import nnlite as keras

keras.utils.set_random_seed(42)

# %% [markdown]
# ## The equations
#
# In the `Optimizer` base class's docstring (the third line is
# `global_clipnorm`; compare it with `clipnorm`, one tensor at a time):

# %%
show_equations(keras.optimizers.Optimizer)

# %% [markdown]
# ## Your code
#
# `grads` is a list of arrays of any shapes.  The optimizer calls
# `global_norm(grads)`, and when the norm exceeds c it calls
# `scale_(g, c / norm)` on each gradient.  Sum the squares in float64
# (`np.square(g, dtype=np.float64)`): float32 loses digits over millions of
# terms.

# %% tags=["learner"]
def global_norm(grads):
    """‖(g₁, g₂, …)‖₂ over all the tensors, as a Python float."""
    # the square root of the sum, over every tensor, of the sum of its squared entries
    raise NotImplementedError("global_norm is not implemented yet")


def scale_(arr, factor):
    """arr ← factor·arr, in place (returns nothing)."""
    # arr *= ... changes the caller's array; arr = arr * factor does not
    raise NotImplementedError("scale_ is not implemented yet")


# %% [markdown]
# ## Check it

# %% tags=["check"]
report = keras.check_kernels({"global_norm": global_norm, "scale_": scale_})

# %% [markdown]
# ## Train the book's model with it
#
# SGD with `global_clipnorm=1.0`: at every step the model asks your
# `global_norm` for the gradients' norm, and your `scale_` shrinks them
# when it is above 1.

# %%
report.raise_if_failed()
model = book_mlp(input_shape=(28, 28))
history = train_with_kernels(
    {"global_norm": global_norm, "scale_": scale_}, model,
    optimizer=keras.optimizers.SGD(learning_rate=0.05, global_clipnorm=1.0))

# %% [markdown]
# **Global versus per tensor:** `clipnorm` clips each weight's gradient on
# its own, which changes the direction of the whole step; `global_clipnorm`
# keeps it (tutorial 4 draws both).
