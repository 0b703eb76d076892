"""Public fused loss kernels on top of the row-wise low-level loss kernels.

Scores of any shape (..., k) are handed to the low-level kernels as rows
(n, k); ``checks`` has made sure that the targets have the scores' shape and
that every sparse label is in [0, k), which the unchecked loops index with.
"""

from __future__ import annotations

import numpy as np

from .. import checks
from .._common import as2d
from ..reference.losses import EPSILON

Pair = tuple[np.ndarray, np.ndarray]


class LossKernels:
    ll: object

    def _sparse(self, kernel, p, y, scale, *extra) -> Pair:
        z2 = as2d(p)
        labels = np.ascontiguousarray(y, dtype=np.int64).reshape(-1)
        loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
        kernel(z2, z2[:0, :0], labels, True, float(scale), *extra, loss, grad)
        return loss.reshape(p.shape[:-1]), grad.reshape(p.shape)

    def _dense(self, kernel, p, t, scale, *extra) -> Pair:
        z2 = as2d(p)
        t2 = as2d(np.asarray(t, dtype=z2.dtype))
        loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
        kernel(z2, t2, np.zeros(0, np.int64), False, float(scale), *extra, loss, grad)
        return loss.reshape(p.shape[:-1]), grad.reshape(p.shape)

    def softmax_xent_sparse(self, z: np.ndarray, y: np.ndarray, scale: float) -> Pair:
        """Sparse softmax cross-entropy from logits z (n, k) and int labels y (n,)."""
        checks.softmax_xent_sparse(z, y, scale)
        return self._sparse(self.ll.softmax_xent, z, y, scale)

    def softmax_xent_dense(self, z: np.ndarray, t: np.ndarray, scale: float) -> Pair:
        """Softmax cross-entropy from logits z and one-hot (or soft) targets t."""
        checks.softmax_xent_dense(z, t, scale)
        return self._dense(self.ll.softmax_xent, z, t, scale)

    def xent_sparse_from_probs(self, p: np.ndarray, y: np.ndarray, scale: float,
                               eps: float = EPSILON) -> Pair:
        """Sparse CE from softmax probabilities p; grad is w.r.t. the logits."""
        checks.xent_sparse_from_probs(p, y, scale, eps)
        return self._sparse(self.ll.xent_probs, p, y, scale, float(eps))

    def xent_dense_from_probs(self, p: np.ndarray, t: np.ndarray, scale: float,
                              eps: float = EPSILON) -> Pair:
        """Categorical CE from softmax probabilities p and targets t."""
        checks.xent_dense_from_probs(p, t, scale, eps)
        return self._dense(self.ll.xent_probs, p, t, scale, float(eps))

    def sigmoid_bce(self, z: np.ndarray, t: np.ndarray, scale: float) -> Pair:
        """Binary CE from logits z and targets t (loss averaged over the last axis)."""
        checks.sigmoid_bce(z, t, scale)
        z2 = as2d(z)
        t2 = as2d(np.asarray(t, dtype=z2.dtype))
        loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
        self.ll.sigmoid_bce(z2, t2, float(scale), loss, grad)
        return loss.reshape(z.shape[:-1]), grad.reshape(z.shape)

    def bce_from_probs(self, p: np.ndarray, t: np.ndarray, scale: float,
                       eps: float = EPSILON) -> Pair:
        """Binary CE from sigmoid probabilities p; grad is w.r.t. the logits."""
        checks.bce_from_probs(p, t, scale, eps)
        z2 = as2d(p)
        t2 = as2d(np.asarray(t, dtype=z2.dtype))
        loss, grad = np.empty(z2.shape[0], z2.dtype), np.empty_like(z2)
        self.ll.bce_probs(z2, t2, float(scale), float(eps), loss, grad)
        return loss.reshape(p.shape[:-1]), grad.reshape(p.shape)
