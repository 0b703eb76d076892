"""Damaged and hostile model files: every one fails fast, names the file, allocates little.

The hostile files are written by hand (zip records, ``.npy`` headers) so
that they are small on disk although they *declare* gigabytes; the tests
check that loading them fails with a ValueError naming the file (and the
layer) while tracemalloc sees no large allocation.  Crash-prone cases (a
``kill -9`` in the middle of a save) run in a subprocess.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import struct
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest

import nnlite as keras
from nnlite.saving import archive, temp_files

GiB = 2**30
MAX_PEAK = 16 * 2**20  # no hostile file may make loading allocate more than this
DELETE = object()  # table value: remove the field


# ------------------------------------------------------------------ models
def _sequential():
    model = keras.models.Sequential([
        keras.layers.Dense(4, activation="relu", input_shape=[3], name="hidden"),
        keras.layers.Dropout(0.5, name="drop"),
        keras.layers.Dense(2, name="out")], name="seq")
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=0.01))
    model.fit(np.ones((8, 3), "float32"), np.ones((8, 2), "float32"), epochs=1, verbose=0)
    return model


def _functional():
    in_a = keras.layers.Input(shape=[3], name="in_a")
    in_b = keras.layers.Input(shape=[2], name="in_b")
    branch = keras.layers.Dense(4, name="branch")(in_a)
    concat = keras.layers.Concatenate(name="concat")([branch, in_b])
    head = keras.layers.Dense(1, name="head")(concat)
    model = keras.models.Model(inputs=[in_a, in_b], outputs=head, name="fn")
    model.compile(loss="mse", optimizer="sgd")
    return model


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """Good files of both kinds of model: {"seq": path, "fn": path}."""
    folder = tmp_path_factory.mktemp("good")
    paths = {"seq": folder / "seq.h5", "fn": folder / "fn.h5"}
    _sequential().save(paths["seq"])
    _functional().save(paths["fn"])
    return paths


def _parts(path) -> tuple[dict, dict, dict | None]:
    """(config, weight arrays, optimizer arrays) of a good file, read by the test itself."""
    with zipfile.ZipFile(path) as zf:
        config = json.loads(zf.read(archive.CONFIG))
        arrays = [dict(np.load(io.BytesIO(zf.read(name)))) if name in zf.namelist() else None
                  for name in (archive.WEIGHTS, archive.OPTIMIZER)]
    return config, arrays[0], arrays[1]


def _npz(arrays: dict, raw: dict | None = None) -> bytes:
    """An .npz of ``arrays``; ``raw`` adds members given as bytes (hand-made .npy)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for key, value in arrays.items():
            with zf.open(f"{key}.npy", "w") as f:
                np.lib.format.write_array(f, np.asarray(value), allow_pickle=False)
        for name, data in (raw or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def _write(path, config, weights=None, optimizer=None, *, entries=None):
    """An nnlite file from parts (``entries``: extra or replacement raw entries)."""
    members = {archive.CONFIG: json.dumps(config).encode()}
    if weights is not None:
        members[archive.WEIGHTS] = _npz(weights)
    if optimizer is not None:
        members[archive.OPTIMIZER] = _npz(optimizer)
    members.update(entries or {})
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _npy_bytes(shape, descr="<f4", data=b"", version=(1, 0), fortran=False) -> bytes:
    """A hand-made .npy: any header, any amount of data (not necessarily matching)."""
    header = repr({"descr": descr, "fortran_order": fortran, "shape": tuple(shape)})
    size_field = 2 if version == (1, 0) else 4
    pad = -(10 + size_field - 2 + len(header) + 1) % 64
    header = (header + " " * pad + "\n").encode()
    length = struct.pack("<H" if size_field == 2 else "<I", len(header))
    return b"\x93NUMPY" + bytes(version) + length + header + data


def _raw_zip(members) -> bytes:
    """A zip written record by record: ``(name, data, method, declared size, crc, flags)``.

    Nothing is checked, so declared sizes may lie.
    """
    out, central = bytearray(), bytearray()
    for name, data, method, size, crc, flags in members:
        offset, encoded = len(out), name.encode()
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0, crc,
                           len(data), size, len(encoded), 0) + encoded + data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, method, 0, 0, crc,
                               len(data), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    start = len(out)
    out += central + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                                 len(central), start, 0)
    return bytes(out)


def _stored(name: str, data: bytes):
    return (name, data, zipfile.ZIP_STORED, len(data), zlib.crc32(data), 0)


def _deflated(name: str, data: bytes):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = c.compress(data) + c.flush()
    return (name, packed, zipfile.ZIP_DEFLATED, len(data), zlib.crc32(data), 0)


def _zeros_deflated(n_mib: int) -> bytes:
    """A raw deflate stream of ``n_mib`` MiB of zeros, about n_mib KiB long (made fast)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(bytes(2**20)) + c.flush(zlib.Z_FULL_FLUSH)
    return block * n_mib + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def _bomb_member(name: str, declared: int, n_mib: int):
    return (name, _zeros_deflated(n_mib), zipfile.ZIP_DEFLATED, declared, 0, 0)


# ---------------------------------------------------------------- measuring
def _fails_small(load, path, match: str, layer: str | None = None) -> tuple[int, float]:
    """``load(path)`` raises a ValueError matching ``match`` that names the file (and
    layer), allocating less than MAX_PEAK; returns (peak bytes, seconds)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ValueError, match=match) as info:
            load(path)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert str(path) in message
    if layer is not None:
        assert f"layer {layer!r}" in message
    assert peak < MAX_PEAK, f"loading allocated {peak / 2**20:.0f} MiB: {message}"
    return peak, seconds


def _load_model(path):
    return keras.models.load_model(path)


