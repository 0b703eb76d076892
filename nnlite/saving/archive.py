"""The nnlite file: a zip archive written atomically, read with every size checked.

Layout (see ``docs/file-format.md``)::

    config.json     format name, version, model config, compile config
    weights.npz     every weight array, by its unique key
    optimizer.npz   optimizer slots and extra state (``model.save`` only)

Writing goes to a temporary file in the target's folder, which is flushed,
``fsync``-ed and then renamed over the target with :func:`os.replace` — an
atomic operation — so a crash or Ctrl-C mid-save leaves the old file intact;
temporary files of writers that were killed are removed at the next save
(:mod:`~nnlite.saving.temp_files`).

Reading (:class:`NnliteFile`) never trusts a size it has not checked.  It
checks, in order: the file exists and is a complete zip (else *file is
truncated*); each entry's declared sizes are possible (inside the file,
stored entries as long as their data, deflated ones at most 1032 times
their compressed size — what deflate can do at best); ``config.json`` holds
at most :data:`MAX_CONFIG_BYTES` and nests at most :data:`MAX_JSON_DEPTH`
levels; it says ``"format": "nnlite"`` (else *not an nnlite model file*) and
a format version this nnlite knows.  Every read is bounded by the size the
directory declares, so an entry that lies about its size fails its check
instead of filling memory.  The ``.npz`` entries are read by
:mod:`~nnlite.saving.arrays`, never with pickle.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import re
import struct
import zipfile
import zlib

import numpy as np

from .temp_files import make_temp_file, remove_stale_temp_files

FORMAT_NAME = "nnlite"
FORMAT_VERSION = 1
CONFIG = "config.json"
WEIGHTS = "weights.npz"
OPTIMIZER = "optimizer.npz"

#: a larger config.json is refused unread (a Dense layer takes ~900 bytes: ~18 000 layers)
MAX_CONFIG_BYTES = 16 * 2**20
#: config.json nested deeper than this is refused (nnlite writes about 8 levels)
MAX_JSON_DEPTH = 64
#: deflate shrinks data at best 1032:1; an entry declaring more is lying
MAX_DEFLATE_RATIO = 1032

_ZIP_MAGIC = b"PK\x03\x04"
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_END_RECORD = b"PK\x05\x06"
_END_RECORD_SEARCH = 22 + 65535  # the end record and the longest comment
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, ..., name length, extra length


# ------------------------------------------------------------------ errors
class CorruptFileError(ValueError):
    """A damaged or hostile file (a ValueError, as Keras raises for bad files)."""


def corrupt(path: str, problem: str, layer: str | None = None) -> CorruptFileError:
    """The error for a damaged or hostile file: ``"<path>: the file is corrupt: …"``."""
    where = f"layer {layer!r}: " if layer is not None else ""
    return CorruptFileError(f"{path}: the file is corrupt: {where}{problem}")


def size_text(n: int) -> str:
    """``3221225472`` → ``"3.0 GiB"`` (for messages)."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n} bytes" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"  # pragma: no cover


# ------------------------------------------------------------------ arrays
def encode_arrays(arrays: dict[str, np.ndarray]) -> bytes:
    """The ``.npz`` bytes of ``arrays`` (written with ``allow_pickle=False``)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for key, value in arrays.items():
            with zf.open(f"{key}.npy", "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asarray(value), allow_pickle=False)
    return buf.getvalue()


# ------------------------------------------------------------------- JSON
def _json_default(obj):
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"{obj!r} (type {type(obj).__name__}) is not JSON-serializable; give "
                    "the object a get_config() returning numbers, strings, lists and dicts")


def to_json(value, what: str) -> str:
    """``value`` as JSON text; a clear TypeError names ``what`` could not be saved."""
    try:
        return json.dumps(value, indent=1, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cannot save {what}: {exc}") from None


# ----------------------------------------------------------------- writing
def _new_file_mode(path: str) -> int:
    if os.path.exists(path):
        return os.stat(path).st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_folder(folder: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _compression(name: str) -> int:
    """Arrays are stored as they are (read in place when loading); JSON is deflated."""
    return zipfile.ZIP_STORED if name.endswith(".npz") else zipfile.ZIP_DEFLATED


def atomic_write(path, entries: dict[str, bytes], overwrite: bool = True) -> None:
    """Write a zip of ``entries`` to ``path`` atomically (temp file, fsync, rename).

    Any extension is accepted (``.h5``, ``.keras``, ``.ckpt``, none …): the
    name is used as given.  Missing parent folders are created.  Temporary
    files that killed writers left for this target are removed first.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path}: is a folder; give a file name such as "
                                f"{os.path.join(path, 'model.nnlite')!r}")
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path}: already exists and overwrite=False")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    remove_stale_temp_files(folder, re.escape(os.path.basename(path)))
    mode = _new_file_mode(path)
    fd, tmp = make_temp_file(path)
    try:
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w") as zf:
                for name, data in entries.items():
                    zf.writestr(name, data, compress_type=_compression(name))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


