"""The ``cuda`` backend (numba.cuda) — under construction."""

raise ImportError("nnlite cuda backend: not implemented yet")