def _target_model():
    model = keras.models.Sequential([
        keras.layers.Dense(4, activation="relu", input_shape=[3], name="hidden"),
        keras.layers.Dropout(0.5, name="drop"),
        keras.layers.Dense(2, name="out")])
    return model


def _loaders():
    """load_model, and load_weights into a matching model that must stay unchanged."""
    model = _target_model()

    def load_weights(path):
        before = [w.copy() for w in model.get_weights()]
        try:
            model.load_weights(path)
        finally:
            assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    return [_load_model, load_weights]


# ------------------------------------------------------------- zip bombs
def test_config_that_inflates_to_3_gib_is_refused_unread(tmp_path, saved):
    path = tmp_path / "bomb.h5"
    path.write_bytes(_raw_zip([_bomb_member(archive.CONFIG, 3 * GiB, 3072)]))
    assert path.stat().st_size < 4 * 2**20
    for load in _loaders():
        _fails_small(load, path, r"the file is corrupt: config\.json declares 3\.0 GiB, more "
                                 r"than nnlite reads \(16\.0 MiB\)")


def test_config_whose_declared_size_lies_is_read_only_that_far(tmp_path):
    path = tmp_path / "liar.h5"
    path.write_bytes(_raw_zip([_bomb_member(archive.CONFIG, 4000, 3072)]))
    for load in _loaders():
        _fails_small(load, path, r"the file is corrupt: config\.json: Bad CRC-32")


def test_weights_that_inflate_to_3_gib_are_refused_unread(tmp_path, saved):
    config, _, _ = _parts(saved["seq"])
    path = tmp_path / "bomb.h5"
    path.write_bytes(_raw_zip([_stored(archive.CONFIG, json.dumps(config).encode()),
                               _bomb_member(archive.WEIGHTS, 3 * GiB, 3072)]))
    for load in _loaders():
        _fails_small(load, path, r"weights\.npz declares 3\.0 GiB, more than the weights "
                                 r"listed in config\.json can take")


def test_weights_whose_declared_size_lies_are_read_only_that_far(tmp_path, saved):
    config, weights, _ = _parts(saved["seq"])
    liar = list(_bomb_member(archive.WEIGHTS, len(_npz(weights)), 64))
    path = tmp_path / "liar.h5"
    path.write_bytes(_raw_zip([_stored(archive.CONFIG, json.dumps(config).encode()),
                               tuple(liar)]))
    for load in _loaders():
        _fails_small(load, path, r"the file is corrupt: weights\.npz")


@pytest.mark.parametrize("entry", [archive.CONFIG, archive.WEIGHTS])
def test_sizes_deflate_cannot_produce_are_refused(tmp_path, saved, entry):
    config, weights, _ = _parts(saved["seq"])
    members = {archive.CONFIG: _stored(archive.CONFIG, json.dumps(config).encode()),
               archive.WEIGHTS: _stored(archive.WEIGHTS, _npz(weights))}
    members[entry] = (entry, b"\x03\x00" * 100, zipfile.ZIP_DEFLATED, 3 * GiB, 0, 0)
    path = tmp_path / "impossible.h5"
    path.write_bytes(_raw_zip(list(members.values())))
    for load in _loaders():
        _fails_small(load, path, rf"{entry} declares 3\.0 GiB inflated from 200 bytes, more "
                                 r"than deflate can compress \(1032:1\)")


@pytest.mark.parametrize("damage, match", [
    ("stored_size", r"stored uncompressed but declares 3221225472 bytes of content in"),
    ("past_the_end", r"beyond the end"),
    ("duplicate", r"config\.json appears twice in the zip directory"),
    ("bzip2", r"uses zip compression method 12"),
    ("encrypted", r"is encrypted"),
])
def test_zip_directory_lies_are_refused(tmp_path, saved, damage, match):
    config, weights, _ = _parts(saved["seq"])
    cfg = _stored(archive.CONFIG, json.dumps(config).encode())
    wts = _stored(archive.WEIGHTS, _npz(weights))
    members = {
        "stored_size": [cfg, wts[:3] + (3 * GiB,) + wts[4:]],
        "past_the_end": [cfg, (archive.WEIGHTS, wts[1][:10], 0, 10, 0, 0)],
        "duplicate": [cfg, wts, cfg],
        "bzip2": [cfg, wts[:2] + (zipfile.ZIP_BZIP2,) + wts[3:]],
        "encrypted": [cfg, wts[:5] + (1,)],
    }[damage]
    data = _raw_zip(members)
    if damage == "past_the_end":  # declare 3 GiB of compressed data in a tiny file
        data = data.replace(struct.pack("<2L", 10, 10), struct.pack("<2L", 3 * GiB, 3 * GiB))
    path = tmp_path / f"{damage}.h5"
    path.write_bytes(data)
    for load in _loaders():
        _fails_small(load, path, "the file is corrupt: .*" + match)


