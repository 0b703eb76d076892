"""The integer code of each activation name: the compiled loops branch on it.

The one table of codes: the code of an activation is its position in the
reference's :data:`~nnlite._kernels.reference.activations.ACTIVATIONS`.
The numba and CUDA loops read the named constants below; the Cython
loops keep the same numbers as a C ``enum`` in ``_cython/_act.pxd``, and
``tests/test_kernels_registry.py`` checks that they equal this table.
"""

from __future__ import annotations

import numpy as np

from .checks.activations import FROM_Z
from .reference.activations import ACTIVATIONS, _check

#: Integer code of each activation.
ACT_CODE = {name: code for code, name in enumerate(ACTIVATIONS)}

LINEAR = ACT_CODE["linear"]
RELU = ACT_CODE["relu"]
SIGMOID = ACT_CODE["sigmoid"]
TANH = ACT_CODE["tanh"]
SOFTMAX = ACT_CODE["softmax"]
SOFTPLUS = ACT_CODE["softplus"]
ELU = ACT_CODE["elu"]
SELU = ACT_CODE["selu"]
LEAKY = ACT_CODE["leaky_relu"]
GELU = ACT_CODE["gelu"]
GELU_TANH = ACT_CODE["gelu_approximate"]
SWISH = ACT_CODE["swish"]
MISH = ACT_CODE["mish"]

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
