# Exercise 3, planted mistakes: each cell edits solutions/03_softmax_cross_entropy.py
# (see docs/teaching.md); the check must fail, its message containing `expect`.


# %% mistake="gradient_not_scaled" expect="1/N is missing"
# The gradient summed over the batch: `scale` (1/n) forgotten.
# replace:
#     grad[rows, y2] -= 1
#     grad *= scale
# with:
#     grad[rows, y2] -= 1


# %% mistake="gradient_y_minus_p" expect="sign flipped"
# y − p: the gradient with the wrong sign (the model would climb the loss).
# replace:
#     grad = e / total[:, None]
#     grad[rows, y2] -= 1
# with:
#     grad = -e / total[:, None]
#     grad[rows, y2] += 1


# %% mistake="loss_averaged_over_the_batch" expect="wrong shape"
# One number for the whole batch: the kernel must return one loss per sample (the model
# weights and averages them).
# replace: return loss.reshape(y.shape), grad.reshape(z.shape)
# with:    return np.mean(loss), grad.reshape(z.shape)
