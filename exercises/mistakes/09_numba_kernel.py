# Exercise 9, planted mistakes.  Each cell replaces the learner cell; the check must
# fail and its message must contain `expect` (see grade.py and docs/teaching.md).
# ruff: noqa: F811
import numpy as np
from numba import njit


# %% mistake="flatten_copies" expect="in place"
@njit
def adam_loop(p, g, m, v, alpha, beta1, beta2, eps):
    for i in range(p.size):
        m[i] = beta1 * m[i] + (1 - beta1) * g[i]
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
        p[i] -= alpha * m[i] / (np.sqrt(v[i]) + eps)


def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None):
    """`flatten()` copies: the loop updates the copies, not the optimizer's arrays."""
    if vhat is not None:
        raise NotImplementedError("AMSGrad (vhat) is not part of this exercise")
    alpha = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    adam_loop(param.flatten(), grad.flatten(), m.flatten(), v.flatten(),
              alpha, beta1, beta2, eps)


# %% mistake="no_bias_correction" expect="bias correction"
@njit
def adam_loop(p, g, m, v, alpha, beta1, beta2, eps):
    for i in range(p.size):
        m[i] = beta1 * m[i] + (1 - beta1) * g[i]
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
        p[i] -= alpha * m[i] / (np.sqrt(v[i]) + eps)


def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None):
    """α = η: the bias corrections forgotten."""
    if vhat is not None:
        raise NotImplementedError("AMSGrad (vhat) is not part of this exercise")
    adam_loop(param.reshape(-1), grad.reshape(-1), m.reshape(-1), v.reshape(-1),
              lr, beta1, beta2, eps)


# %% mistake="step_before_moments" expect="update the moments first"
@njit
def adam_loop(p, g, m, v, alpha, beta1, beta2, eps):
    """θ moved with the previous step's m and v, then the moments updated."""
    for i in range(p.size):
        p[i] -= alpha * m[i] / (np.sqrt(v[i]) + eps)
        m[i] = beta1 * m[i] + (1 - beta1) * g[i]
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]


def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None):
    if vhat is not None:
        raise NotImplementedError("AMSGrad (vhat) is not part of this exercise")
    alpha = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    adam_loop(param.reshape(-1), grad.reshape(-1), m.reshape(-1), v.reshape(-1),
              alpha, beta1, beta2, eps)
