"""The ``numba`` backend: ``@njit(cache=True)`` CPU kernels, one module per family.

Importing raises ImportError with the reason when numba is missing or
cannot compile on this machine, so the registry can report why and fall
back.  ``NNLITE_NUMBA_CACHE=0`` disables the on-disk cache.
"""

from __future__ import annotations

try:
    import numba
except Exception as exc:  # pragma: no cover - depends on the environment
    raise ImportError(f"numba is not importable ({type(exc).__name__}: {exc})") from exc

try:  # a smoke test (cached after the first run): can numba compile here?
    from ._jit import probe

    probe(1)
except Exception as exc:  # pragma: no cover
    raise ImportError(f"numba {numba.__version__} cannot compile ({exc})") from exc

from .activations import activation_backward, activation_forward  # noqa: E402
from .batchnorm import (  # noqa: E402
    bn_backward,
    bn_forward_infer,
    bn_forward_train,
    bn_moving_update,
    bn_stats,
)
from .clipping import clip_by_norm_, clip_by_value_, global_norm, max_norm_, scale_  # noqa: E402
from .dense import dense_backward, dense_forward  # noqa: E402
from .dropout import (  # noqa: E402
    alpha_dropout_backward,
    alpha_dropout_forward,
    dropout_backward,
    dropout_forward,
    dropout_mask,
    dropout_uniform,
)
from .losses import (  # noqa: E402
    bce_from_probs,
    sigmoid_bce,
    softmax_xent_dense,
    softmax_xent_sparse,
    xent_dense_from_probs,
    xent_sparse_from_probs,
)
from .optimizers import (  # noqa: E402
    adagrad_update,
    adam_update,
    adamax_update,
    adamw_update,
    nadam_update,
    rmsprop_update,
    sgd_momentum_update,
    sgd_update,
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
]
