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
from . import activations, batchnorm, clipping, dropout, losses, optimizers  # noqa: E402
from . import rectifiers as _r  # noqa: E402

#: The low-level kernels, under the names ``HostKernels`` expects.
LOW_LEVEL = SimpleNamespace(
    bias_act_2d=activations.bias_act_2d, act_grad_2d=activations.act_grad_2d, gemm=None,
    simd_phi=frozenset((_common.ELU, _common.SELU)),  # vectorized in bias_act_2d itself
    softmax_xent=losses._softmax_xent, sigmoid_bce=losses._sigmoid_bce,
    xent_probs=losses._xent_probs, bce_probs=losses._bce_probs,
    block_stats=batchnorm.block_stats, merge_stats=batchnorm.merge_stats,
    normalize=batchnorm.normalize, grad_sums=batchnorm.grad_sums, bn_dx=batchnorm.bn_dx,
    uniform=dropout._uniform, mask=dropout._mask, dropout_fwd=dropout._forward,
    dropout_bwd=dropout._backward,
    sgd=optimizers._sgd, sgd_momentum=optimizers._sgd_momentum, adagrad=optimizers._adagrad,
    rmsprop=optimizers._rmsprop, adam=optimizers._adam, adamax=optimizers._adamax,
    nadam=optimizers._nadam,
    clip=clipping._clip, sumsq=clipping._sumsq, scale=clipping._scale,
    max_norm_cols=clipping._max_norm_cols,
    prelu_fwd=_r._prelu_fwd, prelu_bwd=_r._prelu_bwd, relu_general_fwd=_r._relu_general_fwd,
    relu_general_bwd=_r._relu_general_bwd, rrelu_fwd=_r._rrelu_fwd, rrelu_bwd=_r._rrelu_bwd,
)

__all__ = list(_reference.__all__)
globals().update(HostKernels(LOW_LEVEL).export(__all__))
