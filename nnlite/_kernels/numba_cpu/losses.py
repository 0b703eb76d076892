r"""Numba fused loss kernels: per-sample loss and ∂loss/∂z in one pass per row.

Same equations as ``reference/losses.py`` (stable log-sum-exp, clipping
with ε = 1e-7 for the from-probabilities variants).  The public kernels
(``softmax_xent_sparse`` … ``bce_from_probs``, the reference's names and
signatures) hand the ``@jit`` row loops below to ``host_side/losses.py``,
which checks the arguments and runs them.
"""

from __future__ import annotations

import math

import numpy as np

from ..host_side import losses as host
from ..reference.losses import EPSILON
from ._jit import jit


@jit()
def _soft_targets(q, t, i, lse, logits, eps, scale, loss, grad):
    """Row i of a cross-entropy with one-hot or soft targets t: its loss and gradient.

    The probabilities are e^(q − lse) for logits q, else q itself (clipped to
    [ε, 1 − ε] inside the log); the equations: nnlite.losses.CategoricalCrossentropy.
    """
    tsum = 0.0
    acc = 0.0
    for j in range(q.shape[1]):
        logp = (q[i, j] - lse) if logits else math.log(min(max(q[i, j], eps), 1.0 - eps))
        tsum += t[i, j]
        acc += t[i, j] * logp
    loss[i] = -acc
    for j in range(q.shape[1]):
        grad[i, j] = scale * ((math.exp(q[i, j] - lse) if logits else q[i, j]) * tsum - t[i, j])


@jit()
def _softmax_xent(z, t, y, sparse, scale, loss, grad):
    """Per row: softmax cross-entropy from logits (labels or targets), its gradient × ``scale``."""
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
            _soft_targets(z, t, i, lse, True, 0.0, scale, loss, grad)


@jit()
def _sigmoid_bce(z, t, scale, loss, grad):
    """Per row: binary cross-entropy from logits (stable form) and its gradient times ``scale``."""
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
    """Per row: cross-entropy from probabilities clipped to [ε, 1 − ε], the logits' gradient."""
    n, k = p.shape
    for i in range(n):
        if sparse:
            loss[i] = -math.log(min(max(p[i, y[i]], eps), 1.0 - eps))
            for j in range(k):
                grad[i, j] = scale * p[i, j]
            grad[i, y[i]] -= scale
        else:
            _soft_targets(p, t, i, 0.0, False, eps, scale, loss, grad)


@jit()
def _bce_probs(p, t, scale, eps, loss, grad):
    """Per row: binary cross-entropy from clipped probabilities and the logits' gradient."""
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
# go to the row loops above as rows (n, k), via ``host_side/losses.py``.
# ----------------------------------------------------------------------------

def softmax_xent_sparse(z: np.ndarray, y: np.ndarray, scale: float) -> host.Pair:
    """Sparse softmax cross-entropy from logits z (n, k) and int labels y (n,)."""
    return host.softmax_xent_sparse(z, y, scale, per_row=_softmax_xent)


def softmax_xent_dense(z: np.ndarray, t: np.ndarray, scale: float) -> host.Pair:
    """Softmax cross-entropy from logits z and one-hot (or soft) targets t."""
    return host.softmax_xent_dense(z, t, scale, per_row=_softmax_xent)


def xent_sparse_from_probs(p: np.ndarray, y: np.ndarray, scale: float,
                           eps: float = EPSILON) -> host.Pair:
    """Sparse CE from softmax probabilities p; grad is w.r.t. the logits."""
    return host.xent_sparse_from_probs(p, y, scale, eps, per_row=_xent_probs)


def xent_dense_from_probs(p: np.ndarray, t: np.ndarray, scale: float,
                          eps: float = EPSILON) -> host.Pair:
    """Categorical CE from softmax probabilities p and targets t."""
    return host.xent_dense_from_probs(p, t, scale, eps, per_row=_xent_probs)


def sigmoid_bce(z: np.ndarray, t: np.ndarray, scale: float) -> host.Pair:
    """Binary CE from logits z and targets t (loss averaged over the last axis)."""
    return host.sigmoid_bce(z, t, scale, per_row=_sigmoid_bce)


def bce_from_probs(p: np.ndarray, t: np.ndarray, scale: float, eps: float = EPSILON) -> host.Pair:
    """Binary CE from sigmoid probabilities p; grad is w.r.t. the logits."""
    return host.bce_from_probs(p, t, scale, eps, per_row=_bce_probs)
