"""Helpers shared by the numba wrappers: contiguity, dtypes, activation codes."""

from __future__ import annotations

import numpy as np

from .reference.activations import ACTIVATIONS, _check

#: Integer code of each activation (the jitted kernels branch on it).
ACT_CODE = {name: i for i, name in enumerate(ACTIVATIONS)}
(LINEAR, RELU, SIGMOID, TANH, SOFTMAX, SOFTPLUS, ELU, SELU, LEAKY,
 GELU, GELU_TANH, SWISH, MISH) = range(13)
#: Codes whose φ' the low-level ``act_grad_2d`` reads from z (passed in place of a).
FROM_Z_CODES = frozenset((GELU, GELU_TANH, SWISH, MISH))


def act_code(act: str) -> int:
    """The integer code of ``act`` (raises ValueError for an unknown name)."""
    code = ACT_CODE.get(act)
    if code is None:
        _check(act)
    return code


def as2d(a: np.ndarray) -> np.ndarray:
    """C-contiguous 2-D view (rows, last axis) of ``a`` (copies if needed)."""
    a = np.ascontiguousarray(a)
    k = a.shape[-1] if a.ndim else 1
    return a.reshape(-1, k) if a.ndim != 2 else a


def flat(a: np.ndarray) -> np.ndarray:
    """A C-contiguous 1-D view of ``a`` (copies if ``a`` is not contiguous)."""
    return np.ascontiguousarray(a).reshape(-1)


def inplace_ok(*arrays: np.ndarray) -> bool:
    """True when every array is C-contiguous and shares the first one's dtype."""
    dtype = arrays[0].dtype
    return all(a.flags.c_contiguous and a.dtype == dtype and a.flags.writeable
               for a in arrays) and dtype.kind == "f"


def tiny(dtype: np.dtype) -> float:
    """Smallest normal float of ``dtype``: values below it are flushed to 0."""
    return float(np.finfo(dtype).tiny)
