"""The NumPy reference backend: the specification every backend must match.

Each family lives in its own module; this package re-exports every kernel.
"""

from .activations import activation_backward, activation_forward
from .batchnorm import (
    bn_backward,
    bn_forward_infer,
    bn_forward_train,
    bn_moving_update,
    bn_stats,
)
from .clipping import clip_by_norm_, clip_by_value_, global_norm, max_norm_, scale_
from .dense import dense_backward, dense_forward
from .dropout import (
    alpha_dropout_backward,
    alpha_dropout_forward,
    dropout_backward,
    dropout_forward,
    dropout_mask,
    dropout_uniform,
)
from .losses import (
    bce_from_probs,
    sigmoid_bce,
    softmax_xent_dense,
    softmax_xent_sparse,
    xent_dense_from_probs,
    xent_sparse_from_probs,
)
from .optimizers import (
    adagrad_update,
    adam_update,
    adamax_update,
    adamw_update,
    nadam_update,
    rmsprop_update,
    sgd_momentum_update,
    sgd_update,
)
from .rectifiers import (
    prelu_backward,
    prelu_forward,
    relu_general_backward,
    relu_general_forward,
    rrelu_backward,
    rrelu_forward,
)

__all__ = [
    "activation_forward", "activation_backward",
    "dense_forward", "dense_backward",
    "softmax_xent_sparse", "softmax_xent_dense", "sigmoid_bce",
    "xent_sparse_from_probs", "xent_dense_from_probs", "bce_from_probs",
    "sgd_update", "sgd_momentum_update",
    "adagrad_update", "rmsprop_update", "adam_update", "adamw_update",
    "adamax_update", "nadam_update",
    "clip_by_value_", "clip_by_norm_", "global_norm", "scale_", "max_norm_",
    "bn_stats", "bn_forward_train", "bn_forward_infer", "bn_backward", "bn_moving_update",
    "dropout_uniform", "dropout_mask", "dropout_forward", "dropout_backward",
    "alpha_dropout_forward", "alpha_dropout_backward",
    "prelu_forward", "prelu_backward", "relu_general_forward", "relu_general_backward",
    "rrelu_forward", "rrelu_backward",
]
