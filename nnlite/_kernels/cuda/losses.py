"""CUDA fused loss kernels: one thread per row (see reference/losses.py).

The launchers (``softmax_xent_rows``, ``sigmoid_bce_rows``, ``xent_probs_rows``,
``bce_probs_rows``) take NumPy or device arrays; the public kernels
(``softmax_xent_sparse`` … ``bce_from_probs``, the reference's names and
signatures) check their arguments and call them.  Given 2-D device scores
and device targets, a public kernel returns device arrays (loss, grad) and
copies nothing; the range of device labels is then the caller's to check
(reading them would be a transfer).
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from .. import checks
from ..host_arrays import as2d
from ..reference.losses import EPSILON
from ._device import clamp, dmax
from ._launch import device_empty, launcher, no_array, on_device


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
            tsum = 0.0
            acc = 0.0
            for j in range(k):
                tsum += t[i, j]
                acc += t[i, j] * (z[i, j] - lse)
            loss[i] = -acc
            for j in range(k):
                grad[i, j] = scale * (math.exp(z[i, j] - lse) * tsum - t[i, j])


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
            tsum = 0.0
            acc = 0.0
            for j in range(k):
                tsum += t[i, j]
                acc += t[i, j] * math.log(clamp(p[i, j], eps, 1.0 - eps))
            loss[i] = -acc
            for j in range(k):
                grad[i, j] = scale * (p[i, j] * tsum - t[i, j])


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
# Public kernels (the reference's signatures).  Scores of any shape (..., k)
# go to the loops as rows (n, k); ``checks`` has made sure that the targets
# have the scores' shape and that every sparse label is in [0, k), which the
# unchecked loops index with.
# ----------------------------------------------------------------------------

Pair = tuple[np.ndarray, np.ndarray]


def _on_device_rows(kernel: str, p, t) -> bool:
    """Are scores and targets device arrays (then 2-D scores, targets of a fitting dtype)?"""
    if not on_device(p):
        return False
    if p.ndim != 2 or not on_device(t):
        raise ValueError(f"{kernel}: with device scores, the scores must be 2-D (rows, k) and "
                         f"the targets a device array too; got scores of shape {p.shape} and "
                         f"targets of type {type(t).__name__}")
    return True


def _device_labels(kernel: str, p, y) -> None:
    """One integer label per row of p (their range is not read: the caller checked it)."""
    if y.shape != p.shape[:-1] or y.dtype.kind not in "iu":
        raise ValueError(f"{kernel}: y must hold one integer label per row of the scores "
                         f"(shape {p.shape[:-1]}), got shape {y.shape} of dtype {y.dtype}")


def _device_rows(loop, p, y, t, scale, *extra) -> Pair:
    """(loss, grad) on the device: labels y or targets t (the other one absent)."""
    loss, grad = device_empty(p.shape[0], p.dtype), device_empty(p.shape, p.dtype)
    sparse = y is not None
    if p.shape[0]:
        loop(p, no_array(p.dtype, 2) if sparse else t, y if sparse else no_array(np.int64),
             sparse, float(scale), *extra, loss, grad)
    return loss, grad


def _sparse_rows(loop, p, y, scale, *extra) -> Pair:
    """(loss, grad) of a row loop with integer labels y."""
    if on_device(p):
        return _device_rows(loop, p, y, None, scale, *extra)
    z2 = as2d(p)
    labels = np.ascontiguousarray(y, dtype=np.int64).reshape(-1)
    loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
    loop(z2, z2[:0, :0], labels, True, float(scale), *extra, loss, grad)
    return loss.reshape(p.shape[:-1]), grad.reshape(p.shape)


def _dense_rows(loop, p, t, scale, *extra) -> Pair:
    """(loss, grad) of a row loop with one-hot or soft targets t."""
    if _on_device_rows("the loss", p, t):
        return _device_rows(loop, p, None, t, scale, *extra)
    z2 = as2d(p)
    t2 = as2d(np.asarray(t, dtype=z2.dtype))
    loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
    loop(z2, t2, np.zeros(0, np.int64), False, float(scale), *extra, loss, grad)
    return loss.reshape(p.shape[:-1]), grad.reshape(p.shape)


def softmax_xent_sparse(z: np.ndarray, y: np.ndarray, scale: float) -> Pair:
    """Sparse softmax cross-entropy from logits z (n, k) and int labels y (n,)."""
    if _on_device_rows("softmax_xent_sparse", z, y):
        _device_labels("softmax_xent_sparse", z, y)
    else:
        checks.softmax_xent_sparse(z, y, scale)
    return _sparse_rows(softmax_xent_rows, z, y, scale)


def softmax_xent_dense(z: np.ndarray, t: np.ndarray, scale: float) -> Pair:
    """Softmax cross-entropy from logits z and one-hot (or soft) targets t."""
    checks.softmax_xent_dense(z, t, scale)
    return _dense_rows(softmax_xent_rows, z, t, scale)


def xent_sparse_from_probs(p: np.ndarray, y: np.ndarray, scale: float,
                           eps: float = EPSILON) -> Pair:
    """Sparse CE from softmax probabilities p; grad is w.r.t. the logits."""
    if _on_device_rows("xent_sparse_from_probs", p, y):
        _device_labels("xent_sparse_from_probs", p, y)
    else:
        checks.xent_sparse_from_probs(p, y, scale, eps)
    return _sparse_rows(xent_probs_rows, p, y, scale, float(eps))


def xent_dense_from_probs(p: np.ndarray, t: np.ndarray, scale: float,
                          eps: float = EPSILON) -> Pair:
    """Categorical CE from softmax probabilities p and targets t."""
    checks.xent_dense_from_probs(p, t, scale, eps)
    return _dense_rows(xent_probs_rows, p, t, scale, float(eps))


def sigmoid_bce(z: np.ndarray, t: np.ndarray, scale: float) -> Pair:
    """Binary CE from logits z and targets t (loss averaged over the last axis)."""
    checks.sigmoid_bce(z, t, scale)
    z2 = as2d(z)
    t2 = as2d(np.asarray(t, dtype=z2.dtype))
    loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
    sigmoid_bce_rows(z2, t2, float(scale), loss, grad)
    return loss.reshape(z.shape[:-1]), grad.reshape(z.shape)


def bce_from_probs(p: np.ndarray, t: np.ndarray, scale: float, eps: float = EPSILON) -> Pair:
    """Binary CE from sigmoid probabilities p; grad is w.r.t. the logits."""
    checks.bce_from_probs(p, t, scale, eps)
    if _on_device_rows("bce_from_probs", p, t):
        loss, grad = device_empty(p.shape[0], p.dtype), device_empty(p.shape, p.dtype)
        if p.shape[0]:
            bce_probs_rows(p, t, float(scale), float(eps), loss, grad)
        return loss, grad
    z2 = as2d(p)
    t2 = as2d(np.asarray(t, dtype=z2.dtype))
    loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
    bce_probs_rows(z2, t2, float(scale), float(eps), loss, grad)
    return loss.reshape(p.shape[:-1]), grad.reshape(p.shape)
