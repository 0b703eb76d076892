"""The NumPy reference backend: the specification every backend must match.

Each family lives in its own module; this package re-exports every kernel.
"""

from .activations import activation_backward, activation_forward
from .dense import dense_backward, dense_forward
from .losses import (
    bce_from_probs,
    sigmoid_bce,
    softmax_xent_dense,
    softmax_xent_sparse,
    xent_dense_from_probs,
    xent_sparse_from_probs,
)
from .optimizers import sgd_momentum_update, sgd_update

__all__ = [
    "activation_forward", "activation_backward",
    "dense_forward", "dense_backward",
    "softmax_xent_sparse", "softmax_xent_dense", "sigmoid_bce",
    "xent_sparse_from_probs", "xent_dense_from_probs", "bce_from_probs",
    "sgd_update", "sgd_momentum_update",
]
