"""nnlite — a small neural-network engine for learning deep learning.

Keras-compatible: code written for ``tf.keras`` 2 runs with
``import nnlite as keras`` (and ``nnlite.keras is nnlite``, so
``import nnlite as tf; tf.keras.layers.Dense`` works too, and so does
``from nnlite.keras.layers import Dense``).

``nnlite.__version__`` is ``2.8.N``: the tf.keras API it implements (2.8, the
third edition's minimum, so the books' version checks pass), then nnlite's
own release number N; see :mod:`nnlite._version`.

Every layer, activation, loss and optimizer is a short class whose
docstring states its equations; the hot loops run through
:mod:`nnlite._kernels` (NumPy reference, Numba, Cython, CUDA).
"""

from __future__ import annotations

import sys as _sys

from . import (
    _keras_alias,
    activations,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    experimental,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    random,
    regularizers,
    summary,
    utils,
)
from ._kernels import available_backends as backends
from ._kernels import get_backend, kernel_table, register_backend, set_backend
from ._version import __version__ as __version__  # "2.8.N": tf.keras 2.8 API, release N
from .array_constant import constant
from .layers import Input
from .models import Model, Sequential
from .tuner import import_hook as _tuner_hook

keras = _sys.modules[__name__]
_keras_alias.install(keras)  # `from nnlite.keras.layers import Dense` works too
_tuner_hook.install()  # a later `import keras_tuner` tunes nnlite models (nnlite.tuner)

#: name -> (module, attribute or None): imported on first use, because they
#: import scikit-learn (~1 s at start-up) or matplotlib (~0.5 s).
_LAZY = {"wrappers": ("wrappers", None), "Perceptron": ("perceptron", "Perceptron"),
         "plot": ("plot", None), "inspect": ("inspect", None),
         "checking": ("checking", None), "check_kernels": ("checking", "check_kernels"),
         "check_layer": ("checking", "check_layer"),
         "check_optimizer": ("checking", "check_optimizer")}


def __getattr__(name: str):
    """``nnlite.wrappers``, ``Perceptron``, ``plot``, ``inspect`` and the ``check_*``
    functions load on first access.

    TensorFlow's own names (``tf.Variable``, ``tf.data`` …) raise a
    :class:`~nnlite.tensorflow_only.TensorFlowOnlyError` that says what to use instead.
    """
    if name not in _LAZY:
        from .tensorflow_only import check
        check("tf", name)
        raise AttributeError(f"module 'nnlite' has no attribute {name!r}")
    import importlib
    module_name, attribute = _LAZY[name]
    module = importlib.import_module(f"{__name__}.{module_name}")
    return module if attribute is None else getattr(module, attribute)

__all__ = ["activations", "backend", "callbacks", "config", "constraints", "datasets",
           "experimental",
           "initializers", "layers", "losses", "metrics", "models", "optimizers", "random",
           "regularizers", "summary",
           "utils", "wrappers",
           "Model", "Sequential", "Input", "constant", "Perceptron", "set_backend",
           "get_backend", "backends", "register_backend", "kernel_table", "check_kernels",
           "check_layer", "check_optimizer",
           "keras"]
