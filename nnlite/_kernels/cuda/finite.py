"""``count_nonfinite``: how many entries of a device array are NaN or ±inf (one launch).

The device training step (``nnlite.models.device_training``) copies this
count back with the step's predictions and losses, to decide whether the
step may be applied, as the host path decides from the gradient norm.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from . import transfers
from ._launch import launcher


@cuda.jit
def _count_nonfinite(a, count):
    """Add each thread's number of non-finite entries of a to count[0]."""
    bad = 0
    for i in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
        if not math.isfinite(a[i]):
            bad += 1
    if bad:
        cuda.atomic.add(count, 0, bad)


#: the launcher: count[0] += the number of non-finite entries of a
add_nonfinite_count = launcher(_count_nonfinite, (1,), lambda a, count: a.size)
_ZERO: dict = {}


def count_nonfinite(a, count) -> None:
    """count[0] ← the number of NaN or ±inf entries of the 1-D device array ``a``.

    ``count``: a one-element device array (a float dtype counts exactly up to 2²⁴).
    """
    key = np.dtype(count.dtype)
    if key not in _ZERO:  # one transfer, the first time only
        _ZERO[key] = transfers.to_device(np.zeros(1, dtype=key))
    count.copy_to_device(_ZERO[key])  # device to device
    add_nonfinite_count(a, count)