# ----------------------------------------------------------------- reading
def _check_is_archive(path: str) -> None:
    if os.path.isdir(path):
        raise ValueError(f"{path}: not an nnlite model file (it is a folder, e.g. a "
                         "TensorFlow SavedModel; nnlite saves a single file)")
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, f"No file or directory found at {path}")
    with open(path, "rb") as f:
        head = f.read(8)
        f.seek(max(0, os.fstat(f.fileno()).st_size - _END_RECORD_SEARCH))
        tail = f.read()
    if not head:
        raise ValueError(f"{path}: file is truncated (it is empty)")
    if _ends_with_end_record(tail) and zipfile.is_zipfile(path):
        return
    if head.startswith(_ZIP_MAGIC):
        raise ValueError(f"{path}: file is truncated (the zip archive ends early, or does not "
                         "end where the file does, e.g. an interrupted copy or download); "
                         "save the model again")
    hint = " (it is an HDF5 file, e.g. written by TensorFlow/Keras; nnlite reads only " \
           "its own format)" if head.startswith(_HDF5_MAGIC) else ""
    raise ValueError(f"{path}: not an nnlite model file{hint}")


def _ends_with_end_record(tail: bytes) -> bool:
    """Does the zip end record (and its comment) end exactly where the file does?

    ``zipfile`` also accepts an end record followed by other bytes — such as
    the one of the stored ``weights.npz`` in a file cut short after it.
    """
    p = tail.rfind(_END_RECORD)
    while p >= 0:
        if p + 22 <= len(tail):
            (comment_length,) = struct.unpack("<H", tail[p + 20:p + 22])
            if p + 22 + comment_length == len(tail):
                return True
        p = tail.rfind(_END_RECORD, 0, p)
    return False


def _check_member(info: zipfile.ZipInfo, container_size: int, where: str, path: str) -> None:
    """The sizes ``info`` declares are possible for an entry of ``container_size`` bytes."""
    name = f"{where}{info.filename}"
    if info.flag_bits & 0x1:
        raise corrupt(path, f"{name} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise corrupt(path, f"{name} uses zip compression method {info.compress_type}; "
                            "nnlite files are stored or deflated")
    if info.header_offset + info.compress_size > container_size:
        raise corrupt(path, f"{name} declares {size_text(info.compress_size)} of data at "
                            f"offset {info.header_offset}, beyond the end "
                            f"({size_text(container_size)})")
    stored = info.compress_type == zipfile.ZIP_STORED
    if stored and info.file_size != info.compress_size:
        raise corrupt(path, f"{name} is stored uncompressed but declares "
                            f"{info.file_size} bytes of content in {info.compress_size}")
    if not stored and info.file_size > MAX_DEFLATE_RATIO * info.compress_size + 1024:
        raise corrupt(path, f"{name} declares {size_text(info.file_size)} inflated from "
                            f"{size_text(info.compress_size)}, more than deflate can "
                            f"compress ({MAX_DEFLATE_RATIO}:1)")


