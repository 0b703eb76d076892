"""Models (``keras.models``): ``Sequential``, functional ``Model``, cloning, loading."""

from .cloning import clone_model
from .loading import load_model, model_from_config, model_from_json, save_model
from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential", "clone_model", "load_model", "save_model",
           "model_from_config", "model_from_json"]