def test_rss_stays_low_for_every_bomb(tmp_path, saved):
    """Peak resident memory of a fresh process loading each bomb grows by < 64 MiB."""
    config, _, _ = _parts(saved["seq"])
    bombs = {"config": _raw_zip([_bomb_member(archive.CONFIG, 3 * GiB, 3072)]),
             "liar": _raw_zip([_bomb_member(archive.CONFIG, 4000, 3072)]),
             "weights": _raw_zip([_stored(archive.CONFIG, json.dumps(config).encode()),
                                  _bomb_member(archive.WEIGHTS, 3 * GiB, 3072)])}
    for name, data in bombs.items():
        (tmp_path / f"{name}.h5").write_bytes(data)
    script = textwrap.dedent(f"""
        import resource, sys
        import nnlite as keras
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for name in {sorted(bombs)!r}:
            try:
                keras.models.load_model({str(tmp_path)!r} + "/" + name + ".h5")
            except ValueError:
                pass
            else:
                sys.exit("loaded " + name)
        print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) < 64, f"RSS grew by {result.stdout.split()[-1]} MiB"


# ------------------------------------------------------------ .npy headers
def _replace_array(saved, tmp_path, key, npy: bytes, listing=None):
    """A copy of the Sequential file with array ``key`` replaced by hand-made bytes."""
    config, weights, optimizer = _parts(saved["seq"])
    if listing is not None:
        listing(config)
    del weights[key]
    entries = {archive.WEIGHTS: _npz(weights, raw={f"{key}.npy": npy})}
    return _write(tmp_path / "crafted.h5", config, None, optimizer, entries=entries)


def _set_row(key, **changes):
    def change(config):
        for entry in config["weights"]:
            for row in entry["weights"]:
                if row["key"] == key:
                    row.update(changes)
    return change


def test_npy_header_declaring_3_gib_is_refused_before_allocating(tmp_path, saved):
    n = 3 * GiB // 4
    path = _replace_array(saved, tmp_path, "hidden/kernel", _npy_bytes((n,)),
                          _set_row("hidden/kernel", shape=[n]))
    for load in _loaders():
        _fails_small(load, path, r"weights\.npz/hidden/kernel\.npy declares shape "
                                 r"\(805306368,\) of float32 \(3\.0 GiB\) but its entry holds "
                                 r"0 bytes of data")


def test_npy_header_that_disagrees_with_the_listing(tmp_path, saved):
    path = _replace_array(saved, tmp_path, "hidden/kernel", _npy_bytes((3 * GiB // 4,)))
    for load in _loaders():
        _fails_small(load, path, r"weights\.npz/hidden/kernel\.npy declares shape")
    data = np.zeros((4, 3), "float32").tobytes()
    path = _replace_array(saved, tmp_path, "hidden/kernel", _npy_bytes((4, 3), data=data))
    for load in _loaders():
        _fails_small(load, path, r"weight 'hidden/kernel' is listed as \(3, 4\) float32 in "
                                 r"config\.json but weights\.npz holds \(4, 3\) float32",
                     layer="hidden")


@pytest.mark.parametrize("npy, match", [
    (_npy_bytes((3, -4)), r"declares a negative dimension in shape \(3, -4\)"),
    (_npy_bytes((3, 4), version=(3, 0)), r"nnlite reads 1\.0 and 2\.0"),
    (b"\x93NUMPY\x02\x00" + struct.pack("<I", 10**9) + b"{", r"has no readable \.npy header"),
    (_npy_bytes((3, 4), version=(2, 0))[:12] + b"x" * 20_000, r"has no readable \.npy header"),
    (b"not an array at all", r"has no readable \.npy header"),
    (_npy_bytes((3, 4), descr="<U1", data=bytes(48)), r"holds an array of dtype '<U1'"),
    (_npy_bytes((3, 4), descr=[("a", "<f4")], data=bytes(48)), r"holds an array of dtype"),
    (_npy_bytes((3, 4), descr="<c8", data=bytes(96)), r"holds an array of dtype 'complex64'"),
    (_npy_bytes((3, 4), data=bytes(47)), r"declares shape \(3, 4\) of float32 \(48 bytes\) "
                                         r"but its entry holds 47 bytes"),
    (_npy_bytes((3, 4), data=bytes(49)), r"declares shape \(3, 4\) of float32 \(48 bytes\) "
                                         r"but its entry holds 49 bytes"),
])
def test_damaged_npy_headers(tmp_path, saved, npy, match):
    path = _replace_array(saved, tmp_path, "hidden/kernel", npy)
    for load in _loaders():
        _fails_small(load, path, "the file is corrupt: .*" + match)


def test_object_arrays_are_refused_as_pickle(tmp_path, saved):
    path = _replace_array(saved, tmp_path, "out/bias",
                          _npy_bytes((2,), descr="|O", data=b"\x80\x04N."))
    for load in _loaders():
        _fails_small(load, path, r"holds a pickled object array; refusing to load it")


@pytest.mark.parametrize("order, dtype", [("F", "<f4"), ("C", ">f4"), ("F", ">f8")])
def test_fortran_order_and_big_endian_arrays_load_correctly(tmp_path, saved, order, dtype):
    config, weights, optimizer = _parts(saved["seq"])
    kernel = np.arange(12, dtype="float32").reshape(3, 4)
    weights["hidden/kernel"] = np.asarray(kernel, dtype=dtype, order=order)
    _set_row("hidden/kernel", dtype=np.dtype(dtype).name)(config)
    path = _write(tmp_path / "m.h5", config, weights, optimizer)
    assert np.array_equal(keras.models.load_model(path).layers[0].kernel.value, kernel)
    model = _target_model()
    model.load_weights(path)
    assert np.array_equal(model.layers[0].kernel.value, kernel)


def test_files_with_deflated_arrays_load(tmp_path, saved):
    """Files written before the arrays were stored uncompressed (and np.savez_compressed
    members) still load."""
    with zipfile.ZipFile(saved["seq"]) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    _, weights, _ = _parts(saved["seq"])
    buf = io.BytesIO()
    np.savez_compressed(buf, **weights)
    entries[archive.WEIGHTS] = buf.getvalue()
    with zipfile.ZipFile(tmp_path / "old.h5", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    loaded = keras.models.load_model(tmp_path / "old.h5")
    original = keras.models.load_model(saved["seq"])
    for a, b in zip(loaded.get_weights(), original.get_weights()):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("damage, match, layer", [
    ("extra", r"weights\.npz holds arrays that config\.json does not list: \['evil'\]", None),
    ("missing", r"weight 'out/bias' is listed in config\.json but missing from weights\.npz",
     "out"),
    ("not_npy", r"weights\.npz holds 'readme\.txt', which is not a \.npy array", None),
    ("not_zip", r"weights\.npz is not a readable \.npz archive", None),
    ("absent", r"no weights\.npz inside", None),
])
def test_weights_entry_must_hold_exactly_the_listed_arrays(tmp_path, saved, damage, match,
                                                           layer):
    config, weights, optimizer = _parts(saved["seq"])
    entries = {}
    if damage == "extra":
        weights["evil"] = np.zeros(3)
    elif damage == "missing":
        del weights["out/bias"]
    elif damage == "not_npy":
        entries[archive.WEIGHTS] = _npz(weights, raw={"readme.txt": b"hello"})
    elif damage == "not_zip":
        entries[archive.WEIGHTS] = b"this is not a zip archive"
    path = _write(tmp_path / "m.h5", config, None if damage == "absent" else weights,
                  optimizer, entries=entries)
    for load in _loaders():
        _fails_small(load, path, "the file is corrupt: .*" + match, layer)


@pytest.mark.parametrize("change, match", [
    (lambda o: o.update({"hidden/kernel/m": np.zeros((4, 3), "float32")}),
     r"optimizer slot 'hidden/kernel/m' should be a float array of shape \(3, 4\)"),
    (lambda o: o.update({"hidden/kernel/m": np.zeros((3, 4), "int32")}),
     r"optimizer slot 'hidden/kernel/m' should be a float array"),
    (lambda o: o.update({"ghost/kernel/m": np.zeros((3, 4), "float32")}),
     r"optimizer slot 'ghost/kernel/m' belongs to no weight of the model"),
    (lambda o: o.update({"iterations": np.zeros(3, "int64")}),
     r"optimizer\.npz/iterations\.npy should be a scalar but has shape \(3,\)"),
    (lambda o: o.update({"iterations": np.array("x")}),
     r"holds an array of dtype '<U1'"),
])
def test_damaged_optimizer_state(tmp_path, saved, change, match):
    config, weights, optimizer = _parts(saved["seq"])
    change(optimizer)
    path = _write(tmp_path / "m.h5", config, weights, optimizer)
    _fails_small(_load_model, path, "the file is corrupt: .*" + match)
    keras.models.load_model(path, compile=False)  # the optimizer state is not needed then


# ------------------------------------------- huge or wrong declarations
@pytest.mark.parametrize("units", [10**7, 10**12])
def test_huge_dense_declaration_fails_before_allocating(tmp_path, saved, units):
    config, weights, optimizer = _parts(saved["seq"])
    config["model"]["config"]["layers"][0]["config"]["units"] = units
    path = _write(tmp_path / "huge.h5", config, weights, optimizer)
    _fails_small(_load_model, path, rf"the architecture creates weight 'kernel' of shape "
                                    rf"\(3, {units}\) but the file lists 'kernel' of shape "
                                    r"\(3, 4\)", layer="hidden")
    assert len(json.dumps(config)) < 4000


def test_huge_declaration_in_listing_and_architecture(tmp_path, saved):
    """Architecture and listing agree on a huge kernel that weights.npz cannot hold."""
    config, weights, optimizer = _parts(saved["seq"])

    def with_units(units: int, name: str):  # the architecture and listing both say (3, units)
        config["model"]["config"]["layers"][0]["config"]["units"] = units
        _set_row("hidden/kernel", shape=[3, units])(config)
        return _write(tmp_path / name, config, weights, optimizer)

    path = with_units(10**7, "huge.h5")
    _fails_small(_load_model, path, r"weight 'hidden/kernel' is listed as \(3, 10000000\) "
                                    r"float32 in config\.json but weights\.npz holds \(3, 4\)",
                 layer="hidden")
    entries = {archive.WEIGHTS: _npz({k: v for k, v in weights.items() if k != "hidden/kernel"},
                                     raw={"hidden/kernel.npy": _npy_bytes((3, 10**7))})}
    path = _write(tmp_path / "huge2.h5", config, None, optimizer, entries=entries)
    _fails_small(_load_model, path, r"declares shape \(3, 10000000\) of float32 \(114\.4 MiB\) "
                                    r"but its entry holds 0 bytes of data")
    path = with_units(10**12, "huge3.h5")
    _fails_small(_load_model, path, r"shape should be a list of at most 32 integers in "
                                    r"\[0, 2147483647\], found \[3, 1000000000000\]",
                 layer="hidden")


def test_architecture_that_builds_weights_the_file_does_not_list(tmp_path, saved):
    config, weights, _ = _parts(saved["seq"])
    config["model"]["config"]["layers"][0]["config"]["units"] = 10**12
    config["weights"], config["compile"] = [], None
    path = _write(tmp_path / "m.h5", config, {})
    _fails_small(_load_model, path, r"creates weight 'kernel' of shape \(3, 1000000000000\), "
                                    r"but the file lists no weights for this layer",
                 layer="hidden")


# ------------------------------------------------------ string weights
@pytest.mark.parametrize("value, dtype, match", [
    (np.array(["a", "b"]), "float32", r"holds an array of dtype '<U1'"),
    (np.array(["a", "b"]), "<U1", r"dtype should be one of"),
    (np.array([1, 2], "int32"), "int32", r"dtype float32 in the model but int32 in .*; "
                                         r"expected an array of the same kind"),
    (np.zeros(3, "float32"), "float32", r"shape \(2,\) in the model but \(3,\) in"),
])
def test_wrong_last_layer_weights_leave_the_model_unchanged(tmp_path, saved, value, dtype,
                                                            match):
    config, weights, _ = _parts(saved["seq"])
    weights["out/bias"] = value
    _set_row("out/bias", dtype=dtype, shape=list(value.shape))(config)
    path = _write(tmp_path / "m.h5", config, weights)
    load_weights = _loaders()[1]  # asserts the model is unchanged
    _fails_small(load_weights, path, match)


def test_last_layer_with_damaged_data_leaves_the_model_unchanged(tmp_path, saved):
    config, weights, _ = _parts(saved["seq"])
    path = _write(tmp_path / "m.h5", config, weights)
    data = bytearray(path.read_bytes())
    npz = _npz(weights)
    start = data.find(npz)
    spot = npz.rfind(np.asarray(weights["out/bias"]).tobytes())
    data[start + spot] ^= 0xFF  # a flipped bit in the last array's data: a CRC error
    path.write_bytes(bytes(data))
    _fails_small(_loaders()[1], path, r"the file is corrupt: weights\.npz/out/bias\.npy: "
                                      r"Bad CRC-32")


def test_wrong_dtype_kind_in_load_model(tmp_path, saved):
    config, weights, _ = _parts(saved["seq"])
    weights["out/bias"] = np.array([1, 2], "int32")
    _set_row("out/bias", dtype="int32")(config)
    path = _write(tmp_path / "m.h5", config, weights)
    _fails_small(_load_model, path, r"weight 'bias' should be float32 but the file stores "
                                    r"int32", layer="out")


# ------------------------------------------------------------ nested JSON
@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_config(tmp_path, saved, depth):
    config, weights, _ = _parts(saved["seq"])
    text = json.dumps(config)
    text = text[:-1] + ', "extra": ' + "[" * depth + "]" * depth + "}"
    path = _write(tmp_path / "deep.h5", {}, weights, entries={archive.CONFIG: text.encode()})
    for load in _loaders():
        _fails_small(load, path, r"the file is corrupt: config\.json is nested too deeply "
                                 r"\(more than 64 levels")


def test_duplicate_json_keys(tmp_path, saved):
    config, weights, _ = _parts(saved["seq"])
    text = json.dumps(config)[:-1] + ', "kind": "weights"}'
    path = _write(tmp_path / "dup.h5", {}, weights, entries={archive.CONFIG: text.encode()})
    for load in _loaders():
        _fails_small(load, path, r"config\.json: key 'kind' appears twice in one object")


# --------------------------------------- every field × corrupt value
NAN, INF = float("nan"), float("inf")


def _layer(name):
    return ("layer", name)


FIELD_CASES = [
    # (model, field path, corrupt value, message, layer named)
    ("seq", ("format",), DELETE, r"not an nnlite model file", None),
    ("seq", ("format",), "keras", r"not an nnlite model file", None),
    ("seq", ("format_version",), DELETE, r"bad format_version None", None),
    ("seq", ("format_version",), "1", r"bad format_version '1'", None),
    ("seq", ("format_version",), 1.0, r"bad format_version 1\.0", None),
    ("seq", ("format_version",), True, r"bad format_version True", None),
    ("seq", ("format_version",), 0, r"bad format_version 0", None),
    ("seq", ("format_version",), 99, r"newer format version \(99 > 1\)", None),
    ("seq", ("nnlite_version",), 7, r"corrupt: nnlite_version should be a string", None),
    ("seq", ("kind",), DELETE, r"corrupt: kind should be one of", None),
    ("seq", ("kind",), "modle", r"corrupt: kind should be one of", None),
    ("seq", ("kind",), "weights", r"holds only weights", None),
    ("seq", ("model",), DELETE, r"corrupt: config\.json has no 'model'", None),
    ("seq", ("model",), [], r"corrupt: model should be an object", None),
    ("seq", ("model", "class_name"), DELETE, r"corrupt: model has no 'class_name'", None),
    ("seq", ("model", "class_name"), 5, r"model\.class_name should be a string", None),
    ("seq", ("model", "base"), "Tree", r"model\.base should be 'Sequential' or 'Model'", None),
    ("seq", ("model", "config"), DELETE, r"model has no 'config'", None),
    ("seq", ("model", "config"), None, r"model\.config should be an object", None),
    ("seq", ("model", "config", "name"), 5, r"model\.config\.name should be a string", None),
    ("seq", ("model", "config", "layers"), DELETE, r"model\.config has no 'layers'", None),
    ("seq", ("model", "config", "layers"), {}, r"model\.config\.layers should be a list", None),
    ("seq", ("model", "config", "layers", 0), 5, r"layers\[0\] should be an object", None),
    ("seq", (_layer("hidden"), "class_name"), DELETE, r"has no 'class_name'", "hidden"),
    ("seq", (_layer("hidden"), "class_name"), 5, r"class_name should be a class name",
     "hidden"),
    ("seq", (_layer("hidden"), "class_name"), "NoSuchLayer",
     r"Unknown layer class 'NoSuchLayer'", "hidden"),
    ("seq", (_layer("hidden"), "config"), DELETE, r"layers\[0\] has no 'config'", None),
    ("seq", (_layer("hidden"), "config"), 5, r"layers\[0\]\.config should be an object", None),
    ("seq", (_layer("hidden"), "config", "name"), 5, r"name should be a layer name", None),
    ("seq", (_layer("hidden"), "config", "name"), "", r"name should be a layer name", None),
    ("seq", (_layer("hidden"), "config", "trainable"), "yes", r"trainable should be true or "
     r"false, found 'yes'", "hidden"),
    ("seq", (_layer("hidden"), "config", "dtype"), 32, r"dtype should be a string or null",
     "hidden"),
    *[("seq", (_layer("hidden"), "config", "batch_input_shape"), value,
       r"batch_input_shape should be a list of at most 32 integers in \[0, 2147483647\] or "
       r"null, found", "hidden")
      for value in ([None, -3], [None, 2.5], [None, NAN], [None, 10**30], "x", [None] * 40)],
    *[("seq", (_layer("hidden"), "config", "units"), value,
       r"cannot rebuild layer 'hidden' \(Dense\): .*units must be a positive integer, got "
       r".*otherwise its saved config is corrupt", "hidden")
      for value in (-3, 0, 2.5, "4", None)],
    ("seq", (_layer("hidden"), "config", "units"), NAN, r"units should be a finite number",
     "hidden"),
    ("seq", (_layer("hidden"), "config", "units"), 5, r"creates weight 'kernel' of shape "
     r"\(3, 5\) but the file lists 'kernel' of shape \(3, 4\)", "hidden"),
    ("seq", (_layer("hidden"), "config", "use_bias"), False, r"the file lists 2 weights "
     r"\['kernel', 'bias'\] but the architecture creates 1", "hidden"),
    ("seq", (_layer("hidden"), "config", "activation"), "no_such_activation",
     r"no_such_activation", "hidden"),
    ("seq", (_layer("hidden"), "config", "activation"), 5, r"Could not interpret activation 5",
     "hidden"),
    ("seq", (_layer("hidden"), "config", "kernel_initializer"), {"class_name": "Nope",
     "config": {}}, r"Unknown initializer 'Nope'", "hidden"),
    ("seq", (_layer("drop"), "config", "rate"), INF, r"rate should be a finite number", "drop"),
    ("seq", ("model", "config", "build_input_shape"), [None, -1],
     r"build_input_shape should be a list", None),
    ("seq", ("model", "config", "build_input_shape"), "x",
     r"build_input_shape should be a list", None),
    ("seq", ("weights",), DELETE, r"config\.json has no 'weights'", None),
    ("seq", ("weights",), {}, r"weights should be a list", None),
    ("seq", ("weights", 0), 5, r"weights\[0\] should be an object", None),
    ("seq", ("weights", 0, "layer"), DELETE, r"weights\[0\] has no 'layer'", None),
    ("seq", ("weights", 0, "layer"), 5, r"weights\[0\]\.layer should be a layer name", None),
    ("seq", ("weights", 0, "layer"), "ghost", r"creates weight 'kernel' of shape \(3, 4\), but "
     r"the file lists no weights for this layer", "hidden"),
    ("seq", ("weights", 0, "class_name"), 5, r"class_name should be a string", "hidden"),
    ("seq", ("weights", 0, "weights"), DELETE, r"weights\[0\] has no 'weights'", "hidden"),
    ("seq", ("weights", 0, "weights"), "x", r"weights\[0\]\.weights should be a list", "hidden"),
    ("seq", ("weights", 0, "weights"), [], r"weights\.npz holds arrays that config\.json does "
     r"not list", None),
    ("seq", ("weights", 0, "weights", 0), 5, r"weights\[0\] should be an object", "hidden"),
    ("seq", ("weights", 0, "weights", 0, "key"), DELETE, r"has no 'key'", "hidden"),
    ("seq", ("weights", 0, "weights", 0, "key"), 5, r"key should be a non-empty string",
     "hidden"),
    ("seq", ("weights", 0, "weights", 0, "key"), "", r"key should be a non-empty string",
     "hidden"),
    ("seq", ("weights", 0, "weights", 0, "key"), "nowhere", r"weight 'nowhere' is listed in "
     r"config\.json but missing from weights\.npz", "hidden"),
    ("seq", ("weights", 0, "weights", 0, "key"), "hidden/bias", r"weight key 'hidden/bias' is "
     r"listed twice", "hidden"),
    ("seq", ("weights", 0, "weights", 0, "name"), DELETE, r"has no 'name'", "hidden"),
    ("seq", ("weights", 0, "weights", 0, "name"), 5, r"name should be a non-empty string",
     "hidden"),
    ("seq", ("weights", 0, "weights", 0, "name"), "bias", r"creates weight 'kernel' of shape "
     r"\(3, 4\) but the file lists 'bias'", "hidden"),
    ("seq", ("weights", 0, "weights", 0, "shape"), DELETE, r"has no 'shape'", "hidden"),
    *[("seq", ("weights", 0, "weights", 0, "shape"), value, r"shape should be a list of at "
       r"most 32 integers in \[0, 2147483647\], found", "hidden")
      for value in ([3, -4], [3, 4.0], [3, NAN], [3, 10**30], "x", [3, None], [3, True])],
    *[("seq", ("weights", 0, "weights", 0, "shape"), value, r"is listed as .* in config\.json "
       r"but weights\.npz holds \(3, 4\) float32", "hidden") for value in ([3], [3, 10**9])],
    ("seq", ("weights", 0, "weights", 0, "dtype"), DELETE, r"has no 'dtype'", "hidden"),
    *[("seq", ("weights", 0, "weights", 0, "dtype"), value, r"dtype should be one of",
       "hidden") for value in ("object", "<U5", 5, "complex64", None)],
    ("seq", ("weights", 0, "weights", 0, "dtype"), "float64", r"listed as \(3, 4\) float64 in "
     r"config\.json but weights\.npz holds \(3, 4\) float32", "hidden"),
    ("seq", ("compile",), "x", r"compile should be an object or null", None),
    ("seq", ("compile", "loss"), DELETE, r"compile has no 'loss'", None),
    ("seq", ("compile", "loss"), 5, r"compile\.loss should be a name", None),
    ("seq", ("compile", "loss"), [5], r"compile\.loss\[0\] should be a name", None),
    ("seq", ("compile", "metrics"), 5, r"compile\.metrics should be a name", None),
    ("seq", ("compile", "loss_weights"), "x", r"loss_weights should be null, or a list", None),
    ("seq", ("compile", "loss_weights"), [NAN], r"loss_weights should be null, or a list",
     None),
    ("seq", ("compile", "loss_weights"), [True], r"loss_weights should be null, or a list",
     None),
    ("seq", ("compile", "optimizer"), DELETE, r"compile has no 'optimizer'", None),
    ("seq", ("compile", "optimizer"), "adam", r"compile\.optimizer should be a", None),
    ("seq", ("compile", "optimizer", "class_name"), 5, r"compile\.optimizer should be a",
     None),
    ("seq", ("compile", "optimizer", "config"), 5, r"compile\.optimizer should be a", None),
    *[("seq", ("compile", "optimizer", "config", "learning_rate"), value,
       r"learning_rate should be a finite number", None) for value in (NAN, INF, [1])],
    ("seq", ("layer_state",), "x", r"layer_state should be an object", None),
    ("seq", ("layer_state", "ghost"), {"rng_seed": 1, "step": 0},
     r"layer_state names a layer the architecture does not have", "ghost"),
    ("seq", ("layer_state", "drop"), 5, r"layer_state\.drop should be an object", "drop"),
    ("seq", ("layer_state", "drop", "rng_seed"), DELETE, r"has no 'rng_seed'", "drop"),
    *[("seq", ("layer_state", "drop", "rng_seed"), value, r"rng_seed should be an integer in "
       r"\[0, 2\*\*64\)", "drop") for value in (-1, 1.5, 2**64, "7", None)],
    *[("seq", ("layer_state", "drop", "step"), value, r"step should be a non-negative "
       "integer", "drop") for value in (-1, NAN, "3", True)],
    # functional graphs
    ("fn", (_layer("concat"), "inbound_layers"), ["ghost"], r"the layer reads 'ghost', which "
     r"is not defined before it \(a cycle, or a wrong reference\)", "concat"),
    ("fn", (_layer("concat"), "inbound_layers"), ["concat"], r"the layer reads itself",
     "concat"),
    ("fn", (_layer("concat"), "inbound_layers"), ["branch", "head"], r"reads 'head', which is "
     r"not defined before it \(a cycle", "concat"),
    ("fn", (_layer("concat"), "inbound_layers"), "branch", r"inbound_layers should be a list "
     "of layer names", "concat"),
    ("fn", (_layer("concat"), "inbound_layers"), [5], r"inbound_layers should be a list",
     "concat"),
    ("fn", (_layer("head"), "inbound_layers"), [], r"inbound_layers is empty: the layer reads "
     "nothing", "head"),
    ("fn", (_layer("in_a"), "inbound_layers"), ["branch"], r"should be \[\] for an InputLayer",
     "in_a"),
    ("fn", (_layer("concat"), "call_with_list"), "yes", r"call_with_list should be true or "
     "false", "concat"),
    ("fn", (_layer("branch"), "name"), "renamed", r"is named 'renamed' but its config says "
     "'branch'", "renamed"),
    ("fn", (_layer("branch"), "name"), 5, r"name should be a layer name", None),
    ("fn", ("model", "config", "input_layers"), DELETE, r"model\.config has no 'input_layers'",
     None),
    ("fn", ("model", "config", "input_layers"), [], r"input_layers should be a non-empty list",
     None),
    ("fn", ("model", "config", "input_layers"), "in_a", r"input_layers should be a non-empty "
     "list", None),
    ("fn", ("model", "config", "input_layers"), ["branch", "in_b"], r"input_layers names "
     r"'branch', which is not an input layer of the graph", None),
    ("fn", ("model", "config", "input_layers"), ["ghost", "in_b"], r"names 'ghost'", None),
    ("fn", ("model", "config", "output_layers"), ["ghost"], r"output_layers names 'ghost', "
     "which is not a layer of the graph", None),
    ("fn", ("model", "config", "output_layers"), [], r"output_layers should be a non-empty",
     None),
    ("fn", ("model", "config", "output_layers"), ["head", "branch"], r"output_layers lists 2 "
     "layers but multi_output is false", None),
    ("fn", ("model", "config", "multi_input"), "no", r"multi_input should be true or false",
     None),
    ("fn", ("model", "config", "multi_input"), False, r"input_layers lists 2 layers but "
     "multi_input is false", None),
]


def _resolve(config: dict, step, model_kind: str):
    """The container a table path step points into (layer steps select by name)."""
    if isinstance(step, tuple):
        for entry in config["model"]["config"]["layers"]:
            if entry.get("name", entry["config"].get("name")) == step[1]:
                return entry
        raise KeyError(step)
    return config[step]


def _apply(config: dict, field: tuple, value, model_kind: str) -> None:
    target = config
    for step in field[:-1]:
        target = _resolve(target, step, model_kind) if isinstance(step, tuple) else target[step]
    if value is DELETE:
        del target[field[-1]]
    else:
        target[field[-1]] = value


def _case_id(case) -> str:
    kind, field, value = case[:3]
    steps = [s[1] if isinstance(s, tuple) else str(s) for s in field]
    shown = "DELETE" if value is DELETE else repr(value)[:20]
    return f"{kind}:{'.'.join(steps)}={shown}"


@pytest.mark.parametrize("case", FIELD_CASES, ids=[_case_id(c) for c in FIELD_CASES])
def test_every_field_with_a_corrupt_value(tmp_path, saved, case):
    kind, field, value, match, layer = case
    config, weights, optimizer = _parts(saved[kind])
    _apply(config, field, value, kind)
    path = _write(tmp_path / "bad.h5", config, weights, optimizer)
    _fails_small(_load_model, path, match, layer)


def test_duplicate_names_in_a_functional_graph(tmp_path, saved):
    config, weights, optimizer = _parts(saved["fn"])
    entry = _resolve(config, _layer("head"), "fn")
    entry["name"] = entry["config"]["name"] = "branch"
    path = _write(tmp_path / "bad.h5", config, weights, optimizer)
    _fails_small(_load_model, path, r"the name is used by two layers of the graph", "branch")


WEIGHT_FIELD_CASES = [c for c in FIELD_CASES
                      if c[0] == "seq" and c[1][0] in ("weights", "format", "format_version")
                      and "creates" not in c[3]]


@pytest.mark.parametrize("case", WEIGHT_FIELD_CASES, ids=[_case_id(c) for c in
                                                          WEIGHT_FIELD_CASES])
def test_load_weights_refuses_every_corrupt_listing_field(tmp_path, saved, case):
    kind, field, value, match, layer = case
    config, weights, optimizer = _parts(saved[kind])
    _apply(config, field, value, kind)
    path = _write(tmp_path / "bad.h5", config, weights, optimizer)
    _fails_small(_loaders()[1], path, match, layer)


def test_good_files_still_load(saved):
    for path in saved.values():
        model = keras.models.load_model(path)
        assert model.optimizer is not None


# ------------------------------------------------------- kill -9 mid-save
def _writer_script(path: str, checkpoint: bool) -> str:
    """A child that saves once, then hangs inside the next save's fsync (temp file written)."""
    save = (f"""
        cb = keras.callbacks.ModelCheckpoint({path!r})
        model.fit(x, y, epochs=3, callbacks=[cb], verbose=0)
    """ if checkpoint else f"""
        model.save({path!r})
        model.save({path!r})
    """)
    return textwrap.dedent("""
        import os, sys, time
        import numpy as np
        import nnlite as keras
        from nnlite.saving import archive
        real_fsync, calls = os.fsync, []
        def hang(fd):
            calls.append(fd)
            real_fsync(fd)
            if len(calls) == 3:  # the second save: its temporary file is complete
                print("hanging", flush=True)
                time.sleep(600)
        archive.os.fsync = hang
        model = keras.models.Sequential([keras.layers.Dense(64, input_shape=[32]),
                                         keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam")
        x, y = np.ones((16, 32), "float32"), np.ones((16, 1), "float32")
    """) + textwrap.dedent(save)


def _kill_mid_save(path, checkpoint: bool = False) -> list[str]:
    child = subprocess.Popen([sys.executable, "-c", _writer_script(str(path), checkpoint)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "hanging"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    return sorted(n for n in os.listdir(path.parent) if n.endswith(".tmp"))


def _tiny_model():
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[32])])
    model.compile(loss="mse", optimizer="sgd")
    return model


