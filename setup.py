"""Build script: compiles the Cython kernels in ``nnlite/_kernels/_cython``.

The Cython backend is optional at run time: when a compiler or OpenMP is
missing, the build prints why and installs the package without it, and
``nnlite`` falls back to the Numba / NumPy backends (``nnlite.backends()``
says which are available and why not).

The portable build targets the baseline of the build's architecture (on
x86-64: SSE2, so 64-bit integer multiplies, as in the dropout hash, stay
scalar).  Set ``NNLITE_NATIVE=1`` to compile with ``-march=native`` (AVX2 /
AVX-512 on the build machine: faster there, not portable to other CPUs).
``-fno-math-errno`` is portable and lets the compiler vectorize ``sqrt``
(the kernels never read ``errno``).
"""

import glob
import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext


def _extensions():
    try:
        import numpy
        from Cython.Build import cythonize
        from setuptools import Extension
    except ImportError as exc:  # pragma: no cover - build without Cython
        print(f"nnlite: Cython kernels not built ({exc})", file=sys.stderr)
        return []
    compile_args = ["-O3", "-fopenmp", "-fno-math-errno"]
    if os.environ.get("NNLITE_NATIVE") == "1":
        compile_args.append("-march=native")
    exts = []
    for pyx in sorted(glob.glob("nnlite/_kernels/_cython/*.pyx")):
        module = pyx[:-4].replace("/", ".")
        exts.append(
            Extension(
                module,
                [pyx],
                include_dirs=[numpy.get_include()],
                extra_compile_args=compile_args,
                extra_link_args=["-fopenmp"],
                define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
            )
        )
    return cythonize(exts, language_level=3, quiet=True)


class OptionalBuildExt(build_ext):
    """Build the Cython kernels, but never fail the install because of them."""

    def run(self):
        try:
            super().run()
        except Exception as exc:  # pragma: no cover - depends on the toolchain
            print(f"nnlite: Cython kernels not built ({exc}); "
                  "the numba and reference backends still work", file=sys.stderr)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # pragma: no cover
            print(f"nnlite: could not build {ext.name} ({exc})", file=sys.stderr)


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
