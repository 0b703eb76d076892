# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython fused loss kernels: per-sample loss and ∂loss/∂z in one pass per row.

Same equations as ``reference/losses.py`` (stable log-sum-exp, clipping with
ε = 1e-7 for the from-probabilities variants).  The public kernels
(``softmax_xent_sparse`` … ``bce_from_probs``, the reference's names and
signatures) hand the typed row loops below to ``host_side/losses.py``, which
checks the arguments and runs them.
"""
from libc.math cimport exp, log, log1p, fabs

from nnlite._kernels.host_side import losses as host
from nnlite._kernels.reference.losses import EPSILON

from ._floats cimport real


cdef inline double _clip(double p, double eps) noexcept nogil:
    return eps if p < eps else (1.0 - eps if p > 1.0 - eps else p)


cdef inline void _soft_targets(const real[:, ::1] q, const real[:, ::1] t, Py_ssize_t i,
                               double lse, bint logits, double eps, double scale,
                               real[::1] loss, real[:, ::1] grad) noexcept nogil:
    """Row i of a cross-entropy with one-hot or soft targets t: its loss and gradient.

    The probabilities are e^(q − lse) for logits q, else q itself (clipped to
    [ε, 1 − ε] inside the log); the equations: nnlite.losses.CategoricalCrossentropy.
    """
    cdef Py_ssize_t j, k = q.shape[1]
    cdef double tsum = 0.0, acc = 0.0, logp, prob
    for j in range(k):
        logp = (q[i, j] - lse) if logits else log(_clip(q[i, j], eps))
        tsum += t[i, j]
        acc += t[i, j] * logp
    loss[i] = <real>(-acc)
    for j in range(k):
        prob = exp(q[i, j] - lse) if logits else q[i, j]
        grad[i, j] = <real>(scale * (prob * tsum - t[i, j]))


def _softmax_xent(const real[:, ::1] z, const real[:, ::1] t, const long long[::1] y, bint sparse, double scale,
                  real[::1] loss, real[:, ::1] grad):
    """Per row: softmax cross-entropy from logits (labels or targets), its gradient × ``scale``."""
    cdef Py_ssize_t i, j, n = z.shape[0], k = z.shape[1]
    cdef double zmax, s, lse
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
                _soft_targets(z, t, i, lse, True, 0.0, scale, loss, grad)


def _sigmoid_bce(const real[:, ::1] z, const real[:, ::1] t, double scale, real[::1] loss,
                 real[:, ::1] grad):
    """Per row: binary cross-entropy from logits (stable form) and its gradient times ``scale``."""
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




def _xent_probs(const real[:, ::1] p, const real[:, ::1] t, const long long[::1] y, bint sparse, double scale,
                double eps, real[::1] loss, real[:, ::1] grad):
    """Per row: cross-entropy from probabilities clipped to [ε, 1 − ε], the logits' gradient."""
    cdef Py_ssize_t i, j, n = p.shape[0], k = p.shape[1]
    with nogil:
        for i in range(n):
            if sparse:
                loss[i] = <real>(-log(_clip(p[i, y[i]], eps)))
                for j in range(k):
                    grad[i, j] = <real>(scale * p[i, j])
                grad[i, y[i]] = <real>(grad[i, y[i]] - scale)
            else:
                _soft_targets(p, t, i, 0.0, False, eps, scale, loss, grad)


def _bce_probs(const real[:, ::1] p, const real[:, ::1] t, double scale, double eps, real[::1] loss,
               real[:, ::1] grad):
    """Per row: binary cross-entropy from clipped probabilities and the logits' gradient."""
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
# go to the row loops above as rows (n, k), via ``host_side/losses.py``.
# ----------------------------------------------------------------------------

def softmax_xent_sparse(z, y, scale):
    """Sparse softmax cross-entropy from logits z (n, k) and int labels y (n,)."""
    return host.softmax_xent_sparse(z, y, scale, per_row=_softmax_xent)


def softmax_xent_dense(z, t, scale):
    """Softmax cross-entropy from logits z and one-hot (or soft) targets t."""
    return host.softmax_xent_dense(z, t, scale, per_row=_softmax_xent)


def xent_sparse_from_probs(p, y, scale, eps=EPSILON):
    """Sparse CE from softmax probabilities p; grad is w.r.t. the logits."""
    return host.xent_sparse_from_probs(p, y, scale, eps, per_row=_xent_probs)


def xent_dense_from_probs(p, t, scale, eps=EPSILON):
    """Categorical CE from softmax probabilities p and targets t."""
    return host.xent_dense_from_probs(p, t, scale, eps, per_row=_xent_probs)


def sigmoid_bce(z, t, scale):
    """Binary CE from logits z and targets t (loss averaged over the last axis)."""
    return host.sigmoid_bce(z, t, scale, per_row=_sigmoid_bce)


def bce_from_probs(p, t, scale, eps=EPSILON):
    """Binary CE from sigmoid probabilities p; grad is w.r.t. the logits."""
    return host.bce_from_probs(p, t, scale, eps, per_row=_bce_probs)
