"""Get a data set's files: from disk if present, else download into the cache.

Files in the user cache were downloaded by nnlite, so their checksums are
known: each is checked again when it is used (a disk error or a full disk
can damage a file long after its download) and a damaged one is downloaded
again, with a warning naming it.  Files in ``$NNLITE_DATA`` and the system
folder are the user's or the distribution's and are not rewritten; a
truncated one fails to load with a ``ValueError`` naming it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

from nnlite.datasets._download import Opener, download_file
from nnlite.datasets._locate import cache_root, describe_roots, locate
from nnlite.datasets._payload import content_sha256
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
    are downloaded from ``base_url + file name`` into the user cache. A cached
    file that fails its checksum is downloaded again (with a warning). If a
    download fails, raises ``DatasetUnavailableError`` with a one-line explanation.
    """
    found = locate(name, [list(files), *local_only])
    if found is not None:
        damaged = _damaged_in_cache(name, found, files)
        return _download_again(damaged, found, files, base_url, opener, progress, title)
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


def _damaged_in_cache(
    name: str, found: Mapping[str, Path], files: Mapping[str, str]
) -> dict[str, str]:
    """``{file name: what is wrong}`` for each file of the user cache that fails its checksum."""
    damaged = {}
    for filename, path in found.items():
        if filename not in files or path.parent != cache_root() / name:
            continue  # not downloaded by nnlite: no checksum to hold it to
        try:
            actual = content_sha256(path)
        except (OSError, ValueError) as exc:
            damaged[filename] = " ".join(str(exc).split())
            continue
        expected = files[filename].lower()
        if actual != expected:
            damaged[filename] = f"checksum mismatch: expected sha256 {expected}, got {actual}"
    return damaged


def _download_again(
    damaged: Mapping[str, str],
    found: Mapping[str, Path],
    files: Mapping[str, str],
    base_url: str,
    opener: Opener | None,
    progress: bool,
    title: str,
) -> dict[str, Path]:
    """Replace each damaged cached file by a fresh download; return all paths."""
    paths = dict(found)
    for filename, reason in damaged.items():
        path = paths[filename]
        warnings.warn(f"{path} is damaged ({reason}); downloading it again", RuntimeWarning,
                      stacklevel=4)
        dest = path.with_name(filename)  # the .gz name even if an uncompressed twin was found
        try:
            download_file(base_url + filename, dest, files[filename], opener=opener,
                          progress=progress)
        except (OSError, ValueError) as exc:
            raise DatasetUnavailableError(
                f"{title}: the cached file {path} is damaged ({reason}) and downloading it "
                f"again failed: {' '.join(str(exc).split())}") from exc
        paths[filename] = dest
    return paths
