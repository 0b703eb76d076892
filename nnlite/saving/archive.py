"""The nnlite file: a zip archive written atomically, read without pickle.

Layout (see ``docs/file-format.md``)::

    config.json     format name, version, model config, compile config
    weights.npz     every weight array, by its unique key
    optimizer.npz   optimizer slots and extra state (``model.save`` only)

Writing goes to a temporary file in the target's folder, which is flushed,
``fsync``-ed and then renamed over the target with :func:`os.replace` — an
atomic operation — so a crash or Ctrl-C mid-save leaves the old file intact.
Reading checks, in order: the file exists, is a complete zip (else *file is
truncated*), holds ``config.json`` with ``"format": "nnlite"`` (else *not an
nnlite model file*), and was written by a format version this nnlite knows.
Arrays are read with ``allow_pickle=False``: a file carrying a pickle payload
is refused, never executed.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import tempfile
import zipfile
import zlib

import numpy as np

FORMAT_NAME = "nnlite"
FORMAT_VERSION = 1
CONFIG = "config.json"
WEIGHTS = "weights.npz"
OPTIMIZER = "optimizer.npz"

_ZIP_MAGIC = b"PK\x03\x04"
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


# ------------------------------------------------------------------ arrays
def encode_arrays(arrays: dict[str, np.ndarray]) -> bytes:
    """The ``.npz`` bytes of ``arrays`` (written with ``allow_pickle=False``)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for key, value in arrays.items():
            with zf.open(f"{key}.npy", "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asarray(value), allow_pickle=False)
    return buf.getvalue()


def decode_arrays(data: bytes, entry: str, path: str) -> dict[str, np.ndarray]:
    """Arrays of an ``.npz`` entry; object (pickled) arrays are refused."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise ValueError(
                f"{path}: {entry} holds a pickled object array; refusing to load it "
                "(nnlite files never contain pickle, so this file was not written by "
                "nnlite or was tampered with)") from None
        raise ValueError(f"{path}: file is corrupt ({entry}: {exc})") from None
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"{path}: file is corrupt ({entry}: {exc})") from None


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


def atomic_write(path, entries: dict[str, bytes], overwrite: bool = True) -> None:
    """Write a zip of ``entries`` to ``path`` atomically (temp file, fsync, rename).

    Any extension is accepted (``.h5``, ``.keras``, ``.ckpt``, none …): the
    name is used as given.  Missing parent folders are created.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path}: is a folder; give a file name such as "
                                f"{os.path.join(path, 'model.nnlite')!r}")
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path}: already exists and overwrite=False")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    mode = _new_file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                               dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for name, data in entries.items():
                    zf.writestr(name, data)
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
    if not head:
        raise ValueError(f"{path}: file is truncated (it is empty)")
    if zipfile.is_zipfile(path):
        return
    if head.startswith(_ZIP_MAGIC):
        raise ValueError(f"{path}: file is truncated (the zip archive ends early, e.g. an "
                         "interrupted copy or download); save the model again")
    hint = " (it is an HDF5 file, e.g. written by TensorFlow/Keras; nnlite reads only " \
           "its own format)" if head.startswith(_HDF5_MAGIC) else ""
    raise ValueError(f"{path}: not an nnlite model file{hint}")


def read_archive(path) -> dict[str, bytes]:
    """The entries of an nnlite file (``config.json`` always among them)."""
    path = os.fspath(path)
    _check_is_archive(path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if CONFIG not in names:
                raise ValueError(f"{path}: not an nnlite model file (no {CONFIG} inside "
                                 "the zip archive)")
            return {name: zf.read(name) for name in (CONFIG, WEIGHTS, OPTIMIZER)
                    if name in names}
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ValueError(f"{path}: file is corrupt ({exc})") from None


def read_config(entries: dict[str, bytes], path: str) -> dict:
    """Parse and check ``config.json``: format name and version."""
    try:
        config = json.loads(entries[CONFIG].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValueError(f"{path}: not an nnlite model file ({CONFIG} is not valid "
                         "JSON)") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT_NAME:
        raise ValueError(f"{path}: not an nnlite model file ({CONFIG} does not say "
                         f'"format": "{FORMAT_NAME}")')
    version = config.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"{path}: not an nnlite model file (bad format_version "
                         f"{version!r})")
    if version > FORMAT_VERSION:
        raise ValueError(f"{path}: saved with a newer format version ({version} > "
                         f"{FORMAT_VERSION}); upgrade nnlite")
    return config
