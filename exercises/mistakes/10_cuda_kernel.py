# Exercise 10, planted mistakes: each cell edits solutions/10_cuda_kernel.py
# (see docs/teaching.md); the check must fail, its message containing `expect`.


# %% mistake="results_left_on_the_device" expect="in place"
# The kernel runs, but nothing is copied back to the host arrays.
# replace:
#     param[...] = d_p.copy_to_host().reshape(param.shape)
#     velocity[...] = d_v.copy_to_host().reshape(velocity.shape)
# with:


# %% mistake="velocity_not_stored" expect="velocity was left unchanged"
# m computed in a local variable but never written to vel[i]: the velocity the optimizer
# keeps stays zero, so every step is a plain gradient step.
# replace:
#         m = momentum * vel[i] - lr * g[i]
#         vel[i] = m
# with:
#         m = momentum * vel[i] - lr * g[i]


# %% mistake="stride_of_one_block" expect="grid-stride loop"
# Strides by the block size, not the grid size: blocks update the same elements again
# (momentum applied twice) and race with each other.
# replace: range(cuda.grid(1), p.shape[0], cuda.gridsize(1))
# with:    range(cuda.grid(1), p.shape[0], cuda.blockDim.x)
