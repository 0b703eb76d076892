"""The ``cython`` backend: kernels compiled at install (typed memoryviews,
OpenMP ``prange``, ``scipy.linalg.cython_blas`` sgemm/dgemm), float32 and float64.

The ``_*_kernels.pyx`` modules hold the low-level loops; ``_host.HostKernels``
wraps them into the public kernels (same signatures as the reference).
Raises ImportError with the reason when the extension modules are missing.
"""

from __future__ import annotations

from types import SimpleNamespace

try:
    from . import (
        _act_kernels,
        _dense_kernels,
        _dropout_kernels,
        _loss_kernels,
        _rectifier_kernels,
        batchnorm,  # noqa: F401
        clipping,  # noqa: F401
        optimizers,  # noqa: F401
    )
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
from .clipping import (  # noqa: E402, F401
    clip_by_norm_,
    clip_by_value_,
    global_norm,
    max_norm_,
    scale_,
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

_a, _d, _l = _act_kernels, _dropout_kernels, _loss_kernels
_r = _rectifier_kernels
#: Families still built by ``_host.HostKernels`` from these low-level loops.
LOW_LEVEL = SimpleNamespace(
    bias_act_2d=_a.bias_act_2d, act_grad_2d=_a.act_grad_2d, gemm=_dense_kernels.gemm_rm,
    softmax_xent=_l.softmax_xent, sigmoid_bce=_l.sigmoid_bce, xent_probs=_l.xent_probs,
    bce_probs=_l.bce_probs,
    uniform=_d.uniform, mask=_d.mask, dropout_fwd=_d.dropout_fwd, dropout_bwd=_d.dropout_bwd,
    prelu_fwd=_r.prelu_fwd, prelu_bwd=_r.prelu_bwd, relu_general_fwd=_r.relu_general_fwd,
    relu_general_bwd=_r.relu_general_bwd, rrelu_fwd=_r.rrelu_fwd, rrelu_bwd=_r.rrelu_bwd,
)
HOST_KERNELS = [
    "activation_forward", "activation_backward", "dense_forward", "dense_backward",
    "softmax_xent_sparse", "softmax_xent_dense", "sigmoid_bce",
    "xent_sparse_from_probs", "xent_dense_from_probs", "bce_from_probs",
    "dropout_uniform", "dropout_mask", "dropout_forward", "dropout_backward",
    "alpha_dropout_forward", "alpha_dropout_backward",
    "prelu_forward", "prelu_backward", "relu_general_forward", "relu_general_backward",
    "rrelu_forward", "rrelu_backward",
]
globals().update(HostKernels(LOW_LEVEL).export(HOST_KERNELS))
__all__ = list(_reference.__all__)
