"""nnlite — a small neural-network engine for learning deep learning.

Keras-compatible: code written for ``tf.keras`` 2 runs with
``import nnlite as keras`` (and ``nnlite.keras is nnlite``, so
``import nnlite as tf; tf.keras.layers.Dense`` works too, and so does
``from nnlite.keras.layers import Dense``).

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
    utils,
)
from ._kernels import available_backends as backends
from ._kernels import get_backend, set_backend
from .models import Model, Sequential
from .perceptron import Perceptron

__version__ = "0.1.0"

keras = _sys.modules[__name__]
_keras_alias.install(keras)  # `from nnlite.keras.layers import Dense` works too

__all__ = ["activations", "backend", "callbacks", "constraints", "datasets", "experimental",
           "initializers", "layers", "losses", "metrics", "models", "optimizers", "random",
           "regularizers",
           "utils",
           "Model", "Sequential", "Perceptron", "set_backend", "get_backend", "backends", "keras"]
