"""The host side of the compiled fused loss kernels, written once for numba, Cython and CUDA:
check the arguments, give the backend's row loop the scores as C-contiguous rows (n, k)
with the targets or the int64 labels (:func:`~nnlite._kernels.host_arrays.loss_rows`),
and return (loss per sample, gradient shaped like the scores).

The loop a backend passes in, ``per_row``, is called as
``per_row(rows, t, [labels, sparse,] scale, [eps,] loss, grad)``: the signature of its
loops ``_softmax_xent``, ``_xent_probs`` (labels and soft targets), ``_sigmoid_bce`` and
``_bce_probs``.  ``checks`` has made sure that the targets have the scores' shape and
that every sparse label is in [0, k), which the unchecked loops index with.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import checks
from ..host_arrays import flat_in, loss_rows
from ..reference.losses import EPSILON

Pair = tuple[np.ndarray, np.ndarray]
NO_LABELS = np.zeros(0, np.int64)  # the loops' labels argument with soft targets


def softmax_xent_sparse(z: np.ndarray, y: np.ndarray, scale: float, *,
                        per_row: Callable) -> Pair:
    """(loss, grad) of sparse softmax cross-entropy from logits z and int labels y."""
    checks.softmax_xent_sparse(z, y, scale)
    return loss_rows(per_row, z, None, flat_in(y, np.int64), True, float(scale))


def softmax_xent_dense(z: np.ndarray, t: np.ndarray, scale: float, *,
                       per_row: Callable) -> Pair:
    """(loss, grad) of softmax cross-entropy from logits z and targets t."""
    checks.softmax_xent_dense(z, t, scale)
    return loss_rows(per_row, z, t, NO_LABELS, False, float(scale))


def xent_sparse_from_probs(p: np.ndarray, y: np.ndarray, scale: float, eps: float = EPSILON,
                           *, per_row: Callable) -> Pair:
    """(loss, grad) of sparse cross-entropy from probabilities p and int labels y."""
    checks.xent_sparse_from_probs(p, y, scale, eps)
    return loss_rows(per_row, p, None, flat_in(y, np.int64), True, float(scale), float(eps))


def xent_dense_from_probs(p: np.ndarray, t: np.ndarray, scale: float, eps: float = EPSILON,
                          *, per_row: Callable) -> Pair:
    """(loss, grad) of cross-entropy from probabilities p and targets t."""
    checks.xent_dense_from_probs(p, t, scale, eps)
    return loss_rows(per_row, p, t, NO_LABELS, False, float(scale), float(eps))


def sigmoid_bce(z: np.ndarray, t: np.ndarray, scale: float, *, per_row: Callable) -> Pair:
    """(loss, grad) of binary cross-entropy from logits z and targets t."""
    checks.sigmoid_bce(z, t, scale)
    return loss_rows(per_row, z, t, float(scale))


def bce_from_probs(p: np.ndarray, t: np.ndarray, scale: float, eps: float = EPSILON, *,
                   per_row: Callable) -> Pair:
    """(loss, grad) of binary cross-entropy from probabilities p and targets t."""
    checks.bce_from_probs(p, t, scale, eps)
    return loss_rows(per_row, p, t, float(scale), float(eps))
