"""Are the Cython kernels compiled?  Importing this raises ImportError with the fix if not."""

try:
    from . import activations, batchnorm, dense  # noqa: F401
except ImportError as exc:
    raise ImportError(
        f"nnlite Cython kernels are not compiled ({exc}): run "
        "`pip install --no-build-isolation -e .` or `python setup.py build_ext --inplace`"
    ) from exc
