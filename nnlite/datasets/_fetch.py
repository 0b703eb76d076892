"""Get a data set's files: from disk if present, else download into the cache."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from nnlite.datasets._download import Opener, download_file
from nnlite.datasets._locate import cache_root, describe_roots, locate
from nnlite.datasets.errors import DatasetUnavailableError


def fetch(
    name: str,
    files: Mapping[str, str],
    *,
    title: str,
    base_url: str,
    local_only: Sequence[Sequence[str]] = (),
    opener: Opener | None = None,
    progress: bool = True,
    hint: str = "",
) -> dict[str, Path]:
    """Return ``{file name: path}`` for data set ``name``.

    ``files`` maps each downloadable file name to the SHA-256 of its decompressed
    content. The search folders are tried first (see ``_locate``), accepting
    ``files`` or any extra layout in ``local_only``; otherwise the missing files
    are downloaded from ``base_url + file name`` into the user cache. If that
    fails, raises ``DatasetUnavailableError`` with a one-line explanation.
    """
    found = locate(name, [list(files), *local_only])
    if found is not None:
        return found
    try:
        return _download_all(name, files, base_url, opener, progress)
    except (OSError, ValueError) as exc:
        reason = " ".join(str(exc).split())
        message = f"{title} not found in {describe_roots(name)} and download failed: {reason}"
        raise DatasetUnavailableError(message + (f" ({hint})" if hint else "")) from exc


def _download_all(
    name: str, files: Mapping[str, str], base_url: str, opener: Opener | None, progress: bool
) -> dict[str, Path]:
    """Download into the cache each file not already there; return all paths."""
    folder = cache_root() / name
    paths = {}
    for filename, sha256 in files.items():
        dest = folder / filename
        if not dest.is_file():
            download_file(base_url + filename, dest, sha256, opener=opener, progress=progress)
        paths[filename] = dest
    return paths
