# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython fused loss kernels: per-sample loss and ∂loss/∂z in one pass per row.

Same equations as ``reference/losses.py`` (stable log-sum-exp, clipping with
ε = 1e-7 for the from-probabilities variants).  The public kernels
(``softmax_xent_sparse`` … ``bce_from_probs``, the reference's names and
signatures) check their arguments and run the typed row loops below.
"""
import numpy as np

from libc.math cimport exp, log, log1p, fabs

from nnlite._kernels import checks
from nnlite._kernels.host_arrays import as2d
from nnlite._kernels.reference.losses import EPSILON

from ._floats cimport real


def _softmax_xent(const real[:, ::1] z, const real[:, ::1] t, const long long[::1] y, bint sparse, double scale,
                  real[::1] loss, real[:, ::1] grad):
    """ℓ = logsumexp(z) − Σ t z (or − z_y);  grad = scale(softmax(z)·Σt − t)."""
    cdef Py_ssize_t i, j, n = z.shape[0], k = z.shape[1]
    cdef double zmax, s, lse, tsum, acc
    with nogil:
        for i in range(n):
            zmax = z[i, 0]
            for j in range(k):
                if z[i, j] > zmax:
                    zmax = z[i, j]
            s = 0.0
            for j in range(k):
                s += exp(z[i, j] - zmax)
            lse = zmax + log(s)
            if sparse:
                loss[i] = <real>(lse - z[i, y[i]])
                for j in range(k):
                    grad[i, j] = <real>(scale * exp(z[i, j] - lse))
                grad[i, y[i]] = <real>(grad[i, y[i]] - scale)
            else:
                tsum = 0.0
                acc = 0.0
                for j in range(k):
                    tsum += t[i, j]
                    acc += t[i, j] * (z[i, j] - lse)
                loss[i] = <real>(-acc)
                for j in range(k):
                    grad[i, j] = <real>(scale * (exp(z[i, j] - lse) * tsum - t[i, j]))


def _sigmoid_bce(const real[:, ::1] z, const real[:, ::1] t, double scale, real[::1] loss,
                 real[:, ::1] grad):
    """ℓ = mean_j [max(z,0) − zt + log1p(e^{−|z|})],  grad = scale(σ(z) − t)/k."""
    cdef Py_ssize_t i, j, n = z.shape[0], k = z.shape[1]
    cdef double c = scale / k, v, e, acc, sig
    with nogil:
        for i in range(n):
            acc = 0.0
            for j in range(k):
                v = z[i, j]
                e = exp(-fabs(v))
                acc += (v if v > 0 else 0.0) - v * t[i, j] + log1p(e)
                sig = 1.0 / (1.0 + e) if v >= 0 else e / (1.0 + e)
                grad[i, j] = <real>(c * (sig - t[i, j]))
            loss[i] = <real>(acc / k)


cdef inline double _clip(double p, double eps) noexcept nogil:
    return eps if p < eps else (1.0 - eps if p > 1.0 - eps else p)


def _xent_probs(const real[:, ::1] p, const real[:, ::1] t, const long long[::1] y, bint sparse, double scale,
                double eps, real[::1] loss, real[:, ::1] grad):
    """ℓ = −Σ t log clip(p, ε, 1−ε);  grad = scale(p·Σt − t)."""
    cdef Py_ssize_t i, j, n = p.shape[0], k = p.shape[1]
    cdef double tsum, acc
    with nogil:
        for i in range(n):
            if sparse:
                loss[i] = <real>(-log(_clip(p[i, y[i]], eps)))
                for j in range(k):
                    grad[i, j] = <real>(scale * p[i, j])
                grad[i, y[i]] = <real>(grad[i, y[i]] - scale)
            else:
                tsum = 0.0
                acc = 0.0
                for j in range(k):
                    tsum += t[i, j]
                    acc += t[i, j] * log(_clip(p[i, j], eps))
                loss[i] = <real>(-acc)
                for j in range(k):
                    grad[i, j] = <real>(scale * (p[i, j] * tsum - t[i, j]))


def _bce_probs(const real[:, ::1] p, const real[:, ::1] t, double scale, double eps, real[::1] loss,
               real[:, ::1] grad):
    """ℓ = −mean_j [t log p̃ + (1−t) log(1−p̃)];  grad = scale(p − t)/k."""
    cdef Py_ssize_t i, j, n = p.shape[0], k = p.shape[1]
    cdef double c = scale / k, pc, acc
    with nogil:
        for i in range(n):
            acc = 0.0
            for j in range(k):
                pc = _clip(p[i, j], eps)
                acc += t[i, j] * log(pc) + (1.0 - t[i, j]) * log(1.0 - pc)
                grad[i, j] = <real>(c * (p[i, j] - t[i, j]))
            loss[i] = <real>(-acc / k)


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).  Scores of any shape (..., k)
# go to the loops as rows (n, k); ``checks`` has made sure that the targets
# have the scores' shape and that every sparse label is in [0, k), which the
# unchecked loops index with.
# ----------------------------------------------------------------------------

Pair = tuple[np.ndarray, np.ndarray]


def _sparse_rows(loop, p, y, scale, *extra):
    """(loss, grad) of a row loop with integer labels y."""
    z2 = as2d(p)
    labels = np.ascontiguousarray(y, dtype=np.int64).reshape(-1)
    loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
    loop(z2, z2[:0, :0], labels, True, float(scale), *extra, loss, grad)
    return loss.reshape(p.shape[:-1]), grad.reshape(p.shape)


def _dense_rows(loop, p, t, scale, *extra):
    """(loss, grad) of a row loop with one-hot or soft targets t."""
    z2 = as2d(p)
    t2 = as2d(np.asarray(t, dtype=z2.dtype))
    loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
    loop(z2, t2, np.zeros(0, np.int64), False, float(scale), *extra, loss, grad)
    return loss.reshape(p.shape[:-1]), grad.reshape(p.shape)


def softmax_xent_sparse(z, y, scale):
    """Sparse softmax cross-entropy from logits z (n, k) and int labels y (n,)."""
    checks.softmax_xent_sparse(z, y, scale)
    return _sparse_rows(_softmax_xent, z, y, scale)


def softmax_xent_dense(z, t, scale):
    """Softmax cross-entropy from logits z and one-hot (or soft) targets t."""
    checks.softmax_xent_dense(z, t, scale)
    return _dense_rows(_softmax_xent, z, t, scale)


def xent_sparse_from_probs(p, y, scale, eps=EPSILON):
    """Sparse CE from softmax probabilities p; grad is w.r.t. the logits."""
    checks.xent_sparse_from_probs(p, y, scale, eps)
    return _sparse_rows(_xent_probs, p, y, scale, float(eps))


def xent_dense_from_probs(p, t, scale, eps=EPSILON):
    """Categorical CE from softmax probabilities p and targets t."""
    checks.xent_dense_from_probs(p, t, scale, eps)
    return _dense_rows(_xent_probs, p, t, scale, float(eps))


def sigmoid_bce(z, t, scale):
    """Binary CE from logits z and targets t (loss averaged over the last axis)."""
    checks.sigmoid_bce(z, t, scale)
    z2 = as2d(z)
    t2 = as2d(np.asarray(t, dtype=z2.dtype))
    loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
    _sigmoid_bce(z2, t2, float(scale), loss, grad)
    return loss.reshape(z.shape[:-1]), grad.reshape(z.shape)


def bce_from_probs(p, t, scale, eps=EPSILON):
    """Binary CE from sigmoid probabilities p; grad is w.r.t. the logits."""
    checks.bce_from_probs(p, t, scale, eps)
    z2 = as2d(p)
    t2 = as2d(np.asarray(t, dtype=z2.dtype))
    loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
    _bce_probs(z2, t2, float(scale), float(eps), loss, grad)
    return loss.reshape(p.shape[:-1]), grad.reshape(p.shape)
