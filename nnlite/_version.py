"""``nnlite.__version__``: which tf.keras API nnlite implements, then nnlite's own release.

The scheme is ``2.8.N``:

* ``2.8`` is the tf.keras API level nnlite implements — the one the book's
  third edition requires (``assert version.parse(tf.__version__) >=
  version.parse("2.8.0")``), which also runs the second edition's code
  (``assert tf.__version__ >= "2.0"``).  It says "code written for tf.keras 2.8
  runs"; it is not a TensorFlow version (nnlite contains no TensorFlow).
* ``N`` counts nnlite's own releases (``2.8.0``, ``2.8.1``, … ``2.8.10``).

The minor number has one digit on purpose: learners compare versions as
strings too, and ``"2.16.0" >= "2.8.0"`` is False, while ``"2.8.N"`` compares
≥ ``"2.0"`` and ≥ ``"2.8.0"`` both as strings and as
:class:`packaging.version.Version` for every N.  An nnlite implementing the
Keras 3 API would become ``3.x.N``.

The number is written once, in ``pyproject.toml``.  In a source checkout
(an editable install included, whose installed metadata goes stale when the
number changes) it is read from there; otherwise from the installed package's
metadata.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _from_pyproject(path: Path) -> str | None:
    """``[project] version`` of nnlite's own pyproject.toml, or None where there is none."""
    try:
        import tomllib  # Python >= 3.11
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (ImportError, OSError, ValueError):
        return None
    return project.get("version") if project.get("name") == "nnlite" else None


def read_version() -> str:
    """The version in pyproject.toml (source checkout), else the installed metadata's."""
    found = _from_pyproject(_PYPROJECT)
    if found:
        return found
    try:
        return importlib.metadata.version("nnlite")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"  # neither installed nor a source checkout


__version__ = read_version()
