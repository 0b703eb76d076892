# Exercise 8, planted mistakes: each cell edits solutions/08_gradient_clipping.py
# (see docs/teaching.md); the check must fail, its message containing `expect`.


# %% mistake="squared_norm" expect="square root is missing"
# The sum of squares, without the square root.
# replace: return math.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads))
# with:    return sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads)


# %% mistake="sum_of_tensor_norms" expect="norms are added"
# Σ‖g_j‖: the norms of the tensors added, not the norm of all of them together.
# replace: return math.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads))
# with:    return sum(math.sqrt(float(np.sum(np.square(g, dtype=np.float64)))) for g in grads)


# %% mistake="scale_not_in_place" expect="in place"
# `arr = ...` binds a new array: the gradient the optimizer holds is unchanged.
# replace: arr *= arr.dtype.type(factor)
# with:    arr = arr * factor
