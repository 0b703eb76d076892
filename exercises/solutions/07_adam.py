"""Exercise 7, solution: the learner cell filled in."""

import numpy as np


def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None):
    """One Adam step, in place."""
    if vhat is not None:
        raise NotImplementedError("AMSGrad (vhat) is not part of this exercise")
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    alpha = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    param -= alpha * m / (np.sqrt(v) + eps)
