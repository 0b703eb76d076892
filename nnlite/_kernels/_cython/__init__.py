"""The ``cython`` backend: kernels compiled at install (typed memoryviews,
OpenMP ``prange``, ``scipy.linalg.cython_blas`` sgemm/dgemm), float32 and float64.

Each extension module has the reference's name (``batchnorm.pyx``,
``dropout.pyx``, ``losses.pyx``, ``optimizers.pyx``, ``clipping.pyx``,
``rectifiers.pyx``, ...) and holds its typed loops and its public kernels,
plain ``def`` functions with the reference's names and signatures, imported
here by name.  Raises ImportError with the reason when the extension
modules are missing.
"""

from __future__ import annotations

from types import SimpleNamespace

try:
    from . import _act_kernels, _dense_kernels, batchnorm  # noqa: F401
except ImportError as exc:
    raise ImportError(
        f"nnlite Cython kernels are not compiled ({exc}): run "
        "`pip install --no-build-isolation -e .` or `python setup.py build_ext --inplace`"
    ) from exc

from .. import reference as _reference  # noqa: E402
from .._host import HostKernels  # noqa: E402
from .batchnorm import (  # noqa: E402, F401
    bn_backward,
    bn_forward_infer,
    bn_forward_train,
    bn_moving_update,
    bn_stats,
)
from .clipping import clip_by_norm_, clip_by_value_, global_norm, max_norm_, scale_  # noqa: E402, F401
from .dropout import (  # noqa: E402, F401
    alpha_dropout_backward,
    alpha_dropout_forward,
    dropout_backward,
    dropout_forward,
    dropout_mask,
    dropout_uniform,
)
from .losses import (  # noqa: E402, F401
    bce_from_probs,
    sigmoid_bce,
    softmax_xent_dense,
    softmax_xent_sparse,
    xent_dense_from_probs,
    xent_sparse_from_probs,
)
from .optimizers import (  # noqa: E402, F401
    adagrad_update,
    adam_update,
    adamax_update,
    adamw_update,
    nadam_update,
    rmsprop_update,
    sgd_momentum_update,
    sgd_update,
)
from .rectifiers import (  # noqa: E402, F401
    prelu_backward,
    prelu_forward,
    relu_general_backward,
    relu_general_forward,
    rrelu_backward,
    rrelu_forward,
)

# The activation and dense families still come from ``_host.HostKernels``
# wrapped around this backend's low-level loops; they move to plain defs in
# ``activations`` and ``dense`` like the families above, next.
LOW_LEVEL = SimpleNamespace(
    bias_act_2d=_act_kernels.bias_act_2d, act_grad_2d=_act_kernels.act_grad_2d,
    gemm=_dense_kernels.gemm_rm,
)
HOST_FAMILIES = ["activation_forward", "activation_backward", "dense_forward", "dense_backward"]
globals().update(HostKernels(LOW_LEVEL).export(HOST_FAMILIES))

__all__ = list(_reference.__all__)
