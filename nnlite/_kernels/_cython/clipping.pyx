# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython gradient clipping and weight constraints (in place, OpenMP).

The public kernels (the reference's names and signatures) check their
arguments and run the typed loops (``_clip``, ``_sumsq``, ``_scale``,
``_max_norm_cols``) on flat views; layouts the loops do not take (strided
arrays, max-norm along another axis) use the reference.
"""
import math

import numpy as np

from cython.parallel cimport prange
from libc.math cimport sqrt

from nnlite._kernels import checks
from nnlite._kernels import reference as ref
from nnlite._kernels.host_arrays import flat_in_place, inplace_ok

from ._floats cimport cptr, ptr, real

cdef Py_ssize_t PARALLEL_MIN = 1 << 15


def _clip(real[::1] g_, double c):
    cdef Py_ssize_t i, n = g_.shape[0]
    cdef real* g = ptr(g_)
    cdef real lo = <real>(-c), hi = <real>c
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        g[i] = hi if g[i] > hi else (lo if g[i] < lo else g[i])


def _sumsq(const real[::1] g_):
    """Σ g² in float64."""
    cdef Py_ssize_t i, n = g_.shape[0]
    cdef const real* g = cptr(g_)
    cdef double s = 0.0
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        s += <double>g[i] * g[i]
    return s


def _scale(real[::1] g_, double f):
    cdef Py_ssize_t i, n = g_.shape[0]
    cdef real* g = ptr(g_)
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        g[i] = <real>(g[i] * f)


def _max_norm_cols(real[:, ::1] W, double c):
    """Keras' max-norm of each column of W in place, norms in float64 (constraints.MaxNorm)."""
    cdef Py_ssize_t i, j, rows = W.shape[0], cols = W.shape[1]
    cdef double[::1] acc = np.zeros(cols)
    cdef double nrm
    with nogil:
        for i in range(rows):
            for j in range(cols):
                acc[j] += <double>W[i, j] * W[i, j]
        for j in range(cols):
            nrm = sqrt(acc[j])
            acc[j] = (nrm if nrm < c else c) / (1e-7 + nrm)
        for i in range(rows):
            for j in range(cols):
                W[i, j] = <real>(W[i, j] * acc[j])


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).
# ----------------------------------------------------------------------------


def _squared_norm(g):
    """‖g‖₂² accumulated in float64."""
    return float(_sumsq(np.ascontiguousarray(g).reshape(-1))) if g.size else 0.0


def clip_by_value_(grad, value):
    r"""Clips each entry of ``grad`` to [−value, value] in place (nnlite.optimizers.Optimizer)."""
    checks.clip_by_value_(grad, value)
    flat_in_place(_clip, ref.clip_by_value_, grad, value)


def scale_(arr, factor):
    r"""Multiplies ``arr`` by ``factor`` in place."""
    checks.scale_(arr, factor)
    flat_in_place(_scale, ref.scale_, arr, factor)


def clip_by_norm_(grad, clipnorm):
    r"""Rescales ``grad`` to the norm ``clipnorm`` if larger (nnlite.optimizers.Optimizer)."""
    checks.clip_by_norm_(grad, clipnorm)
    norm = math.sqrt(_squared_norm(grad))
    if norm > clipnorm:
        scale_(grad, clipnorm / norm)


def global_norm(grads):
    r"""The norm of all the gradients together (nnlite.optimizers.Optimizer)."""
    checks.global_norm(grads)
    return math.sqrt(sum(_squared_norm(g) for g in grads))


def max_norm_(W, max_value, axis=0):
    r"""Keras' max-norm constraint on ``W`` in place (equations: nnlite.constraints.MaxNorm)."""
    checks.max_norm_(W, max_value, axis)
    if W.ndim != 2 or axis not in (0, -2) or not inplace_ok(W) or W.size == 0:
        return ref.max_norm_(W, max_value, axis)
    _max_norm_cols(W, float(max_value))
