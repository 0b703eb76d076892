"""Saving and loading models (``model.save``, ``keras.models.load_model``, weights).

nnlite writes its own documented format (``docs/file-format.md``): a zip
with ``config.json`` (architecture, compile configuration), ``weights.npz``
and ``optimizer.npz`` — JSON and plain arrays only, never pickle — written
atomically.  Modules:

* :mod:`~nnlite.saving.archive` — the zip file: atomic write, size-checked read;
* :mod:`~nnlite.saving.temp_files` — temporary files of a save, leftovers of killed writers;
* :mod:`~nnlite.saving.file_checks` — every field of ``config.json``, checked first;
* :mod:`~nnlite.saving.arrays` — the ``.npz`` entries: headers checked before data;
* :mod:`~nnlite.saving.model_config` — architecture ⇄ JSON data;
* :mod:`~nnlite.saving.objects` — layer classes and custom objects by name;
* :mod:`~nnlite.saving.weights` — the weight listing, checked loading (all or nothing);
* :mod:`~nnlite.saving.training_state` — compile config, optimizer and RNG state;
* :mod:`~nnlite.saving.model_io` — the public functions.
"""

from .archive import FORMAT_NAME, FORMAT_VERSION
from .model_config import model_config, model_from_config
from .model_io import load_model, load_weights, model_from_json, save_model, save_weights

__all__ = ["save_model", "load_model", "save_weights", "load_weights", "model_config",
           "model_from_config", "model_from_json", "FORMAT_NAME", "FORMAT_VERSION"]
