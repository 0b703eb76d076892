"""The IDX file format used by MNIST and Fashion-MNIST.

An IDX file is a 4-byte magic number ``00 00 <dtype code> <ndim>``, then ``ndim``
big-endian uint32 dimensions, then the array data in C order, big-endian.
Files may be gzip-compressed (detected from the content, not the name).
"""

from __future__ import annotations

import gzip
import math
import os
import struct

import numpy as np

from nnlite.datasets._payload import read_bytes

#: IDX type code -> big-endian NumPy dtype.
DTYPES: dict[int, str] = {
    0x08: ">u1",
    0x09: ">i1",
    0x0B: ">i2",
    0x0C: ">i4",
    0x0D: ">f4",
    0x0E: ">f8",
}
_CODES = {np.dtype(name).newbyteorder("="): code for code, name in DTYPES.items()}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (raw or gzip) into a writable, native-endian array.

    Raises ``ValueError`` naming the file if it is not IDX, is truncated, has
    trailing bytes, or is corrupt gzip data.
    """
    return parse_idx(read_bytes(path), source=os.fspath(path))


def parse_idx(data: bytes, source: str = "<bytes>") -> np.ndarray:
    """Parse the (uncompressed) bytes of an IDX file; ``source`` names it in errors."""
    code, ndim = _parse_magic(data, source)
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(
            f"{source}: file is truncated (expected {header} header bytes, got {len(data)})"
        )
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = np.dtype(DTYPES[code])
    count = math.prod(shape)
    _check_payload(source, expected=count * dtype.itemsize, got=len(data) - header)
    array = np.frombuffer(data, dtype=dtype, count=count, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write ``array`` as an IDX file, gzip-compressed if ``path`` ends in ``.gz``."""
    array = np.asarray(array)
    code = _CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(f"IDX cannot store dtype {array.dtype}")
    header = struct.pack(">BBBB", 0, 0, code, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.astype(DTYPES[code]).tobytes()
    if os.fspath(path).endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    with open(path, "wb") as out:
        out.write(data)


def _parse_magic(data: bytes, source: str) -> tuple[int, int]:
    """Return ``(dtype code, ndim)`` from the magic number, or raise ``ValueError``."""
    if len(data) < 4:
        raise ValueError(f"{source}: file is truncated (expected 4 header bytes, got {len(data)})")
    if data[:2] != b"\0\0" or data[2] not in DTYPES:
        raise ValueError(f"{source}: not an IDX file (bad magic 0x{data[:4].hex()})")
    return data[2], data[3]


def _check_payload(source: str, expected: int, got: int) -> None:
    """Raise ``ValueError`` unless the data section has exactly ``expected`` bytes."""
    if got < expected:
        raise ValueError(
            f"{source}: file is truncated (expected {expected} bytes of data, got {got})"
        )
    if got > expected:
        raise ValueError(
            f"{source}: {got - expected} unexpected bytes after the data "
            f"(expected {expected} bytes of data, got {got})"
        )
