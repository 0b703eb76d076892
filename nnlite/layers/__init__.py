"""Layers (``keras.layers``): one class per file.

Chapter 10: Input, Dense, Flatten, Reshape, Activation, Concatenate,
Normalization.  Chapter 11: batch norm, the ReLU family (LeakyReLU, PReLU,
ELU, ReLU, ThresholdedReLU, RReLU), Softmax, the dropout family (Dropout,
AlphaDropout, GaussianNoise, GaussianDropout) on StochasticLayer.
"""

from .activation import Activation
from .alpha_dropout import AlphaDropout
from .base import Layer
from .batch_normalization import BatchNormalization
from .concatenate import Concatenate, concatenate
from .dense import Dense
from .dropout import Dropout
from .elu import ELU
from .flatten import Flatten
from .gaussian import GaussianDropout, GaussianNoise
from .input_layer import Input, InputLayer
from .leaky_relu import LeakyReLU
from .normalization import Normalization
from .prelu import PReLU
from .relu import ReLU
from .reshape import Reshape
from .rrelu import RReLU
from .softmax import Softmax
from .stochastic import StochasticLayer
from .thresholded_relu import ThresholdedReLU

__all__ = ["Layer", "InputLayer", "Input", "Dense", "Flatten", "Reshape", "Activation",
           "Concatenate", "concatenate", "Normalization",
           "BatchNormalization", "Dropout", "AlphaDropout", "GaussianNoise",
           "GaussianDropout", "LeakyReLU", "PReLU", "ELU", "ReLU", "Softmax", "RReLU",
           "ThresholdedReLU", "StochasticLayer"]


def __getattr__(name: str):
    """``keras.layers.TFSMLayer`` (TensorFlow's SavedModel) raises an error saying what to use."""
    from ..tensorflow_only import check
    check("tf.keras.layers", name)
    raise AttributeError(f"module 'nnlite.layers' has no attribute {name!r}")
