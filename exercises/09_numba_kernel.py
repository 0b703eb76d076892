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
# # Exercise 9. A compiled kernel with Numba (Numba로 컴파일한 커널)
#
# For kernel learners.  Adam reads four arrays and writes three: it is
# **memory-bound (메모리 대역폭 제한)** — its speed is the speed at which the
# arrays stream through memory.  The NumPy version of exercise 7 makes a
# pass over memory per operation (with temporary arrays); a loop compiled by
# Numba's **JIT (실시간 컴파일)** makes one.  You write that loop with
# `@njit`, plug it in as a backend, and time it against the reference.

# %%
import numpy as np  # noqa: F401  (your code will use it)
from exercise_utils import book_mlp, pick, show_equations, train_with_kernels
from numba import njit

import nnlite as keras
from nnlite import bench
from nnlite._kernels import reference  # the specification (NumPy)

keras.utils.set_random_seed(42)

# %% [markdown]
# ## The equations
#
# Adam's, as in exercise 7: the loop computes the folded form (one α per
# step, computed outside the loop).

# %%
show_equations(keras.optimizers.Adam)

# %% [markdown]
# ## Your code
#
# `adam_loop` gets flat (1-D) arrays and updates each element in turn — plain
# Python syntax that Numba compiles on its first call.  `adam_update` has the
# reference's signature: it computes α, flattens the arrays with
# `reshape(-1)` (a *view* of a contiguous array, so writes reach the caller's
# array; `flatten()` would copy) and calls the loop.

# %% tags=["learner"]
@njit
def adam_loop(p, g, m, v, alpha, beta1, beta2, eps):
    """The Adam update of every element of the flat arrays, in place."""
    # for i in range(p.size):
    #     m[i] ← β₁ m[i] + (1 − β₁) g[i];   v[i] ← β₂ v[i] + (1 − β₂) g[i]²
    #     p[i] ← p[i] − α m[i] / (√v[i] + ε)          (np.sqrt works on numbers too)
    raise NotImplementedError("adam_loop is not implemented yet")


def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None):
    """One Adam step, in place, by the compiled loop."""
    if vhat is not None:
        raise NotImplementedError("AMSGrad (vhat) is not part of this exercise")
    # alpha = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ), then
    # adam_loop(param.reshape(-1), grad.reshape(-1), m.reshape(-1), v.reshape(-1), alpha, ...)
    raise NotImplementedError("adam_update is not implemented yet")


# %% [markdown]
# ## Check it
#
# The first call compiles the loop (a second or two).

# %% tags=["check"]
report = keras.check_kernels({"adam_update": adam_update})

# %% [markdown]
# ## How fast?
#
# One step on as many weights as the book's model has (266,610), your
# loop against the NumPy reference:

# %%
report.raise_if_failed()
n = 266_610
rng = np.random.default_rng(0)
arrays = {name: [rng.standard_normal(n).astype(np.float32) * 0.01 for _ in range(2)]
          + [np.zeros(n, np.float32), np.zeros(n, np.float32)]
          for name in ("reference", "mine")}
kernels = {"reference": reference.adam_update, "mine": adam_update}
for name, kernel in kernels.items():
    args = arrays[name]
    seconds = bench.median_time(lambda k=kernel, a=args: k(*a, 1e-3, 0.9, 0.999, 1e-7, 10),
                                min_repeats=3, budget_s=pick(0.05, 0.5), warmup=1)
    print(f"{name:10s} {seconds * 1e6:8.0f} µs per step")

# %% [markdown]
# ## Train the book's model with it

# %%
model = book_mlp(input_shape=(28, 28))
history = train_with_kernels(
    {"adam_update": adam_update}, model,
    optimizer=keras.optimizers.Adam(learning_rate=1e-3))

# %% [markdown]
# nnlite's own Numba kernel (`nnlite/_kernels/numba_cpu/optimizers.py`) is
# the same loop with `prange` (the elements split over CPU threads) and
# subnormal numbers flushed to zero; tutorial 9 times it with the others.
