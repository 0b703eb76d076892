"""The arguments of ``fit``, ``evaluate`` and ``predict``, checked in one declared place.

Each argument has a :class:`Rule` in the tables below (like scikit-learn's
``_parameter_constraints``): what it accepts, in words, and an example.
``check("fit", {...})`` runs the whole table before the model or its
optimizer changes, so a bad argument costs nothing — no epoch runs, no
weight moves — and the error names the argument and the value received::

    fit: epochs must be an integer >= 0, got 1.5 (float). For example: epochs=10

The data (``x``, ``y``, ``validation_data``'s arrays) are checked where
they are converted (``Model._prepare_x`` / ``_prepare_y``, whole or one
batch at a time: :mod:`nnlite.models.data_adapters`), and
``sample_weight`` / ``class_weight`` values where they are applied.

Where nnlite differs from Keras: a negative ``epochs`` is an error (Keras
trains nothing); ``epochs`` smaller than ``initial_epoch`` warns (Keras is
silent); ``shuffle="batch"`` (for HDF5 files) is not supported (``shuffle=True``
works on an h5py data set: each batch's rows are read in increasing order);
``max_queue_size``, ``workers`` and ``use_multiprocessing`` are checked and
ignored (batches are read one after the other in the training thread).
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..callbacks import CallbackList
from ..callbacks.callback import is_callback
from .data_adapters import is_batch_source


class ArgumentError(ValueError, TypeError):
    """A bad argument to ``fit``, ``evaluate`` or ``predict``.

    Both a ValueError and a TypeError (as scikit-learn's
    ``InvalidParameterError``), so code written for Keras, which raises one
    or the other depending on the argument, catches it either way.
    """


@dataclass(frozen=True)
class Rule:
    """What one argument accepts: a test, the words for it, and an example."""

    accepts: Callable[[Any], bool]
    expected: str
    example: str = ""


# ----------------------------------------------------------------- tests
def is_integer(value) -> bool:
    """An int or NumPy integer, but not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_real(value) -> bool:
    """An int or float (NumPy's too), but not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


def integer(low: int, allow_none: bool = False, example: str = "") -> Rule:
    """An integer ``>= low`` (or None where that means "the default")."""
    words = f"an integer >= {low}" + (" or None" if allow_none else "")
    return Rule(lambda v: (allow_none and v is None) or (is_integer(v) and v >= low),
                words, example)


def _is_verbose(value) -> bool:
    return (isinstance(value, str) and value == "auto") or is_bool(value) or \
        (is_integer(value) and 0 <= value <= 2)


def _is_callbacks(value) -> bool:
    if value is None or isinstance(value, CallbackList):
        return True
    return isinstance(value, (list, tuple)) and all(is_callback(c) for c in value)


def _is_validation_data(value) -> bool:
    return value is None or (isinstance(value, (list, tuple)) and len(value) in (2, 3)) or \
        is_batch_source(value)


def _is_class_weight(value) -> bool:
    return value is None or isinstance(value, Mapping)  # keys and values: sample_weights.py


def _is_validation_freq(value) -> bool:
    if is_integer(value):
        return value >= 1
    if isinstance(value, np.ndarray):
        value = value.tolist() if value.ndim == 1 else None
    if isinstance(value, (list, tuple, set, frozenset, range)):
        return all(is_integer(e) and e >= 1 for e in value)
    return False


# ----------------------------------------------------------------- tables
BATCH_SIZE = integer(1, allow_none=True, example="batch_size=32 (None means 32)")
STEPS = integer(1, allow_none=True, example="steps=None, to use every batch")
VERBOSE = Rule(_is_verbose, "'auto', 0 (silent), 1 (progress bar) or 2 (one line per epoch)",
               "verbose=0")
CALLBACKS = Rule(_is_callbacks, "None or a list of Callback objects (or of objects with "
                 "set_model, set_params and on_epoch_end)",
                 "callbacks=[keras.callbacks.EarlyStopping(patience=10)]")
BOOLEAN = Rule(is_bool, "True or False")

#: tf.keras 2's reading options for generators and Sequences: checked, then ignored
#: (nnlite reads batches in the training thread, one after the other).
READING: dict[str, Rule] = {
    "max_queue_size": integer(1, example="max_queue_size=10"),
    "workers": integer(0, example="workers=1"),
    "use_multiprocessing": BOOLEAN,
}

FIT: dict[str, Rule] = {
    "batch_size": BATCH_SIZE,
    "epochs": integer(0, example="epochs=10"),
    "verbose": VERBOSE,
    "callbacks": CALLBACKS,
    "validation_split": Rule(lambda v: is_real(v) and 0 <= v < 1, "a number in [0, 1)",
                             "validation_split=0.1 keeps the last 10 % of the samples "
                             "for validation"),
    "validation_data": Rule(_is_validation_data, "None, (x_val, y_val), "
                            "(x_val, y_val, sample_weight_val), a generator or a Sequence",
                            "validation_data=(X_valid, y_valid)"),
    "shuffle": BOOLEAN,
    "class_weight": Rule(_is_class_weight, "None or a dict {class index: weight}",
                         "class_weight={0: 1.0, 1: 5.0}"),
    "initial_epoch": integer(0, example="initial_epoch=10, epochs=20 runs epochs 11 to 20"),
    "steps_per_epoch": integer(1, allow_none=True),
    "validation_steps": integer(1, allow_none=True),
    "validation_batch_size": BATCH_SIZE,
    "validation_freq": Rule(_is_validation_freq,
                            "an integer >= 1 (validate every N epochs) or a list of epoch "
                            "numbers >= 1 (validate after those epochs)",
                            "validation_freq=2, or validation_freq=[1, 5, 10]"),
    **READING,
}
EVALUATE: dict[str, Rule] = {"batch_size": BATCH_SIZE, "verbose": VERBOSE, "steps": STEPS,
                             "callbacks": CALLBACKS, **READING, "return_dict": BOOLEAN}
PREDICT: dict[str, Rule] = {"batch_size": BATCH_SIZE, "verbose": VERBOSE, "steps": STEPS,
                            "callbacks": CALLBACKS, **READING,
                            "training": Rule(lambda v: v is None or is_bool(v),
                                             "True, False or None")}
RULES: dict[str, dict[str, Rule]] = {"fit": FIT, "evaluate": EVALUATE, "predict": PREDICT}


# ----------------------------------------------------------------- checks
def check(method: str, values: dict[str, Any], unexpected: dict | None = None) -> None:
    """Raise :class:`ArgumentError` for the first argument its rule refuses.

    ``values`` holds every argument of ``RULES[method]`` by name;
    ``unexpected`` the keyword arguments the method does not know (its
    ``**kwargs``), refused first with a TypeError, as Python would.
    """
    if unexpected:
        raise TypeError(f"{method}: unexpected argument(s) {sorted(unexpected)}")
    for name, rule in RULES[method].items():
        value = values[name]
        if not rule.accepts(value):
            example = f". For example: {rule.example}" if rule.example else ""
            raise ArgumentError(f"{method}: {name} must be {rule.expected}, got "
                                f"{describe(value)}{example}")
    if method == "fit" and values["initial_epoch"] > values["epochs"]:
        warnings.warn(f"fit: initial_epoch={values['initial_epoch']} is greater than "
                      f"epochs={values['epochs']}, so no epoch runs. `epochs` is the number of "
                      "the last epoch, not a count of further epochs: to train N more epochs "
                      "pass epochs=initial_epoch + N", UserWarning, stacklevel=3)


def describe(value) -> str:
    """A short account of a value for an error message (arrays by shape)."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        items = ", ".join(_short(v) for v in value[:4]) + (", ..." if len(value) > 4 else "")
        brackets = "()" if isinstance(value, tuple) else "[]"
        count = f"{len(value)} item" + ("" if len(value) == 1 else "s")
        return f"a {type(value).__name__} of {count}: {brackets[0]}{items}{brackets[1]}"
    return f"{_short(value, 80)} ({type(value).__name__})"


def _short(value, width: int = 40) -> str:
    if isinstance(value, np.ndarray):
        return f"<array of shape {value.shape}>"
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def validates_after(epoch: int, validation_freq) -> bool:
    """Whether epoch ``epoch`` (0-based, counted from 0 as Keras does) ends with validation.

    An integer N validates after every N-th epoch (epochs N, 2N, …, counted
    from 1); a collection lists the (1-based) epochs to validate after.
    """
    if is_integer(validation_freq):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in {int(e) for e in validation_freq}


def batch_size_or_default(batch_size) -> int:
    """Keras' default batch size, 32, for ``None``."""
    return 32 if batch_size is None else int(batch_size)


def verbosity(verbose) -> int:
    """``"auto"`` → 1 (a progress bar), otherwise the level as an int."""
    return 1 if isinstance(verbose, str) else int(verbose)
