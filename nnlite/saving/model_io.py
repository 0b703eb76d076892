"""``save_model`` / ``load_model`` / ``save_weights`` / ``load_weights``.

>>> import nnlite as keras, tempfile, os
>>> model = keras.models.Sequential([keras.layers.Dense(2, input_shape=[3])])
>>> model.compile(loss="mse", optimizer="sgd")
>>> path = os.path.join(tempfile.mkdtemp(), "my_keras_model.h5")
>>> model.save(path)
>>> clone = keras.models.load_model(path)
>>> bool((clone.get_weights()[0] == model.get_weights()[0]).all())
True
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import warnings

import numpy as np

from .. import backend
from . import archive
from .arrays import (
    ArrayEntry,
    check_optimizer_entry,
    check_weights_entry,
    optimizer_entry_limit,
    weights_entry_limit,
)
from .file_checks import (
    check_compile_section,
    check_header,
    check_layer_state,
    check_model_section,
    check_weight_listing,
)
from .model_config import model_config, model_from_config
from .training_state import (
    compile_config,
    compile_from_config,
    layer_rng_state,
    optimizer_state,
    restore_layer_rng_state,
    restore_optimizer_state,
)
from .weights import WeightsFromFile, assign_weights, weight_table


def _header(kind: str) -> dict:
    from .. import __version__
    return {"format": archive.FORMAT_NAME, "format_version": archive.FORMAT_VERSION,
            "nnlite_version": __version__, "kind": kind}


def _model_class_config(model) -> dict:
    from ..models.sequential import Sequential
    base = "Sequential" if isinstance(model, Sequential) else "Model"
    return {"class_name": type(model).__name__, "base": base, "config": model_config(model)}


def save_model(model, filepath, overwrite: bool = True, include_optimizer: bool = True,
               save_format=None, **kwargs) -> None:
    """Save architecture, weights, compile config and optimizer state to one file.

    Keras: ``model.save("my_keras_model.h5")``.  Any file name is accepted
    (``.h5``, ``.keras``, ``.hdf5``, ``.nnlite``, ``.ckpt``, none); the file is
    nnlite's zip format (``docs/file-format.md``), written atomically: the
    previous file stays intact until the new one is complete.  ``save_format``
    is accepted for compatibility and ignored.  ``overwrite=False`` raises
    FileExistsError instead of Keras' interactive prompt.
    """
    path = os.fspath(filepath)
    config = _header("model")
    config["model"] = _model_class_config(model)
    table, arrays, keys = weight_table(model)
    config["weights"] = table
    config["compile"] = compile_config(model)
    config["layer_state"] = layer_rng_state(model)
    entries = {archive.CONFIG: b"", archive.WEIGHTS: archive.encode_arrays(arrays)}
    if include_optimizer and config["compile"] is not None:
        entries[archive.OPTIMIZER] = archive.encode_arrays(optimizer_state(model, keys))
    entries[archive.CONFIG] = archive.to_json(config, f"model {model.name!r}").encode()
    archive.atomic_write(path, entries, overwrite=overwrite)


def save_weights(model, filepath, overwrite: bool = True, save_format=None,
                 **kwargs) -> None:
    """Save only the weights (``model.save_weights("my_weights.ckpt")``), atomically."""
    config = _header("weights")
    table, arrays, _ = weight_table(model)
    config["weights"] = table
    entries = {archive.CONFIG: archive.to_json(config, f"weights of {model.name!r}").encode(),
               archive.WEIGHTS: archive.encode_arrays(arrays)}
    archive.atomic_write(filepath, entries, overwrite=overwrite)


def _weight_listing(nnfile: archive.NnliteFile, config: dict) -> tuple[list, ArrayEntry]:
    """The checked listing and ``weights.npz``, its headers compared with the listing."""
    listing = check_weight_listing(config["weights"], nnfile.path)
    if archive.WEIGHTS not in nnfile:
        raise archive.corrupt(nnfile.path, f"no {archive.WEIGHTS} inside")
    arrays = ArrayEntry(nnfile, archive.WEIGHTS, weights_entry_limit(listing),
                        "the weights listed in config.json can take")
    check_weights_entry(arrays, listing)
    return listing, arrays


def load_weights(model, filepath, by_name: bool = False, skip_mismatch: bool = False) -> None:
    """Load weights saved by ``save_weights`` or ``save`` into ``model``.

    Layers are matched in order (``by_name=True``: by layer name, others
    skipped).  The file is checked first (sizes, array headers against the
    weight listing), then every layer's shapes and dtype kinds against the
    model, then every array is read, and only then is anything assigned: on
    any error the model is unchanged.  A mismatch raises a ValueError
    naming the layer and both shapes (``skip_mismatch``: a warning, and that
    layer is skipped).
    """
    with archive.NnliteFile(filepath) as nnfile:
        config = archive.read_config(nnfile)
        check_header(config, nnfile.path)
        listing, arrays = _weight_listing(nnfile, config)
        assign_weights(model, listing, arrays, nnfile.path, by_name=by_name,
                       skip_mismatch=skip_mismatch)


def _reserve_names(model) -> None:
    """Make new automatic names (``dense_3`` …) avoid the names of the loaded layers."""
    for name in [model.name] + [layer.name for layer in model.layers]:
        match = re.fullmatch(r"(.*?)(?:_(\d+))?", name)
        base, number = match.group(1), int(match.group(2) or 0)
        if base == "input":  # InputLayer counts from 1
            backend._name_counts[base] = max(backend._name_counts[base], number)
        else:
            backend._name_counts[base] = max(backend._name_counts[base], number + 1)


def _rebuild(config: dict, listing: list, arrays: ArrayEntry, custom_objects: dict | None,
             path: str):
    """The saved architecture, its weights created from the file's arrays."""
    weights = WeightsFromFile(listing, arrays, path)
    try:
        with _global_rng_untouched():
            model = model_from_config(config["model"], custom_objects, watch=weights.watch)
            weights.finish(model)
    except archive.CorruptFileError:
        raise
    except ValueError as exc:  # a layer refused its saved arguments, or an unknown name
        raise ValueError(f"{path}: {exc}") from None
    except Exception as exc:  # anything else a damaged config makes a layer raise
        raise archive.corrupt(path, f"{archive.CONFIG} does not describe a model: "
                                    f"{type(exc).__name__}: {exc}",
                              weights.current_layer) from exc
    _reserve_names(model)
    restore_layer_rng_state(model, config.get("layer_state") or {})
    return model


