# Exercise 6, planted mistakes.  Each cell replaces the learner cell; the check must
# fail and its message must contain `expect` (see grade.py and docs/teaching.md).
# ruff: noqa: F811


# %% mistake="velocity_not_in_place" expect="in place"
def sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov):
    """`velocity = ...` binds a new array: the optimizer's velocity stays zero."""
    velocity = momentum * velocity - lr * grad
    if nesterov:
        param += momentum * velocity - lr * grad
    else:
        param += velocity


# %% mistake="velocity_subtracted" expect="sign flipped"
def sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov):
    """θ ← θ − m: two conventions mixed (Keras' m already holds −ηg), so the step
    climbs the loss."""
    velocity *= momentum
    velocity -= lr * grad
    if nesterov:
        param -= momentum * velocity - lr * grad
    else:
        param -= velocity


# %% mistake="nesterov_ignored" expect="nesterov=True is ignored"
def sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov):
    """The `nesterov` flag is ignored: always plain momentum."""
    velocity *= momentum
    velocity -= lr * grad
    param += velocity
