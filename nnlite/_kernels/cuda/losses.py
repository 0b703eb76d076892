"""CUDA fused loss kernels: one thread per row (see reference/losses.py).

The launchers (``softmax_xent_rows``, ``sigmoid_bce_rows``, ``xent_probs_rows``,
``bce_probs_rows``) take NumPy or device arrays; the public kernels
(``softmax_xent_sparse`` … ``bce_from_probs``, the reference's names and
signatures) hand them to ``host_side/losses.py``, which checks the arguments
and calls them.  Given 2-D device scores and device targets, a public kernel
returns device arrays (loss, grad) and copies nothing; the range of device
labels is then the caller's to check (reading them would be a transfer).
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from .. import checks
from ..host_side import losses as host
from ..reference.losses import EPSILON
from ._device import clamp, dmax
from ._launch import device_empty, launcher, no_array, on_device


@cuda.jit(device=True)
def _soft_targets(q, t, i, lse, logits, eps, scale, loss, grad):
    """Row i with soft targets t: the loss, and its gradient × ``scale`` w.r.t. the logits
    (q: logits with their log-sum-exp ``lse``, or probabilities clipped to [ε, 1 − ε])."""
    tsum = 0.0
    acc = 0.0
    for j in range(q.shape[1]):
        logp = (q[i, j] - lse) if logits else math.log(clamp(q[i, j], eps, 1.0 - eps))
        tsum += t[i, j]
        acc += t[i, j] * logp
    loss[i] = -acc
    for j in range(q.shape[1]):
        grad[i, j] = scale * ((math.exp(q[i, j] - lse) if logits else q[i, j]) * tsum - t[i, j])


@cuda.jit
def _softmax_xent(z, t, y, sparse, scale, loss, grad):
    n, k = z.shape
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        zmax = z[i, 0]
        for j in range(k):
            zmax = dmax(zmax, z[i, j])
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


@cuda.jit
def _sigmoid_bce(z, t, scale, loss, grad):
    n, k = z.shape
    c = scale / k
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        acc = 0.0
        for j in range(k):
            v = z[i, j]
            e = math.exp(-abs(v))
            acc += dmax(v, 0.0) - v * t[i, j] + math.log1p(e)
            sig = 1.0 / (1.0 + e) if v >= 0 else e / (1.0 + e)
            grad[i, j] = c * (sig - t[i, j])
        loss[i] = acc / k


@cuda.jit
def _xent_probs(p, t, y, sparse, scale, eps, loss, grad):
    n, k = p.shape
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        if sparse:
            loss[i] = -math.log(clamp(p[i, y[i]], eps, 1.0 - eps))
            for j in range(k):
                grad[i, j] = scale * p[i, j]
            grad[i, y[i]] -= scale
        else:
            _soft_targets(p, t, i, 0.0, False, eps, scale, loss, grad)


@cuda.jit
def _bce_probs(p, t, scale, eps, loss, grad):
    n, k = p.shape
    c = scale / k
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        acc = 0.0
        for j in range(k):
            pc = clamp(p[i, j], eps, 1.0 - eps)
            acc += t[i, j] * math.log(pc) + (1.0 - t[i, j]) * math.log(1.0 - pc)
            grad[i, j] = c * (p[i, j] - t[i, j])
        loss[i] = -acc / k


def _rows(z, *_):
    return z.shape[0]


softmax_xent_rows = launcher(_softmax_xent, (5, 6), _rows)
sigmoid_bce_rows = launcher(_sigmoid_bce, (3, 4), _rows)
xent_probs_rows = launcher(_xent_probs, (6, 7), _rows)
bce_probs_rows = launcher(_bce_probs, (4, 5), _rows)


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).  NumPy scores go to the
# launchers above as rows (n, k), via ``host_side/losses.py``; device scores
# stay on the device (``_device_rows``).
# ----------------------------------------------------------------------------

def _device_pair(kernel: str, p, t) -> None:
    """Device scores p need 2-D rows (n, k) and device targets (or labels) t."""
    if p.ndim != 2 or not on_device(t):
        raise ValueError(f"{kernel}: with device scores, the scores must be 2-D (rows, k) and "
                         f"the targets a device array too; got scores of shape {p.shape} and "
                         f"targets of type {type(t).__name__}")


def _device_labels(kernel: str, p, y) -> None:
    """One integer label per row of p (their range is not read: the caller checked it)."""
    _device_pair(kernel, p, y)
    if y.shape != p.shape[:-1] or y.dtype.kind not in "iu":
        raise ValueError(f"{kernel}: y must hold one integer label per row of the scores "
                         f"(shape {p.shape[:-1]}), got shape {y.shape} of dtype {y.dtype}")


def _device_rows(kernel: str, loop, p, t, *args) -> host.Pair:
    """Device arrays (loss, grad) of ``loop(p, t, *args, loss, grad)``; nothing is copied."""
    _device_pair(kernel, p, t)
    loss, grad = device_empty(p.shape[0], p.dtype), device_empty(p.shape, p.dtype)
    if p.shape[0]:
        loop(p, t, *args, loss, grad)
    return loss, grad


def softmax_xent_sparse(z: np.ndarray, y: np.ndarray, scale: float) -> host.Pair:
    """Sparse softmax cross-entropy from logits z (n, k) and int labels y (n,)."""
    if on_device(z):
        _device_labels("softmax_xent_sparse", z, y)
        return _device_rows("softmax_xent_sparse", softmax_xent_rows, z, no_array(z.dtype, 2),
                            y, True, float(scale))
    return host.softmax_xent_sparse(z, y, scale, per_row=softmax_xent_rows)


def softmax_xent_dense(z: np.ndarray, t: np.ndarray, scale: float) -> host.Pair:
    """Softmax cross-entropy from logits z and one-hot (or soft) targets t."""
    if on_device(z):
        checks.softmax_xent_dense(z, t, scale)
        return _device_rows("softmax_xent_dense", softmax_xent_rows, z, t, no_array(np.int64),
                            False, float(scale))
    return host.softmax_xent_dense(z, t, scale, per_row=softmax_xent_rows)


def xent_sparse_from_probs(p: np.ndarray, y: np.ndarray, scale: float,
                           eps: float = EPSILON) -> host.Pair:
    """Sparse CE from softmax probabilities p; grad is w.r.t. the logits."""
    if on_device(p):
        _device_labels("xent_sparse_from_probs", p, y)
        return _device_rows("xent_sparse_from_probs", xent_probs_rows, p, no_array(p.dtype, 2),
                            y, True, float(scale), float(eps))
    return host.xent_sparse_from_probs(p, y, scale, eps, per_row=xent_probs_rows)


def xent_dense_from_probs(p: np.ndarray, t: np.ndarray, scale: float,
                          eps: float = EPSILON) -> host.Pair:
    """Categorical CE from softmax probabilities p and targets t."""
    if on_device(p):
        checks.xent_dense_from_probs(p, t, scale, eps)
        return _device_rows("xent_dense_from_probs", xent_probs_rows, p, t, no_array(np.int64),
                            False, float(scale), float(eps))
    return host.xent_dense_from_probs(p, t, scale, eps, per_row=xent_probs_rows)


def sigmoid_bce(z: np.ndarray, t: np.ndarray, scale: float) -> host.Pair:
    """Binary CE from logits z and targets t (loss averaged over the last axis)."""
    if on_device(z):
        checks.sigmoid_bce(z, t, scale)
        return _device_rows("sigmoid_bce", sigmoid_bce_rows, z, t, float(scale))
    return host.sigmoid_bce(z, t, scale, per_row=sigmoid_bce_rows)


def bce_from_probs(p: np.ndarray, t: np.ndarray, scale: float, eps: float = EPSILON) -> host.Pair:
    """Binary CE from sigmoid probabilities p; grad is w.r.t. the logits."""
    if on_device(p):
        checks.bce_from_probs(p, t, scale, eps)
        return _device_rows("bce_from_probs", bce_probs_rows, p, t, float(scale), float(eps))
    return host.bce_from_probs(p, t, scale, eps, per_row=bce_probs_rows)
