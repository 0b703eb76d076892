"""Exercise 6, solution: the learner cell filled in."""


def sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov):
    """One momentum step, in place."""
    velocity *= momentum
    velocity -= lr * grad
    if nesterov:
        param += momentum * velocity - lr * grad
    else:
        param += velocity
