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
# # Exercise 7. Adam (아담 최적화)
#
# **Adam** combines momentum (a decaying mean m of the gradients) with
# RMSProp (a decaying mean s of their squares) and corrects both for
# starting at zero — the **bias correction (편향 보정)**.  You write the
# update kernel `adam_update`, in place like every optimizer kernel.

# %%
import numpy as np  # noqa: F401  (your code will use it)
from exercise_utils import book_mlp, show_equations, train_with_kernels

import nnlite as keras

keras.utils.set_random_seed(42)

# %% [markdown]
# ## The equations
#
# From `Adam`'s docstring: the book's form, and the folded form Keras (and
# the reference kernel) computes.  Write the folded one: the two differ in
# where ε sits, and in the first steps, with small gradients, that
# difference is larger than the check's tolerance.

# %%
show_equations(keras.optimizers.Adam)

# %% [markdown]
# ## Your code
#
# `m` and `v` (the book's s) are the optimizer's state, updated in place
# like `param`; `t` = 1, 2, … is the step number (for the bias correction).
# `vhat` is AMSGrad's running maximum of v, given only with `amsgrad=True`:
# not part of this exercise — the `NotImplementedError` makes the check skip
# that case.

# %% tags=["learner"]
def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None):
    """One Adam step, in place."""
    if vhat is not None:
        raise NotImplementedError("AMSGrad (vhat) is not part of this exercise")
    # m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²      (in place: m[...] = ..., or *= and +=)
    # both bias corrections folded into one number: α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)
    # param ← param − α·m/(√v + ε)                       (in place)
    raise NotImplementedError("adam_update is not implemented yet")


# %% [markdown]
# ## Check it

# %% tags=["check"]
report = keras.check_kernels({"adam_update": adam_update})

# %% [markdown]
# ## Train the book's model with it

# %%
report.raise_if_failed()
model = book_mlp(input_shape=(28, 28))
history = train_with_kernels(
    {"adam_update": adam_update}, model,
    optimizer=keras.optimizers.Adam(learning_rate=1e-3))

# %% [markdown]
# **Bias correction** matters in the first steps only: at t = 1, m = 0.1 g,
# and without the correction the first steps would be ten times too small.
