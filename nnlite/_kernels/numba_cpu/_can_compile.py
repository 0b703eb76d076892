"""Can numba compile here?  Importing this module raises ImportError with the reason if not."""

try:
    import numba
except Exception as exc:  # pragma: no cover - depends on the environment
    raise ImportError(f"numba is not importable ({type(exc).__name__}: {exc})") from exc

try:  # a smoke test (cached after the first run): can numba compile here?
    from ._jit import probe

    probe(1)
except Exception as exc:  # pragma: no cover
    raise ImportError(f"numba {numba.__version__} cannot compile ({exc})") from exc
