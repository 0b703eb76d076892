# Exercise 7, planted mistakes.  Each cell replaces the learner cell; the check must
# fail and its message must contain `expect` (see grade.py and docs/teaching.md).
# ruff: noqa: F811
import numpy as np


# %% mistake="no_bias_correction" expect="bias correction"
def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None):
    """m and v used as they are: the first steps are far too small."""
    if vhat is not None:
        raise NotImplementedError("AMSGrad (vhat) is not part of this exercise")
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    param -= lr * m / (np.sqrt(v) + eps)


# %% mistake="moments_not_in_place" expect="in place"
def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None):
    """`m = ...` and `v = ...` bind new arrays: the optimizer's moments stay zero."""
    if vhat is not None:
        raise NotImplementedError("AMSGrad (vhat) is not part of this exercise")
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    alpha = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    param -= alpha * m / (np.sqrt(v) + eps)


# %% mistake="square_root_forgotten" expect="not by √v"
def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None):
    """Divided by v instead of √v: the step no longer has the gradient's scale."""
    if vhat is not None:
        raise NotImplementedError("AMSGrad (vhat) is not part of this exercise")
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    alpha = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    param -= alpha * m / (v + eps)
