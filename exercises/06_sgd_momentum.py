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
# # Exercise 6. Gradient descent with momentum (모멘텀 최적화)
#
# **Momentum optimization (모멘텀 최적화)** keeps a velocity m per weight: a
# decaying sum of past gradients, like a ball rolling downhill that builds
# up speed.  You write the update kernel `sgd_momentum_update` — plain and
# Nesterov — which changes its arrays **in place**: the optimizer keeps
# `param` and `velocity` and reads them back at the next step.

# %%
from exercise_utils import book_mlp, show_equations, train_with_kernels

import nnlite as keras

keras.utils.set_random_seed(42)

# %% [markdown]
# ## The equations
#
# From `SGD`'s docstring (Keras' form; β = `momentum`, η = `learning_rate`):

# %%
show_equations(keras.optimizers.SGD)

# %% [markdown]
# ## Your code
#
# Returns nothing: update `param` and `velocity` in place.  `velocity *= β`
# changes the array the caller holds; `velocity = β * velocity` only binds
# a new local name to a new array, and the caller never sees it.

# %% tags=["learner"]
def sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov):
    """One momentum step, in place."""
    # velocity ← β·velocity − η·grad                 (in place: *= and -=, or velocity[...] =)
    # plain:     param ← param + velocity
    # Nesterov:  param ← param + β·velocity − η·grad
    raise NotImplementedError("sgd_momentum_update is not implemented yet")


# %% [markdown]
# ## Check it

# %% tags=["check"]
report = keras.check_kernels({"sgd_momentum_update": sgd_momentum_update})

# %% [markdown]
# ## Train the book's model with it
#
# `SGD(momentum=0.9)` calls your kernel at every step, for every weight.

# %%
report.raise_if_failed()
model = book_mlp(input_shape=(28, 28))
history = train_with_kernels(
    {"sgd_momentum_update": sgd_momentum_update}, model,
    optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9))

# %% [markdown]
# With β = 0.9 the velocity can reach 1/(1 − β) = 10 times a single step:
# momentum escapes plateaus faster than plain gradient descent (tutorial 6
# draws the trajectories).
