"""Models (``keras.models``): ``Sequential``, functional ``Model``, cloning, loading."""

from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential"]

# Model lifecycle: clone, save, load
from .cloning import clone_model  # noqa: E402
from .loading import load_model, model_from_config, model_from_json, save_model  # noqa: E402

__all__ += ["clone_model", "load_model", "save_model", "model_from_config", "model_from_json"]