@contextlib.contextmanager
def _global_rng_untouched():
    """Restore NumPy's global generator afterwards.

    Rebuilding a model may draw numbers (dropout seeds) that the file's
    values then replace; without this, those wasted draws would shift the
    shuffles of the next ``fit`` away from those of an uninterrupted run.
    """
    state = np.random.get_state()
    try:
        yield
    finally:
        np.random.set_state(state)


def _check_model_file(config: dict, path: str) -> None:
    """Every section ``load_model`` uses, checked before anything is built."""
    if check_header(config, path) != "model":
        raise ValueError(f"{path}: holds only weights (written by save_weights); build the "
                         "model in code and call model.load_weights(path)")
    names = check_model_section(config["model"], path)
    check_layer_state(config.get("layer_state"), names, path)
    check_compile_section(config.get("compile"), path)


def _optimizer_arrays(nnfile: archive.NnliteFile, listing: list) -> ArrayEntry | None:
    if archive.OPTIMIZER not in nnfile:
        return None
    arrays = ArrayEntry(nnfile, archive.OPTIMIZER, optimizer_entry_limit(listing),
                        "the optimizer slots of the listed weights can take")
    check_optimizer_entry(arrays, listing)
    return arrays


def _restore_training(model, config: dict, slots: ArrayEntry | None, custom_objects,
                      path: str) -> None:
    compile_from_config(model, config["compile"], custom_objects, path)
    if slots is None or not model.built:
        return
    arrays = {key: slots.read(key) for key in slots.headers}
    _, _, keys = weight_table(model)
    try:
        restore_optimizer_state(model, arrays, keys, path)
    except archive.CorruptFileError:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise archive.corrupt(path, f"{archive.OPTIMIZER} does not fit the optimizer: "
                                    f"{exc}") from None


def load_model(filepath, custom_objects: dict | None = None, compile: bool = True,
               **kwargs):
    """The model saved by ``model.save(filepath)``: same predictions, and ``fit``
    continues exactly where it stopped (optimizer slots and step count restored).

    ``custom_objects={"name": obj}`` resolves user layers, activations,
    losses, metrics, initializers, regularizers, constraints, optimizers and
    schedules saved by name; an unknown name is reported in the error.
    ``compile=False`` skips the training configuration.  Files are read with
    ``allow_pickle=False``: opening a file from someone else cannot run code.
    A damaged or hostile file fails with a ValueError naming the file and the
    layer before anything large is read or allocated (``docs/file-format.md``,
    *Reading a file safely*).  Loading leaves NumPy's global generator as it
    was, so with a fixed seed the shuffles of the next ``fit`` are those of a
    run that never stopped.
    """
    with archive.NnliteFile(filepath) as nnfile:
        path = nnfile.path
        config = archive.read_config(nnfile)
        _check_model_file(config, path)
        listing, arrays = _weight_listing(nnfile, config)
        training = config.get("compile")
        slots = _optimizer_arrays(nnfile, listing) if compile and training else None
        model = _rebuild(config, listing, arrays, custom_objects, path)
        if compile and training is not None:
            _restore_training(model, config, slots, custom_objects, path)
        elif compile:
            warnings.warn(f"{path}: no training configuration found in the file, so the "
                          "model was *not* compiled. Compile it manually.", UserWarning,
                          stacklevel=2)
    return model


def model_from_json(json_string: str, custom_objects: dict | None = None):
    """A model (fresh weights) from ``json.dumps({"class_name": ..., "config": ...})``."""
    return model_from_config(json.loads(json_string), custom_objects)


__all__ = ["save_model", "load_model", "save_weights", "load_weights", "model_config",
           "model_from_config", "model_from_json"]
