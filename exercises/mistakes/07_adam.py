# Exercise 7, planted mistakes: each cell edits solutions/07_adam.py
# (see docs/teaching.md); the check must fail, its message containing `expect`.


# %% mistake="no_bias_correction" expect="bias correction"
# m and v used as they are: the first steps are far too small.
# replace: alpha = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
# with:    alpha = lr


# %% mistake="moments_not_in_place" expect="in place"
# `m = ...` and `v = ...` bind new arrays: the optimizer's moments stay zero.
# replace:
#     m *= beta1
#     m += (1 - beta1) * grad
#     v *= beta2
#     v += (1 - beta2) * grad * grad
# with:
#     m = beta1 * m + (1 - beta1) * grad
#     v = beta2 * v + (1 - beta2) * grad * grad


# %% mistake="square_root_forgotten" expect="not by √v"
# Divided by v instead of √v: the step no longer has the gradient's scale.
# replace: param -= alpha * m / (np.sqrt(v) + eps)
# with:    param -= alpha * m / (v + eps)
