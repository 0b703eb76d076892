"""Layers (``keras.layers``): one class per file."""

from .activation import Activation
from .base import Layer
from .concatenate import Concatenate, concatenate
from .dense import Dense
from .flatten import Flatten
from .input_layer import Input, InputLayer
from .reshape import Reshape

__all__ = ["Layer", "InputLayer", "Input", "Dense", "Flatten", "Reshape", "Activation",
           "Concatenate", "concatenate"]

# Chapter 11: batch norm, the ReLU family, the dropout family
from .alpha_dropout import AlphaDropout  # noqa: E402
from .batch_normalization import BatchNormalization  # noqa: E402
from .dropout import Dropout  # noqa: E402
from .elu import ELU  # noqa: E402
from .gaussian import GaussianDropout, GaussianNoise  # noqa: E402
from .leaky_relu import LeakyReLU  # noqa: E402
from .normalization import Normalization  # noqa: E402
from .prelu import PReLU  # noqa: E402
from .relu import ReLU  # noqa: E402
from .rrelu import RReLU  # noqa: E402
from .softmax import Softmax  # noqa: E402
from .stochastic import StochasticLayer  # noqa: E402
from .thresholded_relu import ThresholdedReLU  # noqa: E402

__all__ += ["BatchNormalization", "Dropout", "AlphaDropout", "GaussianNoise",
            "GaussianDropout", "LeakyReLU", "PReLU", "ELU", "ReLU", "Softmax", "RReLU",
            "ThresholdedReLU", "StochasticLayer", "Normalization"]


def __getattr__(name: str):
    """``keras.layers.TFSMLayer`` (TensorFlow's SavedModel) raises an error saying what to use."""
    from ..tensorflow_only import check
    check("tf.keras.layers", name)
    raise AttributeError(f"module 'nnlite.layers' has no attribute {name!r}")
