"""Read a data file that may or may not be gzip-compressed, and hash its content.

Compression is detected from the file's first two bytes, not from its name, so
``train-images-idx3-ubyte.gz`` and an uncompressed copy behave the same.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20
_GZIP_ERRORS = (OSError, EOFError, zlib.error)


def read_bytes(path: str | os.PathLike) -> bytes:
    """Return the file's content, decompressed if it is gzip data."""
    with open(path, "rb") as raw:
        data = raw.read()
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except _GZIP_ERRORS as exc:
        raise ValueError(f"{os.fspath(path)}: corrupt gzip data ({exc})") from exc


def content_sha256(path: str | os.PathLike) -> str:
    """SHA-256 (hex) of the file's *decompressed* content, read in chunks.

    Hashing the content rather than the ``.gz`` bytes makes one checksum valid
    for every re-compression of the same data (Debian's ``dataset-fashion-mnist``
    files differ byte-wise from the upstream ``.gz`` files but hold the same data).
    """
    digest = hashlib.sha256()
    with open(path, "rb") as raw:
        compressed = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        stream: BinaryIO = gzip.GzipFile(fileobj=raw) if compressed else raw
        try:
            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                digest.update(chunk)
        except _GZIP_ERRORS as exc:
            raise ValueError(f"{os.fspath(path)}: corrupt gzip data ({exc})") from exc
    return digest.hexdigest()
