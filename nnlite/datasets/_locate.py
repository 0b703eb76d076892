"""Where data sets live on disk, and finding a complete set of files there.

Search order, first complete match wins:

1. ``$NNLITE_DATA/<name>/``
2. the user cache, ``$XDG_CACHE_HOME/nnlite/datasets/<name>/``
   (``~/.cache/nnlite/datasets/<name>/`` when ``XDG_CACHE_HOME`` is unset)
3. the system folder ``/usr/share/datasets/<name>/`` (Debian's ``dataset-*`` packages)

A folder only counts if it holds *every* file of one layout; files are never
mixed across folders. A ``.gz`` file may also be present uncompressed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

#: Debian's ``dataset-fashion-mnist`` installs into ``SYSTEM_DIR / "fashion-mnist"``.
SYSTEM_DIR = Path("/usr/share/datasets")


def cache_root() -> Path:
    """The user cache for downloads, honouring an absolute ``XDG_CACHE_HOME``."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "nnlite" / "datasets"


def search_roots() -> list[Path]:
    """The folders searched for data sets, in priority order."""
    roots = [cache_root(), SYSTEM_DIR]
    env = os.environ.get("NNLITE_DATA", "")
    return [Path(env).expanduser(), *roots] if env else roots


def locate(name: str, layouts: Sequence[Sequence[str]]) -> dict[str, Path] | None:
    """Find the first folder holding all files of a layout.

    ``layouts`` lists alternative file sets, best first (e.g. ``mnist.npz`` or the
    four IDX files). Returns ``{file name: path}`` or ``None`` if nothing matches.
    """
    for root in search_roots():
        folder = root / name
        for files in layouts:
            found = {f: _find_file(folder, f) for f in files}
            if all(found.values()):
                return found  # type: ignore[return-value]
    return None


def describe_roots(name: str) -> str:
    """The searched folders for ``name`` as one readable, comma-separated line."""
    parts = [] if os.environ.get("NNLITE_DATA") else ["$NNLITE_DATA (unset)"]
    parts += [_tilde(root / name) for root in search_roots()]
    return ", ".join(parts)


def _find_file(folder: Path, filename: str) -> Path | None:
    """``folder/filename``, else its uncompressed twin for a ``.gz`` name, else None."""
    candidates = [filename]
    if filename.endswith(".gz"):
        candidates.append(filename[: -len(".gz")])
    for candidate in candidates:
        path = folder / candidate
        if path.is_file():
            return path
    return None


def _tilde(path: Path) -> str:
    """Show ``path`` with the home folder abbreviated to ``~``."""
    home = str(Path.home())
    text = str(path)
    if home not in ("", "/") and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home) :]
    return text
