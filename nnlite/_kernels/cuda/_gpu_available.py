"""Is a CUDA GPU usable (or the simulator on)?  Importing this module raises ImportError if not.

``SIMULATED``: numba's CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``) runs the kernels on the
CPU, so they can be tested without a GPU.
"""

import os

SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"

try:
    from numba import cuda
except Exception as exc:  # pragma: no cover
    raise ImportError(f"numba.cuda is not importable ({exc})") from exc

if not SIMULATED and not cuda.is_available():
    raise ImportError("no usable CUDA GPU (numba.cuda.is_available() is False); "
                      "set NUMBA_ENABLE_CUDASIM=1 to run the kernels in the simulator")
