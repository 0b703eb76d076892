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
# # Exercise 10. A GPU kernel with numba.cuda (GPU 커널)
#
# For kernel learners.  A GPU runs thousands of **threads (스레드)** at once;
# a `@cuda.jit` kernel is the code *one* thread runs, and each thread finds
# its elements from its index.  You write the momentum update of exercise 6
# as a GPU kernel, with a **grid-stride loop (그리드 스트라이드 루프)**: thread
# i handles elements i, i + S, i + 2S, … where S is the number of threads in
# the whole grid, so any grid size covers any array.
#
# No GPU needed: Numba's **CUDA simulator (CUDA 시뮬레이터)** runs every GPU
# thread as a Python thread.  It must be switched on *before* numba is
# imported — the first cell does it (set `NUMBA_ENABLE_CUDASIM=0` in your
# environment to use a real GPU).  The simulator is slow: small sizes only.

# %%
import os

os.environ.setdefault("NUMBA_ENABLE_CUDASIM", "1")  # before numba is imported

from exercise_utils import book_mlp, pick, show_equations, train_with_kernels
from numba import config, cuda

import nnlite as keras

SIMULATED = bool(config.ENABLE_CUDASIM)
print("running in the CUDA simulator" if SIMULATED else "running on the GPU")
keras.utils.set_random_seed(42)

# %% [markdown]
# ## The equations
#
# `SGD`'s momentum update, as in exercise 6:

# %%
show_equations(keras.optimizers.SGD)

# %% [markdown]
# ## Your code
#
# `momentum_kernel` is what each thread runs: `cuda.grid(1)` is this
# thread's index in the grid, `cuda.gridsize(1)` the number of threads in
# it.  `sgd_momentum_update` (the reference's signature) copies the arrays
# to the device, launches the kernel with `kernel[BLOCKS, THREADS](...)` and
# copies the results **back into** the caller's arrays: the host arrays
# are the optimizer's state, and a device copy left on the GPU changes
# nothing.  (nnlite's own launcher: `nnlite/_kernels/cuda/_launch.py`.)

# %% tags=["learner"]
BLOCKS, THREADS = (2, 32) if SIMULATED else (256, 256)


@cuda.jit
def momentum_kernel(p, g, vel, lr, momentum, nesterov):
    """The momentum update of the elements this thread owns (flat arrays)."""
    # for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
    #     m = β·vel[i] − η·g[i];  vel[i] = m
    #     p[i] += β·m − η·g[i] if nesterov else m
    raise NotImplementedError("momentum_kernel is not implemented yet")


def sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov):
    """One momentum step, in place, on the GPU."""
    # d_p = cuda.to_device(param.reshape(-1)), the same for grad and velocity
    # momentum_kernel[BLOCKS, THREADS](d_p, d_g, d_v, lr, momentum, nesterov)
    # param[...] = d_p.copy_to_host().reshape(param.shape), the same for velocity
    raise NotImplementedError("sgd_momentum_update is not implemented yet")


# %% [markdown]
# ## Check it

# %% tags=["check"]
report = keras.check_kernels({"sgd_momentum_update": sgd_momentum_update})

# %% [markdown]
# ## Train the book's model with it
#
# Every weight update of the 266,610 weights now runs on the (simulated)
# GPU.  In the simulator that takes about a second per step, so it trains
# one epoch on a few batches only.

# %%
report.raise_if_failed()
model = book_mlp(input_shape=(28, 28))
history = train_with_kernels(
    {"sgd_momentum_update": sgd_momentum_update}, model,
    optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
    n_train=pick(64, 512) if SIMULATED else None, epochs=1 if SIMULATED else None)

# %% [markdown]
# Copying every array to the GPU and back at each step costs more than the
# update itself: nnlite's `cuda` backend keeps weights, gradients and
# optimizer state on the device for a whole `fit` instead.
