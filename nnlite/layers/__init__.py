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
