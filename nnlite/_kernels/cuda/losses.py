"""CUDA fused loss kernels: one thread per row (see reference/losses.py)."""

from __future__ import annotations

import math

from numba import cuda

from ._device import clamp, dmax
from ._launch import launcher


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


softmax_xent = launcher(_softmax_xent, (5, 6), _rows)
sigmoid_bce = launcher(_sigmoid_bce, (3, 4), _rows)
xent_probs = launcher(_xent_probs, (6, 7), _rows)
bce_probs = launcher(_bce_probs, (4, 5), _rows)
