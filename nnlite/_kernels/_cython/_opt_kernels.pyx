# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Low-level optimizer and clipping kernels: one fused OpenMP pass, in place.

State values below the smallest normal float (``tiny``) are flushed to zero
(subnormals are ~100× slower); see reference/optimizers.py for the equations.
The loops index raw pointers taken before the loop: through a memoryview the
compiler reloads the data pointer after every store (it might alias), which
blocks vectorization.
"""
from cython.parallel cimport prange
from libc.math cimport fabs, sqrt, sqrtf
from ._act cimport real

cdef Py_ssize_t PARALLEL_MIN = 1 << 15


cdef inline double ftz(double x, double tiny) noexcept nogil:
    """Flush-to-zero: |x| < tiny → 0 (NaN stays NaN, like the reference)."""
    return 0.0 if fabs(x) < tiny else x


cdef inline real ftz_r(real x, real tiny) noexcept nogil:
    """Flush-to-zero in the arrays' own precision (NaN stays NaN)."""
    return 0 if (x < tiny and x > -tiny) else x


cdef inline real sqrt_r(real x) noexcept nogil:
    """√x in the arrays' precision (sqrtf for float32)."""
    if real is float:
        return sqrtf(x)
    else:
        return sqrt(x)


cdef inline real* ptr(real[::1] a) noexcept nogil:
    """Data pointer of a C-contiguous memoryview (NULL when empty)."""
    return &a[0] if a.shape[0] else NULL


cdef inline const real* cptr(const real[::1] a) noexcept nogil:
    return &a[0] if a.shape[0] else NULL


def sgd(real[::1] p_, const real[::1] g_, double lr):
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real* p = ptr(p_)
    cdef const real* g = cptr(g_)
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        p[i] = <real>(p[i] - lr * g[i])


def sgd_momentum(real[::1] p_, const real[::1] g_, real[::1] vel_, double lr, double momentum,
                 bint nesterov, double tiny):
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real* p = ptr(p_)
    cdef const real* g = cptr(g_)
    cdef real* vel = ptr(vel_)
    cdef double m
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        m = ftz(momentum * vel[i] - lr * g[i], tiny)
        vel[i] = <real>m
        if nesterov:
            p[i] = <real>(p[i] + momentum * m - lr * g[i])
        else:
            p[i] = <real>(p[i] + m)


def adagrad(real[::1] p_, const real[::1] g_, real[::1] acc_, double lr, double eps):
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real* p = ptr(p_)
    cdef const real* g = cptr(g_)
    cdef real* acc = ptr(acc_)
    cdef double s
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        s = acc[i] + <double>g[i] * g[i]
        acc[i] = <real>s
        p[i] = <real>(p[i] - lr * g[i] / sqrt(s + eps))


def rmsprop(real[::1] p_, const real[::1] g_, real[::1] s_, real[::1] mom_, real[::1] mg_,
            bint use_mom, bint centered, double lr, double rho, double eps, double momentum,
            double tiny):
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real* p = ptr(p_)
    cdef const real* g = cptr(g_)
    cdef real* s = ptr(s_)
    cdef real* mom = ptr(mom_)
    cdef real* mg = ptr(mg_)
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


def adam(real[::1] p_, const real[::1] g_, real[::1] m_, real[::1] v_, real[::1] vhat_,
         bint amsgrad, double alpha, double b1c, double b2c, double eps, double lr_wd,
         double tiny):
    """θ ← θ − ηλθ − α m/(√v + ε) with m, v updated (AMSGrad: v̂ = max(v̂, v)).

    Computed in the arrays' precision (like the NumPy reference): float32
    lanes are twice as many per vector as float64 ones, and √ and ÷ dominate.
    """
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real* p = ptr(p_)
    cdef const real* g = cptr(g_)
    cdef real* m = ptr(m_)
    cdef real* v = ptr(v_)
    cdef real* vhat = ptr(vhat_)
    cdef real gi, mi, vi
    cdef real a = <real>alpha, c1 = <real>b1c, c2 = <real>b2c, e = <real>eps
    cdef real wd = <real>lr_wd, t = <real>tiny
    if amsgrad:
        for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
            gi = g[i]
            mi = ftz_r(m[i] + (gi - m[i]) * c1, t)
            vi = ftz_r(v[i] + (gi * gi - v[i]) * c2, t)
            m[i] = mi
            v[i] = vi
            if vhat[i] >= vi or vhat[i] != vhat[i]:  # np.maximum: NaN wins
                vi = vhat[i]
            vhat[i] = vi
            p[i] = p[i] - wd * p[i] - a * mi / (sqrt_r(vi) + e)
        return
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        gi = g[i]
        mi = ftz_r(m[i] + (gi - m[i]) * c1, t)
        vi = ftz_r(v[i] + (gi * gi - v[i]) * c2, t)
        m[i] = mi
        v[i] = vi
        p[i] = p[i] - wd * p[i] - a * mi / (sqrt_r(vi) + e)


def adamax(real[::1] p_, const real[::1] g_, real[::1] m_, real[::1] u_, double lr_t,
           double b1c, double beta2, double eps, double tiny):
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real* p = ptr(p_)
    cdef const real* g = cptr(g_)
    cdef real* m = ptr(m_)
    cdef real* u = ptr(u_)
    cdef double mi, ui
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        mi = ftz(m[i] + (g[i] - m[i]) * b1c, tiny)
        ui = beta2 * u[i]
        if not (ui >= fabs(g[i]) or ui != ui):  # np.maximum: NaN wins
            ui = fabs(g[i])
        ui = ftz(ui, tiny)
        m[i] = <real>mi
        u[i] = <real>ui
        p[i] = <real>(p[i] - lr_t * mi / (ui + eps))


def nadam(real[::1] p_, const real[::1] g_, real[::1] m_, real[::1] v_, double lr, double b1c,
          double b2c, double c_m, double c_g, double inv_b2, double eps, double tiny):
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real* p = ptr(p_)
    cdef const real* g = cptr(g_)
    cdef real* m = ptr(m_)
    cdef real* v = ptr(v_)
    cdef double gi, mi, vi
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        gi = g[i]
        mi = ftz(m[i] + (gi - m[i]) * b1c, tiny)
        vi = ftz(v[i] + (gi * gi - v[i]) * b2c, tiny)
        m[i] = <real>mi
        v[i] = <real>vi
        p[i] = <real>(p[i] - lr * (c_m * mi + c_g * gi) / (sqrt(vi * inv_b2) + eps))


def clip(real[::1] g_, double c):
    cdef Py_ssize_t i, n = g_.shape[0]
    cdef real* g = ptr(g_)
    cdef real lo = <real>(-c), hi = <real>c
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        g[i] = hi if g[i] > hi else (lo if g[i] < lo else g[i])


def sumsq(const real[::1] g_):
    """Σ g² in float64."""
    cdef Py_ssize_t i, n = g_.shape[0]
    cdef const real* g = cptr(g_)
    cdef double s = 0.0
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        s += <double>g[i] * g[i]
    return s


def scale(real[::1] g_, double f):
    cdef Py_ssize_t i, n = g_.shape[0]
    cdef real* g = ptr(g_)
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
