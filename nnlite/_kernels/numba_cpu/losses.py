r"""Numba fused loss kernels: per-sample loss and ∂loss/∂z in one pass per row.

Same equations as ``reference/losses.py`` (stable log-sum-exp, clipping
with ε = 1e-7 for the from-probabilities variants).  The public kernels
(``softmax_xent_sparse`` … ``bce_from_probs``, the reference's names and
signatures) check their arguments and run the ``@jit`` row loops below.
"""

from __future__ import annotations

import math

import numpy as np

from .. import checks
from ..host_arrays import as2d
from ..reference.losses import EPSILON
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


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).  Scores of any shape (..., k)
# go to the loops as rows (n, k); ``checks`` has made sure that the targets
# have the scores' shape and that every sparse label is in [0, k), which the
# unchecked loops index with.
# ----------------------------------------------------------------------------

Pair = tuple[np.ndarray, np.ndarray]


def _sparse_rows(loop, p, y, scale, *extra) -> Pair:
    """(loss, grad) of a row loop with integer labels y."""
    z2 = as2d(p)
    labels = np.ascontiguousarray(y, dtype=np.int64).reshape(-1)
    loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
    loop(z2, z2[:0, :0], labels, True, float(scale), *extra, loss, grad)
    return loss.reshape(p.shape[:-1]), grad.reshape(p.shape)


def _dense_rows(loop, p, t, scale, *extra) -> Pair:
    """(loss, grad) of a row loop with one-hot or soft targets t."""
    z2 = as2d(p)
    t2 = as2d(np.asarray(t, dtype=z2.dtype))
    loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
    loop(z2, t2, np.zeros(0, np.int64), False, float(scale), *extra, loss, grad)
    return loss.reshape(p.shape[:-1]), grad.reshape(p.shape)


def softmax_xent_sparse(z: np.ndarray, y: np.ndarray, scale: float) -> Pair:
    """Sparse softmax cross-entropy from logits z (n, k) and int labels y (n,)."""
    checks.softmax_xent_sparse(z, y, scale)
    return _sparse_rows(_softmax_xent, z, y, scale)


def softmax_xent_dense(z: np.ndarray, t: np.ndarray, scale: float) -> Pair:
    """Softmax cross-entropy from logits z and one-hot (or soft) targets t."""
    checks.softmax_xent_dense(z, t, scale)
    return _dense_rows(_softmax_xent, z, t, scale)


def xent_sparse_from_probs(p: np.ndarray, y: np.ndarray, scale: float,
                           eps: float = EPSILON) -> Pair:
    """Sparse CE from softmax probabilities p; grad is w.r.t. the logits."""
    checks.xent_sparse_from_probs(p, y, scale, eps)
    return _sparse_rows(_xent_probs, p, y, scale, float(eps))


def xent_dense_from_probs(p: np.ndarray, t: np.ndarray, scale: float,
                          eps: float = EPSILON) -> Pair:
    """Categorical CE from softmax probabilities p and targets t."""
    checks.xent_dense_from_probs(p, t, scale, eps)
    return _dense_rows(_xent_probs, p, t, scale, float(eps))


def sigmoid_bce(z: np.ndarray, t: np.ndarray, scale: float) -> Pair:
    """Binary CE from logits z and targets t (loss averaged over the last axis)."""
    checks.sigmoid_bce(z, t, scale)
    z2 = as2d(z)
    t2 = as2d(np.asarray(t, dtype=z2.dtype))
    loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
    _sigmoid_bce(z2, t2, float(scale), loss, grad)
    return loss.reshape(z.shape[:-1]), grad.reshape(z.shape)


def bce_from_probs(p: np.ndarray, t: np.ndarray, scale: float, eps: float = EPSILON) -> Pair:
    """Binary CE from sigmoid probabilities p; grad is w.r.t. the logits."""
    checks.bce_from_probs(p, t, scale, eps)
    z2 = as2d(p)
    t2 = as2d(np.asarray(t, dtype=z2.dtype))
    loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
    _bce_probs(z2, t2, float(scale), float(eps), loss, grad)
    return loss.reshape(p.shape[:-1]), grad.reshape(p.shape)
