"""The ``cython`` backend: kernels compiled at install (typed memoryviews,
OpenMP ``prange``, ``scipy.linalg.cython_blas`` sgemm/dgemm), float32 and float64.

Each extension module has the reference's name (``activations.pyx``,
``dense.pyx``, ``batchnorm.pyx``, ``dropout.pyx``, ``losses.pyx``,
``optimizers.pyx``, ``clipping.pyx``, ``rectifiers.pyx``) and holds its
typed loops and its public kernels, plain ``def`` functions with the
reference's names and signatures, imported here by name.  Raises
ImportError with the reason when the extension modules are missing.
"""

from __future__ import annotations

from .. import reference as _reference
from . import _compiled  # noqa: F401  (ImportError with the reason when not compiled)
from .activations import activation_backward, activation_forward  # noqa: F401
from .batchnorm import (  # noqa: F401
    bn_backward,
    bn_forward_infer,
    bn_forward_train,
    bn_moving_update,
    bn_stats,
)
from .clipping import clip_by_norm_, clip_by_value_, global_norm, max_norm_, scale_  # noqa: F401
from .dense import dense_backward, dense_forward  # noqa: F401
from .dropout import (  # noqa: F401
    alpha_dropout_backward,
    alpha_dropout_forward,
    dropout_backward,
    dropout_forward,
    dropout_mask,
    dropout_uniform,
)
from .losses import (  # noqa: F401
    bce_from_probs,
    sigmoid_bce,
    softmax_xent_dense,
    softmax_xent_sparse,
    xent_dense_from_probs,
    xent_sparse_from_probs,
)
from .optimizers import (  # noqa: F401
    adagrad_update,
    adam_update,
    adamax_update,
    adamw_update,
    nadam_update,
    rmsprop_update,
    sgd_momentum_update,
    sgd_update,
)
from .rectifiers import (  # noqa: F401
    prelu_backward,
    prelu_forward,
    relu_general_backward,
    relu_general_forward,
    rrelu_backward,
    rrelu_forward,
)

__all__ = list(_reference.__all__)
