"""Download one file safely: progress bar, checksum, atomic rename into place.

The data goes to a temporary file next to the destination; only after its
SHA-256 matches is it renamed (atomically) to the final name. A failed,
truncated or corrupt download leaves nothing behind.
"""

from __future__ import annotations

import http.client
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from nnlite.datasets._payload import content_sha256

#: ``opener(url, timeout=seconds)`` returns a readable binary response.
Opener = Callable[..., IO[bytes]]
_CHUNK = 1 << 16


def download_file(
    url: str,
    dest: Path,
    sha256: str,
    *,
    opener: Opener | None = None,
    progress: bool = True,
    timeout: float = 30.0,
) -> Path:
    """Download ``url`` to ``dest`` if its content SHA-256 equals ``sha256``.

    The checksum is over the decompressed content (see ``content_sha256``).
    Raises ``OSError`` for network errors and truncated transfers, ``ValueError``
    for a checksum mismatch or corrupt data; ``dest`` is then left untouched.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            _transfer(url, out, opener or urllib.request.urlopen, progress, timeout, dest.name)
        _verify(tmp, sha256, url)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def _transfer(
    url: str, out: IO[bytes], opener: Opener, progress: bool, timeout: float, label: str
) -> None:
    """Copy the response body into ``out``, checking it against Content-Length."""
    try:
        with opener(url, timeout=timeout) as response:
            total = _content_length(response)
            got = _copy(response, out, total, progress, label)
    except urllib.error.URLError as exc:
        raise OSError(f"{url}: {exc.reason}") from exc
    except http.client.IncompleteRead as exc:
        raise OSError(f"{url}: download truncated ({exc})") from exc
    if total is not None and got != total:
        raise OSError(f"{url}: download truncated (expected {total} bytes, got {got})")


def _copy(
    response: IO[bytes], out: IO[bytes], total: int | None, progress: bool, label: str
) -> int:
    """Stream ``response`` to ``out`` with a tqdm bar; return the byte count."""
    from tqdm.auto import tqdm  # imported here: tqdm.auto pulls in asyncio (~0.1 s)

    got = 0
    with tqdm(
        total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=label, disable=not progress
    ) as bar:
        for chunk in iter(lambda: response.read(_CHUNK), b""):
            out.write(chunk)
            got += len(chunk)
            bar.update(len(chunk))
    return got


def _content_length(response: Any) -> int | None:
    """The announced body size, or ``None`` if the response does not say."""
    headers = getattr(response, "headers", None)
    value = headers.get("Content-Length") if headers is not None else None
    return int(value) if value and str(value).isdigit() else None


def _verify(path: Path, sha256: str, url: str) -> None:
    """Raise ``ValueError`` unless the downloaded content hashes to ``sha256``."""
    try:
        actual = content_sha256(path)
    except ValueError as exc:
        raise ValueError(f"{url}: downloaded data is corrupt ({exc})") from exc
    if actual != sha256.lower():
        raise ValueError(f"{url}: checksum mismatch (expected sha256 {sha256}, got {actual})")
