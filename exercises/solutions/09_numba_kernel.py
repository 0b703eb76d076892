"""Exercise 9, solution: the learner cell filled in."""

import numpy as np
from numba import njit


@njit
def adam_loop(p, g, m, v, alpha, beta1, beta2, eps):
    """The Adam update of every element of the flat arrays, in place."""
    for i in range(p.size):
        m[i] = beta1 * m[i] + (1 - beta1) * g[i]
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
        p[i] -= alpha * m[i] / (np.sqrt(v[i]) + eps)


def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None):
    """One Adam step, in place, by the compiled loop."""
    if vhat is not None:
        raise NotImplementedError("AMSGrad (vhat) is not part of this exercise")
    alpha = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    adam_loop(param.reshape(-1), grad.reshape(-1), m.reshape(-1), v.reshape(-1),
              alpha, beta1, beta2, eps)
