r"""CUDA optimizer and clipping kernels: grid-stride loops, in place.

Equations as in reference/optimizers.py; subnormal state values are flushed
to zero (|x| < tiny → 0).  ``sumsq`` reduces with one atomic add per thread.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from ._device import clamp, dmin
from ._launch import THREADS, _to_device, blocks_for, launcher, simulated_launch


@cuda.jit(device=True)
def ftz(x, tiny):
    return x if abs(x) >= tiny else 0.0 * x


@cuda.jit(device=True)
def nanmax(a, b):
    """max(a, b) that propagates NaN like ``np.maximum``."""
    return a if (a >= b or a != a) else b


@cuda.jit
def _sgd(p, g, lr):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        p[i] -= lr * g[i]


@cuda.jit
def _sgd_momentum(p, g, vel, lr, momentum, nesterov, tiny):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        m = ftz(momentum * vel[i] - lr * g[i], tiny)
        vel[i] = m
        p[i] += momentum * m - lr * g[i] if nesterov else m


@cuda.jit
def _adagrad(p, g, acc, lr, eps):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        s = acc[i] + g[i] * g[i]
        acc[i] = s
        p[i] -= lr * g[i] / math.sqrt(s + eps)


@cuda.jit
def _rmsprop(p, g, s, mom, mg, use_mom, centered, lr, rho, eps, momentum, tiny):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        si = ftz(rho * s[i] + (1.0 - rho) * g[i] * g[i], tiny)
        s[i] = si
        denom = si + eps
        if centered:
            mgi = ftz(rho * mg[i] + (1.0 - rho) * g[i], tiny)
            mg[i] = mgi
            denom -= mgi * mgi
        inc = lr * g[i] / math.sqrt(denom)
        if use_mom:
            mi = ftz(momentum * mom[i] + inc, tiny)
            mom[i] = mi
            p[i] -= mi
        else:
            p[i] -= inc


@cuda.jit
def _adam(p, g, m, v, vhat, amsgrad, alpha, b1c, b2c, eps, lr_wd, tiny):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        gi = g[i]
        mi = ftz(m[i] + (gi - m[i]) * b1c, tiny)
        vi = ftz(v[i] + (gi * gi - v[i]) * b2c, tiny)
        m[i] = mi
        v[i] = vi
        if amsgrad:
            vi = nanmax(vhat[i], vi)
            vhat[i] = vi
        p[i] = p[i] - lr_wd * p[i] - alpha * mi / (math.sqrt(vi) + eps)


@cuda.jit
def _adamax(p, g, m, u, lr_t, b1c, beta2, eps, tiny):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        mi = ftz(m[i] + (g[i] - m[i]) * b1c, tiny)
        ui = ftz(nanmax(beta2 * u[i], abs(g[i])), tiny)
        m[i] = mi
        u[i] = ui
        p[i] -= lr_t * mi / (ui + eps)


@cuda.jit
def _nadam(p, g, m, v, lr, b1c, b2c, c_m, c_g, inv_b2, eps, tiny):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        gi = g[i]
        mi = ftz(m[i] + (gi - m[i]) * b1c, tiny)
        vi = ftz(v[i] + (gi * gi - v[i]) * b2c, tiny)
        m[i] = mi
        v[i] = vi
        p[i] -= lr * (c_m * mi + c_g * gi) / (math.sqrt(vi * inv_b2) + eps)


@cuda.jit
def _clip(g, c):
    for i in range(cuda.grid(1), g.shape[0], cuda.gridsize(1)):
        g[i] = clamp(g[i], -c, c)


@cuda.jit
def _scale(g, f):
    for i in range(cuda.grid(1), g.shape[0], cuda.gridsize(1)):
        g[i] *= f


@cuda.jit
def _sumsq(g, out):
    s = 0.0
    for i in range(cuda.grid(1), g.shape[0], cuda.gridsize(1)):
        s += g[i] * g[i]
    cuda.atomic.add(out, 0, s)


@cuda.jit
def _max_norm_cols(W, c):
    rows, cols = W.shape
    for j in range(cuda.grid(1), cols, cuda.gridsize(1)):
        s = 0.0
        for i in range(rows):
            s += W[i, j] * W[i, j]
        n = math.sqrt(s)
        f = dmin(n, c) / (1e-7 + n)
        for i in range(rows):
            W[i, j] *= f


def _n(p, *_):
    return p.size


sgd = launcher(_sgd, (0,), _n)
sgd_momentum = launcher(_sgd_momentum, (0, 2), _n)
adagrad = launcher(_adagrad, (0, 2), _n)
rmsprop = launcher(_rmsprop, (0, 2, 3, 4), _n)
adam = launcher(_adam, (0, 2, 3, 4), _n)
adamax = launcher(_adamax, (0, 2, 3), _n)
nadam = launcher(_nadam, (0, 2, 3), _n)
clip = launcher(_clip, (0,), _n)
scale = launcher(_scale, (0,), _n)
max_norm_cols = launcher(_max_norm_cols, (0,), lambda W, c: W.shape[1])


def sumsq(g) -> float:
    """Σ g² (float64 accumulator, one atomic add per thread)."""
    out = cuda.to_device(np.zeros(1))
    with simulated_launch():
        _sumsq[blocks_for(g.size), THREADS](_to_device(g), out)
    return float(out.copy_to_host()[0])