def check_directory(zf: zipfile.ZipFile, container_size: int, where: str,
                    path: str) -> dict[str, zipfile.ZipInfo]:
    """The entries of ``zf`` by name, each declared size checked; duplicates refused."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in zf.infolist():
        if info.filename in members:
            raise corrupt(path, f"{where}{info.filename} appears twice in the zip directory")
        _check_member(info, container_size, where, path)
        members[info.filename] = info
    return members


class _Window(io.RawIOBase):
    """Bytes ``[start, start + size)`` of an open file, as a seekable file of its own."""

    def __init__(self, file, start: int, size: int):
        super().__init__()
        self._file, self._start, self._size, self._pos = file, start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self._size - self._pos))
        self._file.seek(self._start + self._pos)
        got = self._file.readinto(memoryview(buffer)[:n])
        self._pos += got
        return got


class NnliteFile:
    """An nnlite file open for reading; entries are read only within their checked sizes.

    Use as a context manager: the file stays open (one consistent snapshot
    even if another process replaces it meanwhile) until the block ends.
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        _check_is_archive(self.path)
        self._file = open(self.path, "rb")
        try:
            self.size = os.fstat(self._file.fileno()).st_size
            self._zip = zipfile.ZipFile(self._file)
            self.members = check_directory(self._zip, self.size, "", self.path)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            self._file.close()
            raise corrupt(self.path, f"the zip directory is damaged ({exc})") from None
        except BaseException:
            self._file.close()
            raise
        if CONFIG not in self.members:
            self._file.close()
            raise ValueError(f"{self.path}: not an nnlite model file (no {CONFIG} inside "
                             "the zip archive)")

    def __enter__(self) -> NnliteFile:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def __contains__(self, name: str) -> bool:
        return name in self.members

    def read_bytes(self, name: str, limit: int, limit_text: str) -> bytes:
        """The content of entry ``name``, refused unread if it declares more than ``limit``."""
        info = self.members[name]
        if info.file_size > limit:
            raise corrupt(self.path, f"{name} declares {size_text(info.file_size)}, more "
                                     f"than {limit_text} ({size_text(limit)})")
        try:
            with self._zip.open(info) as f:
                data = f.read(info.file_size)  # zipfile also stops there, checking the CRC
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise corrupt(self.path, f"{name}: {exc}") from None
        if len(data) != info.file_size:
            raise corrupt(self.path, f"{name} declares {info.file_size} bytes but holds "
                                     f"{len(data)}")
        return data

    def open_inner_zip(self, name: str, limit: int, limit_text: str) -> tuple:
        """``(ZipFile, size)`` of the zip stored in entry ``name`` (an ``.npz``).

        A stored entry is read in place through a window on the file, so
        nothing is inflated or copied; a deflated one is read into memory
        after its declared size was checked against ``limit``.
        """
        info = self.members[name]
        if info.compress_type == zipfile.ZIP_STORED:
            if info.file_size > limit:
                raise corrupt(self.path, f"{name} declares {size_text(info.file_size)}, more "
                                         f"than {limit_text} ({size_text(limit)})")
            source = _Window(self._file, self._data_start(info), info.file_size)
        else:
            source = io.BytesIO(self.read_bytes(name, limit, limit_text))
        try:
            return zipfile.ZipFile(io.BufferedReader(source)), info.file_size
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise corrupt(self.path, f"{name} is not a readable .npz archive ({exc})") from None

    def _data_start(self, info: zipfile.ZipInfo) -> int:
        self._file.seek(info.header_offset)
        head = self._file.read(_LOCAL_HEADER.size)
        if len(head) < _LOCAL_HEADER.size or not head.startswith(_ZIP_MAGIC):
            raise corrupt(self.path, f"{info.filename}: bad local header")
        _, name_length, extra_length = _LOCAL_HEADER.unpack(head)
        start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
        if start + info.compress_size > self.size:
            raise corrupt(self.path, f"{info.filename}: its data runs past the end of the file")
        return start


# ------------------------------------------------------------- config.json
class _DuplicateKey(ValueError):
    pass


def _refuse_duplicate_keys(pairs: list[tuple]) -> dict:
    out = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(f"key {key!r} appears twice in one object")
        out[key] = value
    return out


def json_depth(value) -> int:
    """How deeply lists and dicts nest in ``value`` (counted without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, (dict, list)):
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _parse_json(data: bytes, path: str):
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_refuse_duplicate_keys)
    except RecursionError:
        raise corrupt(path, f"{CONFIG} is nested too deeply (more than {MAX_JSON_DEPTH} "
                            "levels of lists and objects)") from None
    except _DuplicateKey as exc:
        raise corrupt(path, f"{CONFIG}: {exc}") from None
    except (UnicodeDecodeError, ValueError):
        raise ValueError(f"{path}: not an nnlite model file ({CONFIG} is not valid "
                         "JSON)") from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise corrupt(path, f"{CONFIG} is nested too deeply (more than {MAX_JSON_DEPTH} "
                            "levels of lists and objects)")
    return value


def read_config(nnfile: NnliteFile) -> dict:
    """Read and parse ``config.json`` (bounded, depth-checked); check format and version."""
    path = nnfile.path
    config = _parse_json(nnfile.read_bytes(CONFIG, MAX_CONFIG_BYTES, "nnlite reads"), path)
    if not isinstance(config, dict) or config.get("format") != FORMAT_NAME:
        raise ValueError(f"{path}: not an nnlite model file ({CONFIG} does not say "
                         f'"format": "{FORMAT_NAME}")')
    version = config.get("format_version")
    if type(version) is not int or version < 1:
        raise ValueError(f"{path}: not an nnlite model file (bad format_version "
                         f"{version!r})")
    if version > FORMAT_VERSION:
        raise ValueError(f"{path}: saved with a newer format version ({version} > "
                         f"{FORMAT_VERSION}); upgrade nnlite")
    return config
