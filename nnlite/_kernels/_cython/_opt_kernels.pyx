# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Low-level optimizer and clipping kernels: one fused OpenMP pass, in place.

State values below the smallest normal float (``tiny``) are flushed to zero
(subnormals are ~100× slower); see reference/optimizers.py for the equations.
"""
from cython.parallel cimport prange
from libc.math cimport sqrt, fabs
from ._act cimport real

cdef Py_ssize_t PARALLEL_MIN = 1 << 15


cdef inline double ftz(double x, double tiny) noexcept nogil:
    return x if fabs(x) >= tiny else 0.0


def sgd(real[::1] p, const real[::1] g, double lr):
    cdef Py_ssize_t i, n = p.shape[0]
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        p[i] = <real>(p[i] - lr * g[i])


def sgd_momentum(real[::1] p, const real[::1] g, real[::1] vel, double lr, double momentum,
                 bint nesterov, double tiny):
    cdef Py_ssize_t i, n = p.shape[0]
    cdef double m
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        m = ftz(momentum * vel[i] - lr * g[i], tiny)
        vel[i] = <real>m
        if nesterov:
            p[i] = <real>(p[i] + momentum * m - lr * g[i])
        else:
            p[i] = <real>(p[i] + m)


def adagrad(real[::1] p, const real[::1] g, real[::1] acc, double lr, double eps):
    cdef Py_ssize_t i, n = p.shape[0]
    cdef double s
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        s = acc[i] + <double>g[i] * g[i]
        acc[i] = <real>s
        p[i] = <real>(p[i] - lr * g[i] / sqrt(s + eps))


def rmsprop(real[::1] p, const real[::1] g, real[::1] s, real[::1] mom, real[::1] mg, bint use_mom,
            bint centered, double lr, double rho, double eps, double momentum, double tiny):
    cdef Py_ssize_t i, n = p.shape[0]
    cdef double si, denom, mgi, inc, mi
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        si = ftz(rho * s[i] + (1.0 - rho) * g[i] * g[i], tiny)
        s[i] = <real>si
        denom = si + eps
        if centered:
            mgi = ftz(rho * mg[i] + (1.0 - rho) * g[i], tiny)
            mg[i] = <real>mgi
            denom = denom - mgi * mgi
        inc = lr * g[i] / sqrt(denom)
        if use_mom:
            mi = ftz(momentum * mom[i] + inc, tiny)
            mom[i] = <real>mi
            p[i] = <real>(p[i] - mi)
        else:
            p[i] = <real>(p[i] - inc)


def adam(real[::1] p, const real[::1] g, real[::1] m, real[::1] v, real[::1] vhat, bint amsgrad,
         double alpha, double b1c, double b2c, double eps, double lr_wd, double tiny):
    """θ ← θ − ηλθ − α m/(√v + ε) with m, v updated (AMSGrad: v̂ = max(v̂, v))."""
    cdef Py_ssize_t i, n = p.shape[0]
    cdef double gi, mi, vi
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        gi = g[i]
        mi = ftz(m[i] + (gi - m[i]) * b1c, tiny)
        vi = ftz(v[i] + (gi * gi - v[i]) * b2c, tiny)
        m[i] = <real>mi
        v[i] = <real>vi
        if amsgrad:
            if vhat[i] > vi:
                vi = vhat[i]
            vhat[i] = <real>vi
        p[i] = <real>(p[i] - lr_wd * p[i] - alpha * mi / (sqrt(vi) + eps))


def adamax(real[::1] p, const real[::1] g, real[::1] m, real[::1] u, double lr_t, double b1c,
           double beta2, double eps, double tiny):
    cdef Py_ssize_t i, n = p.shape[0]
    cdef double mi, ui
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        mi = ftz(m[i] + (g[i] - m[i]) * b1c, tiny)
        ui = beta2 * u[i]
        if fabs(g[i]) > ui:
            ui = fabs(g[i])
        ui = ftz(ui, tiny)
        m[i] = <real>mi
        u[i] = <real>ui
        p[i] = <real>(p[i] - lr_t * mi / (ui + eps))


def nadam(real[::1] p, const real[::1] g, real[::1] m, real[::1] v, double lr, double b1c,
          double b2c, double c_m, double c_g, double inv_b2, double eps, double tiny):
    cdef Py_ssize_t i, n = p.shape[0]
    cdef double gi, mi, vi
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        gi = g[i]
        mi = ftz(m[i] + (gi - m[i]) * b1c, tiny)
        vi = ftz(v[i] + (gi * gi - v[i]) * b2c, tiny)
        m[i] = <real>mi
        v[i] = <real>vi
        p[i] = <real>(p[i] - lr * (c_m * mi + c_g * gi) / (sqrt(vi * inv_b2) + eps))


def clip(real[::1] g, double c):
    cdef Py_ssize_t i, n = g.shape[0]
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        if g[i] > c:
            g[i] = <real>c
        elif g[i] < -c:
            g[i] = <real>(-c)


def sumsq(const real[::1] g):
    """Σ g² in float64."""
    cdef Py_ssize_t i, n = g.shape[0]
    cdef double s = 0.0
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        s += <double>g[i] * g[i]
    return s


def scale(real[::1] g, double f):
    cdef Py_ssize_t i, n = g.shape[0]
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        g[i] = <real>(g[i] * f)


def max_norm_cols(real[:, ::1] W, double c):
    """W[:, j] *= clip(n_j, 0, c)/(1e-7 + n_j), n_j the column norms (float64)."""
    import numpy as np
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
