# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython gradient clipping and weight constraints (in place, OpenMP).

The public kernels (the reference's names and signatures) name the typed
loops (``_clip``, ``_sumsq``, ``_scale``, ``_max_norm_cols``);
``host_side/clipping.py`` checks the arguments and runs them on flat views;
layouts the loops do not take (strided arrays, max-norm along another axis)
use the reference.
"""
import numpy as np

from cython.parallel cimport prange
from libc.math cimport sqrt

from nnlite._kernels.host_side import clipping as host

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


def clip_by_value_(grad, value):
    r"""Clips each entry of ``grad`` to [−value, value] in place (nnlite.optimizers.Optimizer)."""
    return host.clip_by_value_(grad, value, clip=_clip)


def scale_(arr, factor):
    r"""Multiplies ``arr`` by ``factor`` in place."""
    return host.scale_(arr, factor, scale=_scale)


def clip_by_norm_(grad, clipnorm):
    r"""Rescales ``grad`` to the norm ``clipnorm`` if larger (nnlite.optimizers.Optimizer)."""
    return host.clip_by_norm_(grad, clipnorm, sumsq=_sumsq, scale_=scale_)


def global_norm(grads):
    r"""The norm of all the gradients together (nnlite.optimizers.Optimizer)."""
    return host.global_norm(grads, sumsq=_sumsq)


def max_norm_(W, max_value, axis=0):
    r"""Keras' max-norm constraint on ``W`` in place (equations: nnlite.constraints.MaxNorm)."""
    return host.max_norm_(W, max_value, axis, max_norm_cols=_max_norm_cols)
