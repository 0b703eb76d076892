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
# # Exercise 2. Activation functions and their derivatives (활성화 함수와 도함수)
#
# You write two **kernels (커널)** — the functions nnlite's layers call for
# every activation: `activation_forward` computes a = φ(z), and
# `activation_backward` the gradient δ ⊙ φ' that flows back through it.
# nnlite's kernels compute φ' **from the output a** (so z need not be kept):
# that is the trick to get right.  You write ReLU, ELU and SELU; for the
# other activations your kernels raise `NotImplementedError`, and the check
# skips those cases (it lists them).

# %%
import numpy as np  # noqa: F401  (your code will use it)
from exercise_utils import book_mlp, show_equations, train_with_kernels

import nnlite as keras

keras.utils.set_random_seed(42)

# %% [markdown]
# ## The equations
#
# Each activation's class docstring holds φ and φ' — note the right-hand
# forms, written with a = φ(z):

# %%
for name in ("relu", "elu", "selu"):
    show_equations(keras.activations.get(name))

# %% [markdown]
# ## Your code
#
# The signatures are the reference's (`nnlite/_kernels/reference/activations.py`).
# `alpha` is ELU's α (1.0 for `"elu"`); SELU's constants are
# `keras.activations.SELU_SCALE` (λ) and `keras.activations.SELU_ALPHA` (α).
# When `out` is given, write the result into it and return it.

# %% tags=["learner"]
MINE = ("relu", "elu", "selu")


def activation_forward(z, act, alpha=0.0, out=None):
    """a = φ(z), elementwise."""
    if act not in MINE:
        raise NotImplementedError(f"{act!r} is not part of this exercise")
    # relu: max(0, z)         (np.maximum)
    # elu:  z for z > 0, α(e^z − 1) otherwise   (np.where; np.expm1(z) = e^z − 1, exact near 0)
    # selu: λ · ELU with SELU's own α
    # then: if out is not None, out[...] = a and return out
    raise NotImplementedError(f"activation_forward is not implemented yet for {act!r}")


def activation_backward(a, delta, act, alpha=0.0, out=None, z=None):
    """δ ⊙ φ', with φ' written in terms of the OUTPUT a = φ(z) (z is not needed here)."""
    if act not in MINE:
        raise NotImplementedError(f"{act!r} is not part of this exercise")
    # relu: φ' = 1 where a > 0, else 0
    # elu:  φ' = 1 where a > 0, else α e^z — and α e^z = a + α (read it from a!)
    # selu: φ' = λ where a > 0, else a + λα
    raise NotImplementedError(f"activation_backward is not implemented yet for {act!r}")


# %% [markdown]
# ## Check it
#
# `check_kernels` runs your kernels and the reference on the same random
# inputs (several shapes, float32 and float64) and compares the results.

# %% tags=["check"]
report = keras.check_kernels({"activation_forward": activation_forward,
                              "activation_backward": activation_backward})

# %% [markdown]
# ## Train the book's model with it
#
# `train_with_kernels` (in `exercise_utils.py`) makes your kernels a backend,
# `keras.register_backend("mine", {...})`, and trains inside `with
# keras.backend("mine"):`, where every layer that computes an activation calls
# them (here the `Activation("elu")` layers after each hidden layer; the output
# layer gives logits, so no softmax is needed).

# %%
report.raise_if_failed()
model = book_mlp(input_shape=(28, 28), activation="elu", output="linear")
history = train_with_kernels(
    {"activation_forward": activation_forward, "activation_backward": activation_backward},
    model, optimizer=keras.optimizers.SGD(learning_rate=0.05),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))

# %% [markdown]
# **Why from a?** The layer then keeps only its output for the backward
# pass.  That works because ReLU, ELU and SELU are monotonic: one a comes from
# one z.  GELU, Swish and Mish are not, so their backward needs z
# (tutorial 3, "non-monotonic").
