r"""Public batch-norm kernels (x of shape (N, C), statistics per column).

Statistics use *two-level sums*: rows are cut into blocks of ``ROWS``; each
cache-resident block gets its exact two-pass mean and M₂ = Σ(x − μ_b)² in
float64 (``ll.block_stats``, in parallel), and the blocks are merged with
Chan's formula (``ll.merge_stats``):

  δ = μ_b − μ_a,  μ = μ_a + δ n_b/n,  M₂ = M₂a + M₂b + δ² n_a n_b / n,

so x is read once from memory and there is no E[x²] − E[x]² cancellation.
"""

from __future__ import annotations

import numpy as np

ROWS = 64  # rows per statistics block
Arrays5 = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _out(x: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    if out is not None and out.flags.c_contiguous and out.dtype == x.dtype:
        return out
    return np.empty(x.shape, dtype=x.dtype)


def _copy_back(work: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    if out is None or work is out:
        return work
    out[...] = work
    return out


class BatchNormKernels:
    ll: object

    def _stats64(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n, c = x.shape
        nblocks = -(-n // ROWS)
        bmean, bm2 = np.empty((nblocks, c)), np.empty((nblocks, c))
        self.ll.block_stats(x, ROWS, bmean, bm2)
        mean, var = np.empty(c), np.empty(c)
        self.ll.merge_stats(n, ROWS, bmean, bm2, mean, var)
        return mean, var

    def bn_stats(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-column mean and biased variance (float64 two-level sums)."""
        if x.shape[0] == 0:
            nan = np.full(x.shape[1:], np.nan, dtype=x.dtype)
            return nan, nan.copy()
        mean, var = self._stats64(np.ascontiguousarray(x))
        return mean.astype(x.dtype), var.astype(x.dtype)

    def bn_forward_train(self, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                         eps: float, out: np.ndarray | None = None, *,
                         xhat_out: np.ndarray | None = None) -> Arrays5:
        """Training forward: (y, x̂, μ, σ², 1/√(σ²+ε)) — see the reference."""
        x = np.ascontiguousarray(x)
        dt = x.dtype
        if x.shape[0] == 0:
            mean, var = self.bn_stats(x)
            inv = (1.0 / np.sqrt(var.astype(np.float64) + eps)).astype(dt)
            return _copy_back(x.copy(), out), _copy_back(x.copy(), xhat_out), mean, var, inv
        mean, var = self._stats64(x)
        inv_std = 1.0 / np.sqrt(var + eps)
        y, xhat = _out(x, out), _out(x, xhat_out)
        self.ll.normalize(x, mean.astype(dt), inv_std.astype(dt),
                          np.ascontiguousarray(gamma, dt), np.ascontiguousarray(beta, dt),
                          xhat, y, True)
        return (_copy_back(y, out), _copy_back(xhat, xhat_out), mean.astype(dt),
                var.astype(dt), inv_std.astype(dt))

    def bn_forward_infer(self, x: np.ndarray, mean: np.ndarray, var: np.ndarray,
                         gamma: np.ndarray, beta: np.ndarray, eps: float,
                         out: np.ndarray | None = None) -> np.ndarray:
        """Inference forward y = γ(x − μ)/√(σ² + ε) + β with given statistics."""
        x = np.ascontiguousarray(x)
        dt = x.dtype
        inv_std = (1.0 / np.sqrt(np.asarray(var, np.float64) + eps)).astype(dt)
        y = _out(x, out)
        if x.size:
            self.ll.normalize(x, np.ascontiguousarray(mean, dt), inv_std,
                              np.ascontiguousarray(gamma, dt), np.ascontiguousarray(beta, dt),
                              y, y, False)
        return _copy_back(y, out)

    def bn_backward(self, dy: np.ndarray, xhat: np.ndarray, gamma: np.ndarray,
                    inv_std: np.ndarray, *, dx_out: np.ndarray | None = None,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(∂x, ∂γ, ∂β): ∂β = Σδ, ∂γ = Σδx̂, ∂x = (γ·inv_std/N)(Nδ − ∂β − x̂∂γ)."""
        dy = np.ascontiguousarray(dy)
        dt = dy.dtype
        xhat = np.ascontiguousarray(xhat, dtype=dt)
        n, c = dy.shape
        nblocks = max(1, -(-n // ROWS))
        bsum, bdot = np.zeros((nblocks, c)), np.zeros((nblocks, c))
        if n:
            self.ll.grad_sums(dy, xhat, ROWS, bsum, bdot)
        dbeta, dgamma = bsum.sum(axis=0), bdot.sum(axis=0)
        scale = (np.asarray(gamma, np.float64) * inv_std / max(n, 1)).astype(dt)
        dx = _out(dy, dx_out)
        if n:
            self.ll.bn_dx(dy, xhat, scale, dbeta.astype(dt), dgamma.astype(dt), dx)
        return _copy_back(dx, dx_out), dgamma.astype(dt), dbeta.astype(dt)

    def bn_moving_update(self, moving: np.ndarray, batch_value: np.ndarray,
                         momentum: float) -> None:
        """In place: moving ← moving·m + batch·(1 − m) (a few hundred values: NumPy)."""
        moving *= momentum
        moving += batch_value * (1.0 - momentum)
