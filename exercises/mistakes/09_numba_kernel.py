# Exercise 9, planted mistakes: each cell edits solutions/09_numba_kernel.py
# (see docs/teaching.md); the check must fail, its message containing `expect`.


# %% mistake="flatten_copies" expect="in place"
# `flatten()` copies: the loop updates the copies, not the optimizer's arrays.
# replace: adam_loop(param.reshape(-1), grad.reshape(-1), m.reshape(-1), v.reshape(-1),
# with:    adam_loop(param.flatten(), grad.flatten(), m.flatten(), v.flatten(),


# %% mistake="no_bias_correction" expect="bias correction"
# α = η: the bias corrections forgotten.
# replace: alpha = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
# with:    alpha = lr


# %% mistake="step_before_moments" expect="update the moments first"
# θ moved with the previous step's m and v, then the moments updated.
# replace:
#         m[i] = beta1 * m[i] + (1 - beta1) * g[i]
#         v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
#         p[i] -= alpha * m[i] / (np.sqrt(v[i]) + eps)
# with:
#         p[i] -= alpha * m[i] / (np.sqrt(v[i]) + eps)
#         m[i] = beta1 * m[i] + (1 - beta1) * g[i]
#         v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
