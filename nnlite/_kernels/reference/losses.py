r"""Reference fused loss kernels: value per sample and gradient in one call.

Each returns ``(loss, grad)`` where ``loss`` has one value per sample and
``grad`` is ``scale · ∂loss/∂z`` with respect to the **pre-activation** z of
the output layer (so the softmax/sigmoid Jacobian never has to be formed).
``scale`` is usually 1/N (mean over the batch).

From logits z (``from_logits=True``):
  softmax CE:  ℓ = logsumexp(z) − z_y,          ∂ℓ/∂z = softmax(z) − onehot(y)
  sigmoid BCE: ℓ = max(z,0) − zy + log(1+e^{−|z|}), ∂ℓ/∂z = σ(z) − y
From probabilities p (Keras' default with a softmax/sigmoid output layer):
  ℓ = −log(clip(p_y, ε, 1−ε)),  and the same ∂ℓ/∂z = p − y (exact when unclipped).

Scores have shape (n, k), or (..., k) with one loss per leading index (a
sequence of predictions); dense targets have the scores' shape, sparse labels
the shape of the scores without the class axis.  ``checks`` refuses anything
else before any arithmetic.
"""

from __future__ import annotations

import numpy as np

from .. import checks

EPSILON = 1e-7  # Keras' backend.epsilon(), used to clip probabilities


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _by_rows(kernel, p: np.ndarray, y: np.ndarray, *args) -> tuple[np.ndarray, np.ndarray]:
    """Run a sparse kernel on scores (..., k) as rows (n, k), and reshape back."""
    loss, grad = kernel(p.reshape(-1, p.shape[-1]), y.reshape(-1), *args)
    return loss.reshape(y.shape), grad.reshape(p.shape)


def softmax_xent_sparse(z: np.ndarray, y: np.ndarray, scale: float
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Sparse softmax cross-entropy from logits z (n, k) and int labels y (n,)."""
    checks.softmax_xent_sparse(z, y, scale)
    if z.ndim != 2:
        return _by_rows(softmax_xent_sparse, z, y, scale)
    rows = np.arange(z.shape[0])
    zmax = z.max(axis=-1, keepdims=True)
    log_sum = np.log(np.exp(z - zmax).sum(axis=-1)) + zmax[:, 0]
    loss = log_sum - z[rows, y]
    grad = _softmax(z)
    grad[rows, y] -= 1.0
    grad *= scale
    return loss, grad


def softmax_xent_dense(z: np.ndarray, t: np.ndarray, scale: float
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Softmax cross-entropy from logits z and one-hot (or soft) targets t."""
    checks.softmax_xent_dense(z, t, scale)
    zmax = z.max(axis=-1, keepdims=True)
    log_p = z - zmax - np.log(np.exp(z - zmax).sum(axis=-1, keepdims=True))
    loss = -(t * log_p).sum(axis=-1)
    grad = (np.exp(log_p) * t.sum(axis=-1, keepdims=True) - t) * scale
    return loss, grad


def sigmoid_bce(z: np.ndarray, t: np.ndarray, scale: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """Binary cross-entropy from logits z and targets t in [0, 1] (same shape).

    The loss is averaged over the last axis (Keras), so ``grad`` includes
    that 1/k factor.
    """
    checks.sigmoid_bce(z, t, scale)
    k = z.shape[-1]
    loss = (np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))).mean(axis=-1)
    e = np.exp(-np.abs(z))
    sig = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return loss, (sig - t) * (scale / k)


def xent_sparse_from_probs(p: np.ndarray, y: np.ndarray, scale: float,
                           eps: float = EPSILON) -> tuple[np.ndarray, np.ndarray]:
    """Sparse CE from softmax probabilities p; grad is w.r.t. the logits."""
    checks.xent_sparse_from_probs(p, y, scale, eps)
    if p.ndim != 2:
        return _by_rows(xent_sparse_from_probs, p, y, scale, eps)
    rows = np.arange(p.shape[0])
    loss = -np.log(np.clip(p[rows, y], eps, 1 - eps))
    grad = p * scale
    grad[rows, y] -= scale
    return loss, grad


def xent_dense_from_probs(p: np.ndarray, t: np.ndarray, scale: float,
                          eps: float = EPSILON) -> tuple[np.ndarray, np.ndarray]:
    """Categorical CE from softmax probabilities p and targets t."""
    checks.xent_dense_from_probs(p, t, scale, eps)
    loss = -(t * np.log(np.clip(p, eps, 1 - eps))).sum(axis=-1)
    grad = (p * t.sum(axis=-1, keepdims=True) - t) * scale
    return loss, grad


def bce_from_probs(p: np.ndarray, t: np.ndarray, scale: float,
                   eps: float = EPSILON) -> tuple[np.ndarray, np.ndarray]:
    """Binary CE from sigmoid probabilities p; grad is w.r.t. the logits."""
    checks.bce_from_probs(p, t, scale, eps)
    k = p.shape[-1]
    pc = np.clip(p, eps, 1 - eps)
    loss = -(t * np.log(pc) + (1 - t) * np.log(1 - pc)).mean(axis=-1)
    return loss, (p - t) * (scale / k)
