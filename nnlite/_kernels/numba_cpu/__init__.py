"""The ``numba`` backend: ``@njit(cache=True)`` CPU kernels, one module per family.

The modules hold the low-level jitted loops; ``_host.HostKernels`` wraps them
into the public kernels (same signatures as the reference).  Dense layers use
NumPy's BLAS for the GEMM and a serial fused numba pass for bias and
activation; batch norm, dropout and the optimizers use ``parallel=True``
loops (never around BLAS calls) for inputs of ``_jit.PARALLEL_MIN`` elements
or more and a serial twin of the same loop below that (no thread wake-up).

Importing raises ImportError with the reason when numba is missing or cannot
compile here, so the registry can report why and fall back.
``NNLITE_NUMBA_CACHE=0`` disables the on-disk cache.
"""

from __future__ import annotations

from types import SimpleNamespace

try:
    import numba
except Exception as exc:  # pragma: no cover - depends on the environment
    raise ImportError(f"numba is not importable ({type(exc).__name__}: {exc})") from exc

try:  # a smoke test (cached after the first run): can numba compile here?
    from ._jit import probe

    probe(1)
except Exception as exc:  # pragma: no cover
    raise ImportError(f"numba {numba.__version__} cannot compile ({exc})") from exc

from .. import _common  # noqa: E402
from .. import reference as _reference  # noqa: E402
from .._host import HostKernels  # noqa: E402
from . import activations, dropout, losses  # noqa: E402
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

#: Families still built by ``_host.HostKernels`` from these low-level loops.
LOW_LEVEL = SimpleNamespace(
    bias_act_2d=activations.bias_act_2d, act_grad_2d=activations.act_grad_2d, gemm=None,
    simd_phi=frozenset((_common.ELU, _common.SELU)),  # vectorized in bias_act_2d itself
    softmax_xent=losses._softmax_xent, sigmoid_bce=losses._sigmoid_bce,
    xent_probs=losses._xent_probs, bce_probs=losses._bce_probs,
    uniform=dropout._uniform, mask=dropout._mask, dropout_fwd=dropout._forward,
    dropout_bwd=dropout._backward,
    prelu_fwd=_r._prelu_fwd, prelu_bwd=_r._prelu_bwd, relu_general_fwd=_r._relu_general_fwd,
    relu_general_bwd=_r._relu_general_bwd, rrelu_fwd=_r._rrelu_fwd, rrelu_bwd=_r._rrelu_bwd,
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
