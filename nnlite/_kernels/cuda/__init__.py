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
from . import activations, dense, dropout, losses  # noqa: E402
from . import rectifiers as _r  # noqa: E402
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

#: Families still built by ``_host.HostKernels`` from these low-level kernels.
LOW_LEVEL = SimpleNamespace(
    bias_act_2d=activations.bias_act_2d, act_grad_2d=activations.act_grad_2d, gemm=dense.gemm,
    simd_phi=frozenset(ACT_CODE.values()),  # every φ on the device, none by NumPy on the host
    softmax_xent=losses.softmax_xent, sigmoid_bce=losses.sigmoid_bce,
    xent_probs=losses.xent_probs, bce_probs=losses.bce_probs,
    uniform=dropout.uniform, mask=dropout.mask, dropout_fwd=dropout.dropout_fwd,
    dropout_bwd=dropout.dropout_bwd,
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