def test_kill_9_mid_save_leaves_a_temp_file_that_the_next_save_removes(tmp_path):
    path = tmp_path / "model.h5"
    leftovers = _kill_mid_save(path)
    assert len(leftovers) == 1 and leftovers[0].startswith(".model.h5.")
    keras.models.load_model(path)  # the first save is intact
    _tiny_model().save(path)
    assert sorted(os.listdir(tmp_path)) == ["model.h5"]
    keras.models.load_model(path)


def test_kill_9_in_model_checkpoint_is_cleaned_up_by_the_next_run(tmp_path):
    template = tmp_path / "ckpt-{epoch:02d}.h5"
    leftovers = _kill_mid_save(template, checkpoint=True)
    assert len(leftovers) == 1 and leftovers[0].startswith(".ckpt-02.h5.")
    model = _tiny_model()
    model.fit(np.ones((4, 32)), np.ones((4, 1)), epochs=1, verbose=0,
              callbacks=[keras.callbacks.ModelCheckpoint(str(template))])
    assert sorted(os.listdir(tmp_path)) == ["ckpt-01.h5"]
    keras.models.load_model(tmp_path / "ckpt-01.h5")


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_leftovers_of_dead_writers_are_removed(tmp_path):
    host = temp_files._host_tag()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        names = {
            f".model.h5.{host}-{_dead_pid()}-dead0001.tmp": False,       # dead writer: removed
            f".model.h5.{host}-{sleeper.pid}-live0001.tmp": True,        # live writer: kept
            f".model.h5.{host}-{os.getpid()}-mine0001.tmp": True,        # our own thread
            f".model.h5.otherhost-{_dead_pid()}-far00001.tmp": True,     # another machine
            ".model.h5.abcd1234.tmp": True,                              # old name, recent
            f".other.h5.{host}-{_dead_pid()}-dead0002.tmp": True,        # another target
            "model.h5.backup.tmp": True,                                 # not ours
        }
        old = {".model.h5.old00001.tmp", ".model.h5.otherhost-1-old00002.tmp"}
        for name in list(names) + sorted(old):
            (tmp_path / name).write_bytes(b"x")
        for name in old:
            past = time.time() - temp_files.STALE_AFTER_SECONDS - 60
            os.utime(tmp_path / name, (past, past))
        _tiny_model().save(tmp_path / "model.h5")
        left = set(os.listdir(tmp_path))
        assert left == {n for n, kept in names.items() if kept} | {"model.h5"}
    finally:
        sleeper.kill()
        sleeper.wait()


def test_temp_file_names_record_the_writer(tmp_path):
    fd, name = temp_files.make_temp_file(str(tmp_path / "model.h5"))
    os.close(fd)
    match = temp_files.temp_name_pattern("model\\.h5").fullmatch(os.path.basename(name))
    assert match and int(match.group("pid")) == os.getpid()
    assert match.group("host") == temp_files._host_tag()


def test_checkpoint_names_regex():
    cb = keras.callbacks.ModelCheckpoint("out/ckpt-{epoch:02d}-{val_loss:.2f}.h5")
    regex = cb.names_regex()
    assert re.fullmatch(regex, "ckpt-07-0.31.h5") and not re.fullmatch(regex, "model.h5")
    assert keras.callbacks.ModelCheckpoint("{epoch}/m.h5").names_regex() is None


def test_limits_are_documented():
    doc = open(os.path.join(os.path.dirname(__file__), "..", "docs", "file-format.md")).read()
    assert f"{archive.MAX_CONFIG_BYTES // 2**20} MiB" in doc
    assert f"{archive.MAX_JSON_DEPTH} levels" in doc
    assert f"{archive.MAX_DEFLATE_RATIO}:1" in doc
