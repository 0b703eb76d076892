"""The ``cuda`` backend: numba.cuda kernels for every family.

Each module has the reference's name (``activations``, ``dense``,
``batchnorm``, ``dropout``, ``losses``, ``optimizers``, ``clipping``,
``rectifiers``) and holds its ``@cuda.jit``
kernels, their launchers (grid-stride loops, a tiled shared-memory GEMM,
per-column reductions, the counter-based dropout RNG; they accept NumPy
arrays, copied to the GPU and back, or device arrays, used in place) and its
public kernels, plain functions with the reference's names and signatures
(host arrays), imported here by name.

Importing raises ImportError when no GPU is usable.  Under the CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``) it loads so the kernels can be *tested*, but
``"auto"`` never selects it (see ``SIMULATED``).
"""

from __future__ import annotations

from .. import reference as _reference
from ._gpu_available import SIMULATED  # noqa: F401  (ImportError when no GPU is usable)
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
