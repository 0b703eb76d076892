"""The integer code of each activation name: the compiled loops branch on it.

The one table of codes: the code of an activation is its position in the
reference's :data:`~nnlite._kernels.reference.activations.ACTIVATIONS`.
The numba and CUDA loops read the named constants below; the Cython
loops keep the same numbers as a C ``enum`` in ``_cython/activations.pyx``, and
``tests/test_kernels_registry.py`` checks that they equal this table.
"""

from __future__ import annotations

import numpy as np

from .checks.activations import FROM_Z
from .reference.activations import ACTIVATIONS, _check

#: Integer code of each activation.
ACT_CODE = {name: code for code, name in enumerate(ACTIVATIONS)}

#: The codes by name, as the loops read them (numba: compile-time constants).
LINEAR, RELU, SIGMOID, TANH, SOFTMAX, SOFTPLUS, ELU, SELU, LEAKY, GELU, GELU_TANH, SWISH, MISH = (
    ACT_CODE[name] for name in ("linear", "relu", "sigmoid", "tanh", "softmax", "softplus",
                                "elu", "selu", "leaky_relu", "gelu", "gelu_approximate",
                                "swish", "mish"))

#: Codes whose φ' the loops read from the pre-activation z (passed in place of a).
FROM_Z_CODES = frozenset(ACT_CODE[name] for name in FROM_Z)


def act_code(act: str) -> int:
    """The integer code of ``act`` (raises ValueError for an unknown name)."""
    code = ACT_CODE.get(act)
    if code is None:
        _check(act)
    return code


def derivative_input(a: np.ndarray, z: np.ndarray | None, code: int) -> np.ndarray:
    """The array the backward loops read φ' from: z (in a's dtype) for gelu, swish, mish, else a."""
    return z.astype(a.dtype, copy=False) if code in FROM_Z_CODES else a
