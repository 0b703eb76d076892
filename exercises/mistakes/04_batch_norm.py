# Exercise 4, planted mistakes.  Each cell replaces the learner cell; the check must
# fail and its message must contain `expect` (see grade.py and docs/teaching.md).
# ruff: noqa: F811
import numpy as np


# %% mistake="epsilon_forgotten" expect="without ε"
def bn_forward_train(x, gamma, beta, eps, out=None, *, xhat_out=None, keep_xhat=True):
    """1/√σ²: no ε (a constant feature divides by zero)."""
    mean = x.mean(axis=0)
    var = ((x - mean) ** 2).mean(axis=0)
    inv_std = 1.0 / np.sqrt(var)
    xhat = (x - mean) * inv_std
    y = gamma * xhat + beta
    if out is not None:
        out[...] = y
        y = out
    if xhat_out is not None:
        xhat_out[...] = xhat
        xhat = xhat_out
    return y, xhat if keep_xhat else None, mean, var, inv_std


def bn_backward(dy, xhat, gamma, inv_std, *, dx_out=None, mean=None, need_dx=True):
    if mean is not None:
        xhat = (xhat - mean) * inv_std
    n = dy.shape[0]
    dbeta, dgamma = dy.sum(axis=0), (dy * xhat).sum(axis=0)
    dx = gamma * inv_std / n * (n * dy - dbeta - xhat * dgamma) if need_dx else None
    if dx_out is not None and dx is not None:
        dx_out[...] = dx
        dx = dx_out
    return dx, dgamma, dbeta


# %% mistake="unbiased_variance" expect="divided by N − 1"
def bn_forward_train(x, gamma, beta, eps, out=None, *, xhat_out=None, keep_xhat=True):
    """σ² divided by N − 1 (np.var(ddof=1), pandas' default) instead of N."""
    mean = x.mean(axis=0)
    var = x.var(axis=0, ddof=1)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean) * inv_std
    y = gamma * xhat + beta
    if out is not None:
        out[...] = y
        y = out
    if xhat_out is not None:
        xhat_out[...] = xhat
        xhat = xhat_out
    return y, xhat if keep_xhat else None, mean, var, inv_std


def bn_backward(dy, xhat, gamma, inv_std, *, dx_out=None, mean=None, need_dx=True):
    if mean is not None:
        xhat = (xhat - mean) * inv_std
    n = dy.shape[0]
    dbeta, dgamma = dy.sum(axis=0), (dy * xhat).sum(axis=0)
    dx = gamma * inv_std / n * (n * dy - dbeta - xhat * dgamma) if need_dx else None
    if dx_out is not None and dx is not None:
        dx_out[...] = dx
        dx = dx_out
    return dx, dgamma, dbeta


# %% mistake="statistics_treated_as_constants" expect="treated as constants"
def bn_forward_train(x, gamma, beta, eps, out=None, *, xhat_out=None, keep_xhat=True):
    mean = x.mean(axis=0)
    var = ((x - mean) ** 2).mean(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean) * inv_std
    y = gamma * xhat + beta
    if out is not None:
        out[...] = y
        y = out
    if xhat_out is not None:
        xhat_out[...] = xhat
        xhat = xhat_out
    return y, xhat if keep_xhat else None, mean, var, inv_std


def bn_backward(dy, xhat, gamma, inv_std, *, dx_out=None, mean=None, need_dx=True):
    """∂x = γ δ / σ: the chain rule as if μ and σ did not depend on x."""
    if mean is not None:
        xhat = (xhat - mean) * inv_std
    dbeta, dgamma = dy.sum(axis=0), (dy * xhat).sum(axis=0)
    dx = gamma * inv_std * dy if need_dx else None
    if dx_out is not None and dx is not None:
        dx_out[...] = dx
        dx = dx_out
    return dx, dgamma, dbeta
