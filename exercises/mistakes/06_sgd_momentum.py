# Exercise 6, planted mistakes: each cell edits solutions/06_sgd_momentum.py
# (see docs/teaching.md); the check must fail, its message containing `expect`.


# %% mistake="velocity_not_in_place" expect="in place"
# `velocity = ...` binds a new array: the optimizer's velocity stays zero.
# replace:
#     velocity *= momentum
#     velocity -= lr * grad
# with:
#     velocity = momentum * velocity - lr * grad


# %% mistake="velocity_subtracted" expect="sign flipped"
# θ ← θ − m: two conventions mixed (Keras' m already holds −ηg), so the step climbs the
# loss.
# replace: param += momentum * velocity - lr * grad
# with:    param -= momentum * velocity - lr * grad
# replace: param += velocity
# with:    param -= velocity


# %% mistake="nesterov_ignored" expect="nesterov=True is ignored"
# The `nesterov` flag is ignored: always plain momentum.
# replace:
#     if nesterov:
#         param += momentum * velocity - lr * grad
#     else:
#         param += velocity
# with:
#     param += velocity
