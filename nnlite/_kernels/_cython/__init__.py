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
        _bn_kernels,
        _dense_kernels,
        _dropout_kernels,
        _loss_kernels,
        _opt_kernels,
        _rectifier_kernels,
    )
except ImportError as exc:
    raise ImportError(
        f"nnlite Cython kernels are not compiled ({exc}): run "
        "`pip install --no-build-isolation -e .` or `python setup.py build_ext --inplace`"
    ) from exc

from .. import reference as _reference  # noqa: E402
from .._host import HostKernels  # noqa: E402

_a, _b, _d, _o, _l = _act_kernels, _bn_kernels, _dropout_kernels, _opt_kernels, _loss_kernels
_r = _rectifier_kernels
#: The low-level kernels, under the names ``HostKernels`` expects.
LOW_LEVEL = SimpleNamespace(
    bias_act_2d=_a.bias_act_2d, act_grad_2d=_a.act_grad_2d, gemm=_dense_kernels.gemm_rm,
    softmax_xent=_l.softmax_xent, sigmoid_bce=_l.sigmoid_bce, xent_probs=_l.xent_probs,
    bce_probs=_l.bce_probs,
    block_stats=_b.block_stats, merge_stats=_b.merge_stats, normalize=_b.normalize,
    grad_sums=_b.grad_sums, bn_dx=_b.bn_dx,
    uniform=_d.uniform, mask=_d.mask, dropout_fwd=_d.dropout_fwd, dropout_bwd=_d.dropout_bwd,
    sgd=_o.sgd, sgd_momentum=_o.sgd_momentum, adagrad=_o.adagrad, rmsprop=_o.rmsprop,
    adam=_o.adam, adamax=_o.adamax, nadam=_o.nadam,
    clip=_o.clip, sumsq=_o.sumsq, scale=_o.scale, max_norm_cols=_o.max_norm_cols,
    prelu_fwd=_r.prelu_fwd, prelu_bwd=_r.prelu_bwd, relu_general_fwd=_r.relu_general_fwd,
    relu_general_bwd=_r.relu_general_bwd, rrelu_fwd=_r.rrelu_fwd, rrelu_bwd=_r.rrelu_bwd,
)

__all__ = list(_reference.__all__)
globals().update(HostKernels(LOW_LEVEL).export(__all__))
