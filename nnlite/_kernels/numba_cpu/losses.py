r"""Numba fused loss kernels: per-sample loss and ∂loss/∂z in one pass per row.

Same equations as ``reference/losses.py`` (stable log-sum-exp, clipping
with ε = 1e-7 for the from-probabilities variants).
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import jit


@jit()
def _softmax_xent(z, t, y, sparse, scale, loss, grad):
    """Row-wise: ℓ = logsumexp(z) − Σ t z  (t one-hot/soft or label y); grad = scale(p·Σt − t)."""
    n, k = z.shape
    for i in range(n):
        zmax = -np.inf
        for j in range(k):
            zmax = max(zmax, z[i, j])
        s = 0.0
        for j in range(k):
            s += math.exp(z[i, j] - zmax)
        lse = zmax + math.log(s)
        if sparse:
            loss[i] = lse - z[i, y[i]]
            for j in range(k):
                grad[i, j] = scale * math.exp(z[i, j] - lse)
            grad[i, y[i]] -= scale
        else:
            tsum = 0.0
            acc = 0.0
            for j in range(k):
                tsum += t[i, j]
                acc += t[i, j] * (z[i, j] - lse)
            loss[i] = -acc
            for j in range(k):
                grad[i, j] = scale * (math.exp(z[i, j] - lse) * tsum - t[i, j])


@jit()
def _sigmoid_bce(z, t, scale, loss, grad):
    """ℓ = mean_j [max(z,0) − zt + log1p(e^{−|z|})],  grad = scale(σ(z) − t)/k."""
    n, k = z.shape
    c = scale / k
    for i in range(n):
        acc = 0.0
        for j in range(k):
            v = z[i, j]
            e = math.exp(-abs(v))
            acc += max(v, 0.0) - v * t[i, j] + math.log1p(e)
            sig = 1.0 / (1.0 + e) if v >= 0 else e / (1.0 + e)
            grad[i, j] = c * (sig - t[i, j])
        loss[i] = acc / k


@jit()
def _xent_probs(p, t, y, sparse, scale, eps, loss, grad):
    """ℓ = −Σ t log clip(p, ε, 1−ε);  grad = scale(p·Σt − t)."""
    n, k = p.shape
    for i in range(n):
        if sparse:
            loss[i] = -math.log(min(max(p[i, y[i]], eps), 1.0 - eps))
            for j in range(k):
                grad[i, j] = scale * p[i, j]
            grad[i, y[i]] -= scale
        else:
            tsum = 0.0
            acc = 0.0
            for j in range(k):
                tsum += t[i, j]
                acc += t[i, j] * math.log(min(max(p[i, j], eps), 1.0 - eps))
            loss[i] = -acc
            for j in range(k):
                grad[i, j] = scale * (p[i, j] * tsum - t[i, j])


@jit()
def _bce_probs(p, t, scale, eps, loss, grad):
    """ℓ = −mean_j [t log p̃ + (1−t) log(1−p̃)], p̃ = clip(p);  grad = scale(p − t)/k."""
    n, k = p.shape
    c = scale / k
    for i in range(n):
        acc = 0.0
        for j in range(k):
            pc = min(max(p[i, j], eps), 1.0 - eps)
            acc += t[i, j] * math.log(pc) + (1.0 - t[i, j]) * math.log(1.0 - pc)
            grad[i, j] = c * (p[i, j] - t[i, j])
        loss[i] = -acc / k
