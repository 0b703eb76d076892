"""Models (``keras.models``): ``Sequential``, functional ``Model``, cloning, loading."""

from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential"]
