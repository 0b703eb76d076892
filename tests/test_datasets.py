"""Tests for nnlite.datasets: IDX parsing, file lookup, safe downloads, loaders."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import struct
import threading
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import nnlite.datasets as datasets
from nnlite.datasets import _locate, digits, fashion_mnist, mnist
from nnlite.datasets._download import download_file
from nnlite.datasets._fetch import fetch
from nnlite.datasets._payload import content_sha256
from nnlite.datasets._splits import IDX_FILES
from nnlite.datasets.errors import DatasetUnavailableError
from nnlite.datasets.idx import parse_idx, read_idx, write_idx

SYSTEM_FASHION = Path("/usr/share/datasets/fashion-mnist")


# --- helpers -------------------------------------------------------------------------


def idx_bytes(code: int, shape: tuple[int, ...], payload: bytes) -> bytes:
    """Hand-build an IDX file (independent of ``write_idx``)."""
    return (
        struct.pack(">BBBB", 0, 0, code, len(shape))
        + struct.pack(f">{len(shape)}I", *shape)
        + payload
    )


def write_tiny_mnist(folder: Path, n_train: int = 3, n_test: int = 2, fill: int = 7) -> None:
    """Write the four MNIST-style IDX files (gzip) with tiny 28x28 images."""
    folder.mkdir(parents=True, exist_ok=True)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", np.full((n, 28, 28), fill, np.uint8))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", np.arange(n, dtype=np.uint8))


@pytest.fixture
def roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Isolate all three search roots under tmp_path (no real cache, no real /usr/share)."""
    paths = {k: tmp_path / k for k in ("env", "xdg", "system", "home")}
    monkeypatch.setenv("NNLITE_DATA", str(paths["env"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(paths["xdg"]))
    monkeypatch.setenv("HOME", str(paths["home"]))
    monkeypatch.setattr(_locate, "SYSTEM_DIR", paths["system"])
    paths["cache"] = paths["xdg"] / "nnlite" / "datasets"
    return paths


def no_network(url: str, timeout: float = 0) -> io.BytesIO:
    """An opener that behaves like an offline machine."""
    raise urllib.error.URLError("[Errno -2] Name or service not known")


# --- IDX format ----------------------------------------------------------------------


def test_parse_raw_uint8_images(tmp_path: Path) -> None:
    path = tmp_path / "images-idx3-ubyte"
    path.write_bytes(idx_bytes(0x08, (2, 2, 3), bytes(range(12))))
    array = read_idx(path)
    assert array.dtype == np.uint8 and array.shape == (2, 2, 3)
    assert array[1, 1, 2] == 11 and array.flags.writeable


def test_parse_gzip_labels_detected_by_content(tmp_path: Path) -> None:
    path = tmp_path / "labels-no-gz-suffix"
    path.write_bytes(gzip.compress(idx_bytes(0x08, (4,), bytes([3, 1, 4, 1]))))
    np.testing.assert_array_equal(read_idx(path), np.array([3, 1, 4, 1], np.uint8))


def test_parse_big_endian_types_become_native() -> None:
    ints = parse_idx(idx_bytes(0x0C, (2,), struct.pack(">2i", -5, 70000)))
    floats = parse_idx(idx_bytes(0x0D, (1, 2), struct.pack(">2f", 1.5, -2.0)))
    np.testing.assert_array_equal(ints, [-5, 70000])
    np.testing.assert_array_equal(floats, [[1.5, -2.0]])
    assert ints.dtype.isnative and floats.dtype == np.float32


@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_write_idx_round_trip(tmp_path: Path, name: str) -> None:
    array = np.arange(24, dtype=np.int16).reshape(2, 3, 4) - 10
    write_idx(tmp_path / name, array)
    back = read_idx(tmp_path / name)
    np.testing.assert_array_equal(back, array)
    assert back.dtype == np.int16
    assert (tmp_path / name).read_bytes()[:2] == (b"\x1f\x8b" if name.endswith(".gz") else b"\0\0")


def test_truncated_payload_names_file_and_sizes(tmp_path: Path) -> None:
    path = tmp_path / "short.gz"
    path.write_bytes(gzip.compress(idx_bytes(0x08, (3, 4), bytes(10))))
    with pytest.raises(
        ValueError, match=r"short\.gz: file is truncated \(expected 12 bytes of data, got 10\)"
    ):
        read_idx(path)


def test_truncated_header() -> None:
    with pytest.raises(
        ValueError, match=r"x: file is truncated \(expected 12 header bytes, got 9\)"
    ):
        parse_idx(idx_bytes(0x08, (3, 4), b"")[:9], source="x")


def test_trailing_bytes_rejected() -> None:
    with pytest.raises(ValueError, match=r"1 unexpected bytes after the data"):
        parse_idx(idx_bytes(0x08, (2,), bytes(3)))


@pytest.mark.parametrize("head", [b"<!DOCTYPE html>", b"\x00\x00\x07\x01abcd", b"\x01\x00\x08\x01"])
def test_bad_magic(tmp_path: Path, head: bytes) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(head)
    with pytest.raises(ValueError, match=r"page\.html: not an IDX file \(bad magic 0x"):
        read_idx(path)


@pytest.mark.parametrize("damage", ["garbage", "cut", "crc"])
def test_corrupt_gzip_names_file(tmp_path: Path, damage: str) -> None:
    good = gzip.compress(idx_bytes(0x08, (50,), bytes(range(50))))
    bad = {
        "garbage": b"\x1f\x8b" + b"not really gzip data",
        "cut": good[: len(good) // 2],
        "crc": good[:-8] + bytes(8),
    }[damage]
    path = tmp_path / "labels.gz"
    path.write_bytes(bad)
    with pytest.raises(ValueError, match=r"labels\.gz: corrupt gzip data"):
        read_idx(path)


def test_content_sha256_ignores_gzip_wrapping(tmp_path: Path) -> None:
    data = idx_bytes(0x08, (5,), bytes(5))
    (tmp_path / "raw").write_bytes(data)
    (tmp_path / "a.gz").write_bytes(gzip.compress(data, mtime=1))
    (tmp_path / "b.gz").write_bytes(gzip.compress(data, compresslevel=1, mtime=2))
    expected = hashlib.sha256(data).hexdigest()
    assert {content_sha256(tmp_path / f) for f in ("raw", "a.gz", "b.gz")} == {expected}


# --- lookup order --------------------------------------------------------------------


def test_lookup_order_env_then_cache_then_system(roots: dict[str, Path]) -> None:
    for key in ("env", "cache", "system"):
        (roots[key] / "toy").mkdir(parents=True)
        (roots[key] / "toy" / "f.bin").write_text(key)
    found = lambda: _locate.locate("toy", [["f.bin"]])["f.bin"].read_text()  # noqa: E731
    assert found() == "env"
    (roots["env"] / "toy" / "f.bin").unlink()
    assert found() == "cache"
    (roots["cache"] / "toy" / "f.bin").unlink()
    assert found() == "system"
    (roots["system"] / "toy" / "f.bin").unlink()
    assert _locate.locate("toy", [["f.bin"]]) is None


def test_incomplete_folder_is_skipped_and_gz_twin_accepted(roots: dict[str, Path]) -> None:
    (roots["env"] / "toy").mkdir(parents=True)
    (roots["env"] / "toy" / "a.gz").write_text("env")  # b.gz missing: not a complete set
    (roots["system"] / "toy").mkdir(parents=True)
    (roots["system"] / "toy" / "a").write_text("sys")  # uncompressed twins are fine
    (roots["system"] / "toy" / "b.gz").write_text("sys")
    found = _locate.locate("toy", [["a.gz", "b.gz"]])
    assert found == {
        "a.gz": roots["system"] / "toy" / "a",
        "b.gz": roots["system"] / "toy" / "b.gz",
    }


def test_cache_root_respects_xdg_and_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _locate.cache_root() == tmp_path / "xdg" / "nnlite" / "datasets"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _locate.cache_root() == tmp_path / "home" / ".cache" / "nnlite" / "datasets"


def test_unset_nnlite_data_is_not_searched(roots: dict[str, Path], monkeypatch) -> None:
    monkeypatch.delenv("NNLITE_DATA")
    monkeypatch.delenv("XDG_CACHE_HOME")
    cache = roots["home"] / ".cache" / "nnlite" / "datasets"
    assert _locate.search_roots() == [cache, roots["system"]]
    described = _locate.describe_roots("toy")
    assert described == f"$NNLITE_DATA (unset), ~/.cache/nnlite/datasets/toy, {roots['system']}/toy"


# --- downloads -----------------------------------------------------------------------


def make_server_files(folder: Path) -> dict[str, str]:
    """Two small downloadable files; returns {name: content sha256}."""
    folder.mkdir(parents=True, exist_ok=True)
    payloads = {"a-idx1-ubyte.gz": idx_bytes(0x08, (3,), bytes([1, 2, 3])), "b.npz": b"PK-ish"}
    (folder / "a-idx1-ubyte.gz").write_bytes(gzip.compress(payloads["a-idx1-ubyte.gz"]))
    (folder / "b.npz").write_bytes(payloads["b.npz"])
    return {name: hashlib.sha256(data).hexdigest() for name, data in payloads.items()}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def test_download_from_file_url_is_verified_and_cached(roots: dict[str, Path], tmp_path) -> None:
    files = make_server_files(tmp_path / "server")
    base_url = (tmp_path / "server").as_uri() + "/"
    paths = fetch("toy", files, title="Toy", base_url=base_url, progress=False)
    assert paths == {name: roots["cache"] / "toy" / name for name in files}
    assert leftovers(roots["cache"] / "toy") == sorted(files)  # no .part files
    np.testing.assert_array_equal(read_idx(paths["a-idx1-ubyte.gz"]), [1, 2, 3])
    # A second call finds the cached copies and never touches the network.
    assert fetch("toy", files, title="Toy", base_url=base_url, opener=no_network) == paths


def test_checksum_mismatch_is_not_cached(roots: dict[str, Path], tmp_path: Path) -> None:
    files = make_server_files(tmp_path / "server")
    files["b.npz"] = "0" * 64
    with pytest.raises(DatasetUnavailableError) as info:
        fetch(
            "toy", files, title="Toy", base_url=(tmp_path / "server").as_uri() + "/", progress=False
        )
    message = str(info.value)
    assert "b.npz: checksum mismatch (expected sha256 000" in message and "\n" not in message
    assert leftovers(roots["cache"] / "toy") == ["a-idx1-ubyte.gz"]  # the good one is kept



@pytest.mark.parametrize("damage", ["truncated", "garbled"])
def test_damaged_cached_file_is_downloaded_again(roots, tmp_path, damage) -> None:
    files = make_server_files(tmp_path / "server")
    base_url = (tmp_path / "server").as_uri() + "/"
    paths = fetch("toy", files, title="Toy", base_url=base_url, progress=False)
    cached = paths["a-idx1-ubyte.gz"]
    good = cached.read_bytes()
    bad = good[: len(good) // 2] if damage == "truncated" else good[:-4] + b"\0\0\0\0"
    cached.write_bytes(bad)
    with pytest.warns(RuntimeWarning, match=f"{cached} is damaged .*downloading it again"):
        again = fetch("toy", files, title="Toy", base_url=base_url, progress=False)
    assert again == paths and cached.read_bytes() == good
    assert leftovers(roots["cache"] / "toy") == sorted(files)


def test_damaged_cached_file_offline_names_the_file(roots, tmp_path) -> None:
    files = make_server_files(tmp_path / "server")
    base_url = (tmp_path / "server").as_uri() + "/"
    cached = fetch("toy", files, title="Toy", base_url=base_url, progress=False)["b.npz"]
    cached.write_bytes(b"PK-is")  # one byte lost
    with pytest.warns(RuntimeWarning), pytest.raises(DatasetUnavailableError) as info:
        fetch("toy", files, title="Toy", base_url=base_url, opener=no_network)
    message = str(info.value)
    assert message.startswith(f"Toy: the cached file {cached} is damaged (checksum mismatch")
    assert "downloading it again failed" in message and "\n" not in message


def test_files_outside_the_cache_are_not_rewritten(roots, tmp_path) -> None:
    files = make_server_files(tmp_path / "server")
    (roots["env"] / "toy").mkdir(parents=True)
    for name in files:  # the user's own copies, which differ from the download
        (roots["env"] / "toy" / name).write_bytes(b"mine")
    paths = fetch("toy", files, title="Toy", base_url="https://example/", opener=no_network)
    assert paths == {name: roots["env"] / "toy" / name for name in files}
    assert (roots["env"] / "toy" / "b.npz").read_bytes() == b"mine"

def test_corrupt_gzip_download_is_not_cached(tmp_path: Path) -> None:
    src = tmp_path / "bad.gz"
    src.write_bytes(b"\x1f\x8b garbage")
    with pytest.raises(ValueError, match="downloaded data is corrupt"):
        download_file(src.as_uri(), tmp_path / "out" / "bad.gz", "0" * 64, progress=False)
    assert leftovers(tmp_path / "out") == []


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves /good (full body) and /short (Content-Length promises more than sent)."""

    body = b"hello, dataset"

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        self.send_response(200)
        self.send_header(
            "Content-Length", str(len(self.body) + (100 if self.path == "/short" else 0))
        )
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_base() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_http_download_and_truncation(http_base: str, tmp_path: Path) -> None:
    sha = hashlib.sha256(_Handler.body).hexdigest()
    dest = download_file(http_base + "good", tmp_path / "good", sha, progress=False)
    assert dest.read_bytes() == _Handler.body
    with pytest.raises(OSError, match="short: download truncated"):
        download_file(http_base + "short", tmp_path / "short", sha, progress=False)
    assert leftovers(tmp_path) == ["good"]


def test_offline_error_is_one_clear_line(roots: dict[str, Path]) -> None:
    with pytest.raises(OSError) as info:
        fetch(
            "toy", {"x.gz": "0" * 64}, title="Toy", base_url="https://example/", opener=no_network
        )
    message = str(info.value)
    assert isinstance(info.value, DatasetUnavailableError)
    assert message.startswith(
        f"Toy not found in {roots['env'] / 'toy'}, {roots['cache'] / 'toy'}, "
    )
    assert (
        "and download failed: https://example/x.gz: [Errno -2] Name or service not known" in message
    )
    assert "\n" not in message and leftovers(roots["cache"] / "toy") == []


# --- loaders -------------------------------------------------------------------------


def test_fashion_constants() -> None:
    assert tuple(fashion_mnist.SHA256) == IDX_FILES
    assert len(fashion_mnist.CLASS_NAMES) == 10 and fashion_mnist.CLASS_NAMES[9] == "Ankle boot"
    assert datasets.fashion_mnist is fashion_mnist and issubclass(
        datasets.DatasetUnavailableError, OSError
    )


def test_fashion_loads_local_files_in_keras_structure(roots: dict[str, Path]) -> None:
    write_tiny_mnist(roots["env"] / "fashion-mnist")
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (3, 28, 28) and y_train.shape == (3,) and x_test.shape == (2, 28, 28)
    assert x_train.dtype == y_test.dtype == np.uint8 and int(x_train[0, 0, 0]) == 7


def test_fashion_unavailable_offline(roots: dict[str, Path], monkeypatch) -> None:
    monkeypatch.setattr(fashion_mnist, "BASE_URL", (roots["home"] / "nowhere").as_uri() + "/")
    with pytest.raises(
        DatasetUnavailableError, match=r"^Fashion-MNIST not found in .* download failed"
    ):
        fashion_mnist.load_data()


def test_mismatched_label_count_is_an_error(roots: dict[str, Path]) -> None:
    folder = roots["env"] / "fashion-mnist"
    write_tiny_mnist(folder)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.arange(5, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"expected images \(n, h, w\) and labels \(n,\)"):
        fashion_mnist.load_data()


@pytest.mark.skipif(not SYSTEM_FASHION.is_dir(), reason="dataset-fashion-mnist not installed")
def test_real_fashion_mnist_from_debian(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NNLITE_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert set(np.unique(y_train)) == set(range(10)) and int(x_train.max()) == 255
    np.testing.assert_array_equal(np.bincount(y_test), [1000] * 10)
    np.testing.assert_array_equal(y_train[:5], [9, 0, 0, 3, 0])  # same order as Keras
    for name, sha in fashion_mnist.SHA256.items():
        assert content_sha256(SYSTEM_FASHION / name) == sha


def test_mnist_from_npz_and_from_idx(roots: dict[str, Path], tmp_path: Path) -> None:
    arrays = {
        "x_train": np.ones((4, 28, 28), np.uint8),
        "y_train": np.arange(4, dtype=np.uint8),
        "x_test": np.zeros((1, 28, 28), np.uint8),
        "y_test": np.array([9], np.uint8),
    }
    write_tiny_mnist(roots["env"] / "mnist")  # IDX layout in the first folder
    (roots["system"] / "mnist").mkdir(parents=True)  # (a made-up npz in the user cache
    np.savez(roots["system"] / "mnist" / "mnist.npz", **arrays)  # would fail its checksum)
    (x_train, _), _ = mnist.load_data()
    assert x_train.shape == (3, 28, 28)  # NNLITE_DATA's IDX files beat the system's npz
    for name in IDX_FILES:
        (roots["env"] / "mnist" / name).unlink()
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (4, 28, 28) and y_test.tolist() == [9] and x_test.dtype == np.uint8
    np.savez(tmp_path / "mine.npz", **{**arrays, "y_test": np.array([5], np.uint8)})
    assert mnist.load_data(path=tmp_path / "mine.npz")[1][1].tolist() == [5]


def test_mnist_bad_npz(tmp_path: Path) -> None:
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"bad\.npz: not a valid mnist\.npz archive"):
        mnist.load_data(path=tmp_path / "bad.npz")


def test_digits_always_available_and_deterministic() -> None:
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1437, 8, 8) and x_test.shape == (360, 8, 8)
    assert y_train.shape == (1437,) and y_test.shape == (360,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert int(x_train.max()) == 16 and set(np.unique(y_test)) == set(range(10))
    (x_again, y_again), _ = digits.load_data()
    np.testing.assert_array_equal(x_again, x_train)
    np.testing.assert_array_equal(y_again, y_train)
    (_, _), (x_small, _) = digits.load_data(test_size=100, seed=1)
    assert len(x_small) == 100
