"""The ``.npz`` entries of a file: every array header checked before any data is read.

An ``.npz`` is a zip of ``.npy`` files.  :class:`ArrayEntry` opens one
entry of an nnlite file and reads, for each array, only its zip directory
record and its ``.npy`` header (``numpy.lib.format.read_magic`` and
``read_array_header_1_0``/``_2_0``, never pickle).  Each header must be
plain numbers (float, signed or unsigned int, bool; no object, string or
structured dtypes) and its shape × itemsize must be exactly the size of the
data its zip entry holds — so a header declaring a 3 GiB array in a 1 KiB
entry is refused before anything is allocated.  :func:`check_weights_entry`
and :func:`check_optimizer_entry` then compare the headers with the weight
listing of ``config.json``.  Data is read only afterwards, by
:meth:`ArrayEntry.read`, in chunks and never beyond the declared size.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from dataclasses import dataclass

import numpy as np

from .archive import NnliteFile, check_directory, corrupt, size_text
from .file_checks import LayerWeights, WeightRow

#: the longest ``.npy`` header accepted (NumPy's own default limit)
MAX_NPY_HEADER = 10_000
#: room for zip records, ``.npy`` header and name of one array inside an ``.npz``
_ARRAY_OVERHEAD = 16 * 1024
#: room for the end records and comment of an ``.npz``
_NPZ_OVERHEAD = 128 * 1024
#: at most this many optimizer slots (Adam's m, v, v̂ …) per weight
MAX_SLOTS_PER_WEIGHT = 4
_CHUNK = 1 << 20
_NPY_PREAMBLE = 12  # magic string, version and header length


@dataclass(frozen=True)
class ArrayHeader:
    """What the ``.npy`` header of one array declares, and where its data is."""

    key: str
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool
    member: zipfile.ZipInfo
    header_size: int

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


def _describe(dtype: np.dtype) -> str:
    """``float32``, ``<U1``, ``[('a', '<f4')]`` …"""
    return str(dtype)


def _read_npy_header(f, info: zipfile.ZipInfo, entry: str, path: str) -> tuple:
    where = f"{entry}/{info.filename}"
    try:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            header = np.lib.format.read_array_header_1_0(f, max_header_size=MAX_NPY_HEADER)
        elif version == (2, 0):
            header = np.lib.format.read_array_header_2_0(f, max_header_size=MAX_NPY_HEADER)
        else:
            raise ValueError(f".npy format version {version} (nnlite reads 1.0 and 2.0)")
    except (ValueError, SyntaxError, TypeError, EOFError) as exc:
        raise corrupt(path, f"{where} has no readable .npy header ({exc})") from None
    return header + (f.tell(),)


def _check_dtype(dtype: np.dtype, where: str, path: str) -> None:
    if dtype.hasobject:
        raise ValueError(
            f"{path}: {where} holds a pickled object array; refusing to load it "
            "(nnlite files never contain pickle, so this file was not written by "
            "nnlite or was tampered with)")
    if dtype.fields is not None or dtype.subdtype is not None or dtype.kind not in "fiub":
        raise corrupt(path, f"{where} holds an array of dtype {_describe(dtype)!r}; nnlite "
                            "arrays are numbers (float, int, uint or bool)")


def read_header(zf: zipfile.ZipFile, info: zipfile.ZipInfo, entry: str,
                path: str) -> ArrayHeader:
    """The checked header of one ``.npy`` member; its data size must match its entry."""
    where = f"{entry}/{info.filename}"
    try:  # parse from the first bytes only: a lying header length cannot make us read more
        with zf.open(info) as f:
            head = io.BytesIO(f.read(_NPY_PREAMBLE + MAX_NPY_HEADER))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise corrupt(path, f"{where}: {exc}") from None
    shape, fortran_order, dtype, header_size = _read_npy_header(head, info, entry, path)
    _check_dtype(dtype, where, path)
    if any(d < 0 for d in shape):
        raise corrupt(path, f"{where} declares a negative dimension in shape {shape}")
    header = ArrayHeader(info.filename[:-4], tuple(shape), dtype, fortran_order, info,
                         header_size)
    if header_size + header.nbytes != info.file_size:
        raise corrupt(path, f"{where} declares shape {header.shape} of {_describe(dtype)} "
                            f"({size_text(header.nbytes)}) but its entry holds "
                            f"{size_text(max(info.file_size - header_size, 0))} of data")
    return header


class ArrayEntry:
    """One ``.npz`` entry of an open nnlite file: checked headers, data on demand."""

    def __init__(self, nnfile: NnliteFile, entry: str, limit: int, limit_text: str):
        self.path, self.entry = nnfile.path, entry
        self._zip, size = nnfile.open_inner_zip(entry, limit, limit_text)
        members = check_directory(self._zip, size, f"{entry}/", self.path)
        self.headers: dict[str, ArrayHeader] = {}
        for name, info in members.items():
            if not name.endswith(".npy"):
                raise corrupt(self.path, f"{entry} holds {name!r}, which is not a .npy array")
            self.headers[name[:-4]] = read_header(self._zip, info, entry, self.path)

    def read(self, key: str) -> np.ndarray:
        """The array ``key`` (native byte order), read in chunks within its declared size."""
        header = self.headers[key]
        data = np.empty(header.nbytes, dtype=np.uint8)
        try:
            with self._zip.open(header.member) as f:
                f.read(header.header_size)
                _fill(f, memoryview(data), f"{self.entry}/{header.member.filename}", self.path)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise corrupt(self.path, f"{self.entry}/{header.member.filename}: {exc}") from None
        array = data.view(header.dtype)
        if header.fortran_order:
            array = array.reshape(header.shape[::-1]).T
        else:
            array = array.reshape(header.shape)
        return array if header.dtype.isnative else array.astype(header.dtype.newbyteorder("="))


def _fill(f, view: memoryview, where: str, path: str) -> None:
    """Fill ``view`` from ``f``; the file must end exactly there."""
    pos = 0
    while pos < len(view):
        chunk = f.read(min(_CHUNK, len(view) - pos))
        if not chunk:
            raise corrupt(path, f"{where} ends after {pos} of {len(view)} data bytes")
        view[pos:pos + len(chunk)] = chunk
        pos += len(chunk)
    if f.read(1):
        raise corrupt(path, f"{where} holds more data than its header declares")


# ------------------------------------------------------- against the listing
def _unique_rows(listing: list[LayerWeights]) -> dict[str, WeightRow]:
    rows: dict[str, WeightRow] = {}
    for layer in listing:
        for row in layer.rows:
            rows.setdefault(row.key, row)
    return rows


def weights_entry_limit(listing: list[LayerWeights]) -> int:
    """The most bytes a ``weights.npz`` holding exactly ``listing`` can take."""
    rows = _unique_rows(listing).values()
    return sum(row.nbytes + _ARRAY_OVERHEAD + 2 * len(row.key.encode()) for row in rows) \
        + _NPZ_OVERHEAD


def optimizer_entry_limit(listing: list[LayerWeights]) -> int:
    """The most bytes an ``optimizer.npz`` for ``listing`` can take (float64 slots)."""
    rows = _unique_rows(listing).values()
    per_weight = sum(MAX_SLOTS_PER_WEIGHT * (math.prod(row.shape) * 8 + _ARRAY_OVERHEAD
                                             + 2 * len(row.key.encode()) + 64) for row in rows)
    return per_weight + 64 * _ARRAY_OVERHEAD + _NPZ_OVERHEAD


def _same_dtype(a: np.dtype, b: np.dtype) -> bool:
    return a.kind == b.kind and a.itemsize == b.itemsize


def check_weights_entry(arrays: ArrayEntry, listing: list[LayerWeights]) -> None:
    """Each listed weight is in ``weights.npz`` with its listed shape and dtype; nothing else."""
    path, listed = arrays.path, {}
    for layer in listing:
        for row in layer.rows:
            listed[row.key] = row
            header = arrays.headers.get(row.key)
            if header is None:
                raise corrupt(path, f"weight {row.key!r} is listed in config.json but "
                                    "missing from weights.npz", layer.layer)
            if header.shape != row.shape or not _same_dtype(header.dtype, row.dtype):
                raise corrupt(path, f"weight {row.key!r} is listed as {row.shape} "
                                    f"{row.dtype.name} in config.json but weights.npz holds "
                                    f"{header.shape} {_describe(header.dtype)}", layer.layer)
    extra = sorted(set(arrays.headers) - set(listed))
    if extra:
        raise corrupt(path, f"weights.npz holds arrays that config.json does not list: "
                            f"{extra[:5]}")


def check_optimizer_entry(arrays: ArrayEntry, listing: list[LayerWeights]) -> None:
    """Slots ``"<weight key>/<slot>"`` have their weight's shape; the rest are scalars."""
    rows, path = _unique_rows(listing), arrays.path
    for key, header in arrays.headers.items():
        where = f"optimizer.npz/{key}.npy"
        if "/" not in key:
            if header.shape != ():
                raise corrupt(path, f"{where} should be a scalar but has shape {header.shape}")
            continue
        weight_key = key.rsplit("/", 1)[0]
        row = rows.get(weight_key)
        if row is None:
            raise corrupt(path, f"optimizer slot {key!r} belongs to no weight of the model")
        if header.shape != row.shape or header.dtype.kind != "f":
            raise corrupt(path, f"optimizer slot {key!r} should be a float array of shape "
                                f"{row.shape} (its weight's) but is {header.shape} "
                                f"{_describe(header.dtype)}", row.layer)
