"""Which Keras 3 backend to import when Keras Tuner is used with nnlite models.

Keras Tuner imports Keras 3, and Keras 3 imports a backend when it is
imported: TensorFlow unless ``KERAS_BACKEND`` or ``~/.keras/keras.json``
says otherwise.  With nnlite the backend computes nothing — nnlite trains the
models; Keras Tuner only needs Keras' callback and history classes and
``clear_session`` — so when no backend was chosen and TensorFlow is not
installed, this picks the lightest one that is: ``numpy`` (which needs jax,
installed by ``pip install "nnlite[tuner]"``), else ``torch``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

INSTALL_HINT = 'pip install "nnlite[tuner]"'

# (package that must be importable, KERAS_BACKEND value), best first
_CANDIDATES = (("tensorflow", "tensorflow"), ("jax", "numpy"), ("torch", "torch"))


def _installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


# the package each Keras 3 backend imports
_BACKEND_PACKAGE = {"tensorflow": "tensorflow", "jax": "jax", "numpy": "jax", "torch": "torch",
                    "openvino": "openvino"}


def _usable_keras_json_backend() -> str | None:
    """The backend ``keras.json`` names, if its package is installed.

    Keras writes ``"backend": "tensorflow"`` there the first time it is
    imported, whatever is installed, so a backend that cannot be imported is
    not taken as the user's choice.
    """
    home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    try:
        backend = json.loads((home / "keras.json").read_text(encoding="utf-8"))["backend"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    package = _BACKEND_PACKAGE.get(backend)
    return backend if package and _installed(package) else None


def choose_keras_backend() -> str | None:
    """Set ``KERAS_BACKEND`` if nothing chose one yet; return the backend Keras will use.

    Leaves everything alone once Keras is imported, when ``KERAS_BACKEND``
    is set, or when ``keras.json`` names a backend that is installed.  Returns None when no
    backend package is installed (Keras' import will then fail; see
    :func:`missing_backend_message`).
    """
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    chosen = os.environ.get("KERAS_BACKEND") or _usable_keras_json_backend()
    if chosen:
        return chosen
    for package, backend in _CANDIDATES:
        if _installed(package):
            os.environ["KERAS_BACKEND"] = backend
            return backend
    return None


def missing_backend_message() -> str:
    """What to do when Keras 3 cannot import any backend."""
    return ("Keras Tuner imports Keras 3, which needs a backend package (jax, torch or "
            "tensorflow) even though nnlite does the training; none is installed. "
            f"Install the tuner extra: {INSTALL_HINT}")
