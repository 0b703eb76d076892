"""Reproducibility: a seeded fit repeats bit for bit; in deterministic mode for any thread count.

The promise (see :mod:`nnlite.config`): after ``set_random_seed`` a fit repeats
bit for bit on the same backend and thread count; nnlite's own kernels give
the same bits with any number of threads, NumPy's BLAS does not, and
``enable_op_determinism`` pins BLAS to one thread so the thread count stops
mattering.  The model has a 784-wide input (the book's MNIST MLP): OpenBLAS
splits a (64, 784) @ (784, 32) product differently for 1 and 2 threads.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from threadpoolctl import threadpool_info

import nnlite
from nnlite import _kernels
from nnlite.utils.threads import limit_threads

BACKENDS = [b for b in ("reference", "numba", "cython")
            if _kernels.available_backends()[b] == "available"]


def blas_threads() -> list[int]:
    """The thread count of every BLAS loaded in this process."""
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


#: How many threads BLAS may use here (OPENBLAS_NUM_THREADS=1 or one core: 1).
MAX_BLAS_THREADS = max(blas_threads(), default=1)


def seeded_fit(backend: str, n_threads: int) -> list[np.ndarray]:
    """Train a small MLP (Dense, BatchNorm, Dropout) from seed 7 with ``n_threads`` threads."""
    with _kernels.use_backend(backend), limit_threads(n_threads):
        nnlite.utils.set_random_seed(7)
        x = np.random.rand(256, 784).astype("float32")
        y = np.random.randint(0, 10, 256)
        model = nnlite.models.Sequential([
            nnlite.layers.Dense(32, activation="relu", input_shape=[784]),
            nnlite.layers.BatchNormalization(), nnlite.layers.Dropout(0.2),
            nnlite.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
        model.fit(x, y, epochs=2, batch_size=64, verbose=0)
        return model.get_weights()


def assert_same_bits(first: list[np.ndarray], second: list[np.ndarray]) -> None:
    assert len(first) == len(second)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b, strict=True)


@pytest.fixture
def deterministic() -> Iterator[None]:
    """Deterministic mode for one test, switched off afterwards."""
    nnlite.config.enable_op_determinism()
    try:
        yield
    finally:
        nnlite.config.disable_op_determinism()


@pytest.fixture
def parallel_numba_loops(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run numba's parallel twins even on small arrays (batch norm, dropout, SGD)."""
    if "numba" in BACKENDS:
        from nnlite._kernels.numba_cpu import _jit

        monkeypatch.setattr(_jit, "PARALLEL_MIN", 1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_seeded_fit_repeats_itself(backend):
    assert_same_bits(seeded_fit(backend, 2), seeded_fit(backend, 2))


@pytest.mark.parametrize("backend", BACKENDS)
def test_deterministic_mode_ignores_the_thread_count(backend, deterministic,
                                                     parallel_numba_loops):
    assert_same_bits(seeded_fit(backend, 1), seeded_fit(backend, 2))


@pytest.mark.skipif(MAX_BLAS_THREADS < 2, reason="BLAS can use only one thread here")
def test_deterministic_mode_keeps_blas_on_one_thread():
    before = blas_threads()
    with limit_threads(2):
        assert max(blas_threads()) == 2  # without it, threads reach BLAS ...
    nnlite.config.enable_op_determinism()
    try:
        assert nnlite.config.is_op_determinism_enabled()
        assert set(blas_threads()) == {1}
        with limit_threads(2):  # ... and with it they do not
            assert set(blas_threads()) == {1}
    finally:
        nnlite.config.disable_op_determinism()
    assert blas_threads() == before  # restored
    assert not nnlite.config.is_op_determinism_enabled()


def test_tensorflow_spelling():
    import nnlite as tf

    experimental = tf.config.experimental
    assert experimental.enable_op_determinism is nnlite.config.enable_op_determinism
    experimental.enable_op_determinism()
    experimental.enable_op_determinism()  # twice: still one pin, undone by one call
    assert experimental.is_op_determinism_enabled()
    experimental.disable_op_determinism()
    assert not experimental.is_op_determinism_enabled()
