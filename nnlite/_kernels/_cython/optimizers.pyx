# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Cython optimizer kernels: one fused OpenMP pass per tensor, in place.

Each public kernel (``sgd_update`` … ``nadam_update``, the reference's names
and signatures) names its typed loop (``_sgd`` … ``_nadam``);
``host_side/optimizers.py`` checks the arguments and calls the loop on flat
views with the per-step scalars (Adam's step size α, Nadam's schedule
coefficients).  State values below the smallest normal float (``tiny``) are
flushed to zero (subnormals are ~100× slower); see reference/optimizers.py
for the equations.  The loops index raw
pointers taken before the loop (``_floats.pxd``).
"""
from cython.parallel cimport prange
from libc.math cimport fabs, sqrt, sqrtf

from nnlite._kernels.host_side import optimizers as host

from ._floats cimport cptr, ptr, real

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


def _sgd(real[::1] p_, const real[::1] g_, double lr):
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real *p = ptr(p_)
    cdef const real* g = cptr(g_)
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        p[i] = <real>(p[i] - lr * g[i])


def _sgd_momentum(real[::1] p_, const real[::1] g_, real[::1] vel_, double lr, double momentum,
                  bint nesterov, double tiny):
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real *p = ptr(p_), *vel = ptr(vel_)
    cdef const real* g = cptr(g_)
    cdef double m
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        m = ftz(momentum * vel[i] - lr * g[i], tiny)
        vel[i] = <real>m
        if nesterov:
            p[i] = <real>(p[i] + momentum * m - lr * g[i])
        else:
            p[i] = <real>(p[i] + m)


def _adagrad(real[::1] p_, const real[::1] g_, real[::1] acc_, double lr, double eps):
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real *p = ptr(p_), *acc = ptr(acc_)
    cdef const real* g = cptr(g_)
    cdef double s
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        s = acc[i] + <double>g[i] * g[i]
        acc[i] = <real>s
        p[i] = <real>(p[i] - lr * g[i] / sqrt(s + eps))


def _rmsprop(real[::1] p_, const real[::1] g_, real[::1] s_, real[::1] mom_, real[::1] mg_,
             bint use_mom, bint centered, double lr, double rho, double eps, double momentum,
             double tiny):
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real *p = ptr(p_), *s = ptr(s_), *mom = ptr(mom_), *mg = ptr(mg_)
    cdef const real* g = cptr(g_)
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


def _adam(real[::1] p_, const real[::1] g_, real[::1] m_, real[::1] v_, real[::1] vhat_,
          bint amsgrad, double alpha, double b1c, double b2c, double eps, double lr_wd,
          double tiny):
    """AdamW's decay (``lr_wd`` = ηλ, 0 for Adam), then Adam's step with the folded step α.

    Computed in the arrays' precision (like the NumPy reference): float32
    lanes are twice as many per vector as float64 ones, and √ and ÷ dominate.
    """
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real *p = ptr(p_), *m = ptr(m_), *v = ptr(v_), *vhat = ptr(vhat_)
    cdef const real* g = cptr(g_)
    cdef real gi, mi, vi
    cdef real a = <real>alpha, c1 = <real>b1c, c2 = <real>b2c, e = <real>eps
    cdef real wd = <real>lr_wd, t = <real>tiny
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        gi = g[i]
        mi = ftz_r(m[i] + (gi - m[i]) * c1, t)
        vi = ftz_r(v[i] + (gi * gi - v[i]) * c2, t)
        m[i] = mi
        v[i] = vi
        if amsgrad:
            if vhat[i] >= vi or vhat[i] != vhat[i]:  # np.maximum: NaN wins
                vi = vhat[i]
            vhat[i] = vi
        p[i] = p[i] - wd * p[i] - a * mi / (sqrt_r(vi) + e)

def _adamax(real[::1] p_, const real[::1] g_, real[::1] m_, real[::1] u_, double lr_t,
            double b1c, double beta2, double eps, double tiny):
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real *p = ptr(p_), *m = ptr(m_), *u = ptr(u_)
    cdef const real* g = cptr(g_)
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


def _nadam(real[::1] p_, const real[::1] g_, real[::1] m_, real[::1] v_, double lr, double b1c,
           double b2c, double c_m, double c_g, double inv_b2, double eps, double tiny):
    cdef Py_ssize_t i, n = p_.shape[0]
    cdef real *p = ptr(p_), *m = ptr(m_), *v = ptr(v_)
    cdef const real* g = cptr(g_)
    cdef double gi, mi, vi
    for i in prange(n, nogil=True, schedule="static", use_threads_if=n > PARALLEL_MIN):
        gi = g[i]
        mi = ftz(m[i] + (gi - m[i]) * b1c, tiny)
        vi = ftz(v[i] + (gi * gi - v[i]) * b2c, tiny)
        m[i] = <real>mi
        v[i] = <real>vi
        p[i] = <real>(p[i] - lr * (c_m * mi + c_g * gi) / (sqrt(vi * inv_b2) + eps))


# ----------------------------------------------------------------------------
# Public kernels (the reference's signatures).  Arrays that are not
# C-contiguous, writeable and of one float dtype go to the reference instead.
# ----------------------------------------------------------------------------


def sgd_update(param, grad, lr):
    r"""Plain SGD's update of ``param`` in place (equations: nnlite.optimizers.SGD)."""
    return host.sgd_update(param, grad, lr, update=_sgd)


def sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov):
    r"""SGD with momentum (or Nesterov) in place (equations: nnlite.optimizers.SGD).

    The velocity is flushed to zero when subnormal.
    """
    return host.sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov,
                                    update=_sgd_momentum)


def adagrad_update(param, grad, accum, lr, eps):
    r"""AdaGrad's update in place, ε inside the root (equations: nnlite.optimizers.Adagrad)."""
    return host.adagrad_update(param, grad, accum, lr, eps, update=_adagrad)


def rmsprop_update(param, grad, s, lr, rho, eps, mom=None, momentum=0.0, mg=None):
    r"""RMSProp's update, plain, centered or with momentum (equations: nnlite.optimizers.RMSprop).

    The state is flushed to zero when subnormal.
    """
    return host.rmsprop_update(param, grad, s, lr, rho, eps, mom, momentum, mg, update=_rmsprop)


def adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat=None, *, weight_decay=0.0):
    r"""Adam's update in place, AMSGrad with ``vhat`` (equations: nnlite.optimizers.Adam).

    m and v are flushed to zero when subnormal; ``weight_decay`` > 0 gives
    AdamW's decoupled decay (nnlite.optimizers.AdamW), fused in the same pass.
    """
    return host.adam_update(param, grad, m, v, lr, beta1, beta2, eps, t, vhat,
                            weight_decay=weight_decay, update=_adam)


def adamw_update(param, grad, m, v, lr, beta1, beta2, eps, t, weight_decay):
    r"""AdamW's decay and Adam's step fused in one pass (equations: nnlite.optimizers.AdamW)."""
    return host.adamw_update(param, grad, m, v, lr, beta1, beta2, eps, t, weight_decay,
                             update=_adam)


def adamax_update(param, grad, m, u, lr, beta1, beta2, eps, t):
    r"""Adamax's update in place (equations: nnlite.optimizers.Adamax), state flushed to 0."""
    return host.adamax_update(param, grad, m, u, lr, beta1, beta2, eps, t, update=_adamax)


def nadam_update(param, grad, m, v, lr, beta1, beta2, eps, u_t, u_t1, m_sched_new, m_sched_next,
                 t):
    r"""Nadam's update in place (Keras 3; equations: nnlite.optimizers.Nadam).

    The optimizer supplies the momentum-schedule scalars; the loop takes
    them as the two coefficients of m and g in Nadam's corrected momentum.
    """
    return host.nadam_update(param, grad, m, v, lr, beta1, beta2, eps, u_t, u_t1, m_sched_new,
                             m_sched_next, t, update=_nadam)
