"""The ``cuda`` backend: numba.cuda kernels for every family.

Low-level kernels (grid-stride loops, a tiled shared-memory GEMM, per-column
reductions, the counter-based dropout RNG) accept NumPy arrays (copied to the
GPU and back) or device arrays (used in place); ``_host.HostKernels`` wraps
them into the public kernels with the reference signatures (host arrays).

Importing raises ImportError when no GPU is usable.  Under the CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``) it loads so the kernels can be *tested*, but
``"auto"`` never selects it (see ``SIMULATED``).
"""

from __future__ import annotations

import os
from types import SimpleNamespace

SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"

try:
    from numba import cuda
except Exception as exc:  # pragma: no cover
    raise ImportError(f"numba.cuda is not importable ({exc})") from exc

if not SIMULATED and not cuda.is_available():
    raise ImportError("no usable CUDA GPU (numba.cuda.is_available() is False); "
                      "set NUMBA_ENABLE_CUDASIM=1 to run the kernels in the simulator")

from .. import reference as _reference  # noqa: E402
from .._common import ACT_CODE  # noqa: E402
from .._host import HostKernels  # noqa: E402
from . import activations, batchnorm, dense, dropout, losses, optimizers  # noqa: E402
from . import rectifiers as _r  # noqa: E402

_o = optimizers
#: The low-level kernels, under the names ``HostKernels`` expects.
LOW_LEVEL = SimpleNamespace(
    bias_act_2d=activations.bias_act_2d, act_grad_2d=activations.act_grad_2d, gemm=dense.gemm,
    simd_phi=frozenset(ACT_CODE.values()),  # every φ on the device, none by NumPy on the host
    softmax_xent=losses.softmax_xent, sigmoid_bce=losses.sigmoid_bce,
    xent_probs=losses.xent_probs, bce_probs=losses.bce_probs,
    block_stats=batchnorm.block_stats, merge_stats=batchnorm.merge_stats,
    normalize=batchnorm.normalize, grad_sums=batchnorm.grad_sums, bn_dx=batchnorm.bn_dx,
    uniform=dropout.uniform, mask=dropout.mask, dropout_fwd=dropout.dropout_fwd,
    dropout_bwd=dropout.dropout_bwd,
    sgd=_o.sgd, sgd_momentum=_o.sgd_momentum, adagrad=_o.adagrad, rmsprop=_o.rmsprop,
    adam=_o.adam, adamax=_o.adamax, nadam=_o.nadam,
    clip=_o.clip, sumsq=_o.sumsq, scale=_o.scale, max_norm_cols=_o.max_norm_cols,
    prelu_fwd=_r.prelu_fwd, prelu_bwd=_r.prelu_bwd, relu_general_fwd=_r.relu_general_fwd,
    relu_general_bwd=_r.relu_general_bwd, rrelu_fwd=_r.rrelu_fwd, rrelu_bwd=_r.rrelu_bwd,
)

__all__ = list(_reference.__all__)
globals().update(HostKernels(LOW_LEVEL).export(__all__))
