"""``keras.models.load_model`` / ``save_model`` (the format: :mod:`nnlite.saving`).

The ch. 10 code runs unchanged::

    model.save("my_keras_model.h5")
    model = keras.models.load_model("my_keras_model.h5")
"""

from __future__ import annotations


def load_model(filepath, custom_objects: dict | None = None, compile: bool = True, **kwargs):
    """The model saved by ``model.save(filepath)``; see :func:`nnlite.saving.load_model`."""
    from ..saving import load_model as _load
    return _load(filepath, custom_objects=custom_objects, compile=compile)


def save_model(model, filepath, overwrite: bool = True, include_optimizer: bool = True,
               save_format=None, **kwargs) -> None:
    """``keras.models.save_model(model, path)``, the same as ``model.save(path)``."""
    from ..saving import save_model as _save
    _save(model, filepath, overwrite=overwrite, include_optimizer=include_optimizer)


def model_from_config(config: dict, custom_objects: dict | None = None):
    """A model with fresh weights from ``{"class_name": ..., "config": ...}``."""
    from ..saving import model_from_config as _from_config
    return _from_config(config, custom_objects)


def model_from_json(json_string: str, custom_objects: dict | None = None):
    """A model with fresh weights from its JSON architecture."""
    from ..saving import model_from_json as _from_json
    return _from_json(json_string, custom_objects)
