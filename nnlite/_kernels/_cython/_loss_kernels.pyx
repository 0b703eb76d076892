# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Low-level fused loss kernels, one pass per row (see reference/losses.py)."""
from libc.math cimport exp, log, log1p, fabs
from ._act cimport real


def softmax_xent(const real[:, ::1] z, const real[:, ::1] t, const long long[::1] y, bint sparse, double scale,
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


def sigmoid_bce(const real[:, ::1] z, const real[:, ::1] t, double scale, real[::1] loss,
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


def xent_probs(const real[:, ::1] p, const real[:, ::1] t, const long long[::1] y, bint sparse, double scale,
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


def bce_probs(const real[:, ::1] p, const real[:, ::1] t, double scale, double eps, real[::1] loss,
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
