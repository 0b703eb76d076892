"""fit's thread handling: the policy's decisions reach BLAS/OpenMP/numba; explicit settings win.

Step times come from a fake clock whose steps cost what the thread count
in use makes them cost, so nothing here depends on the machine's speed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numba
import numpy as np
import pytest
from threadpoolctl import ThreadpoolController, threadpool_info

import nnlite
from nnlite import _kernels
from nnlite.models import training as training_module
from nnlite.utils import fit_threads as fit_threads_module
from nnlite.utils.fit_threads import (
    AdaptiveThreads,
    FixedThreads,
    adaptive_threads_enabled,
    fit_threads,
    forget_thread_decision,
)
from nnlite.utils.threads import limit_threads


def blas_threads() -> int:
    return max(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")


MAX_BLAS_THREADS = blas_threads()
needs_two = pytest.mark.skipif(MAX_BLAS_THREADS < 2, reason="BLAS has one thread here")


@pytest.fixture(autouse=True)
def adaptive_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The suite's conftest turns the policy off; these tests need it on."""
    monkeypatch.setenv("NNLITE_ADAPTIVE_THREADS", "1")
    monkeypatch.delenv("NNLITE_NUM_THREADS", raising=False)
    forget_thread_decision()  # each test starts from 1 thread and a probe
    yield
    forget_thread_decision()


class LoadedClock:
    """perf_counter for the fit loop: a step costs 1 ms on one thread, 20 ms on more."""

    def __init__(self):
        self.now = 0.0
        self.counts: list[int] = []

    def perf_counter(self) -> float:
        n = blas_threads()
        self.counts.append(n)
        self.now += 0.5e-3 if n == 1 else 10e-3  # called twice per step
        return self.now


def use_clock(monkeypatch: pytest.MonkeyPatch, clock: LoadedClock) -> LoadedClock:
    """The fit loop reads its step times from ``clock``."""

    class FakeTime:
        perf_counter = staticmethod(clock.perf_counter)

    monkeypatch.setattr(training_module, "time", FakeTime)
    return clock


@pytest.fixture
def loaded_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoadedClock]:
    yield use_clock(monkeypatch, LoadedClock())


def predict_thread_counts() -> list[int]:
    """The BLAS thread count at each of the three batches of a small ``predict``."""
    counts = []

    class Note(nnlite.callbacks.Callback):
        def on_predict_batch_begin(self, batch, logs=None):
            counts.append(blas_threads())

    model = nnlite.models.Sequential([nnlite.layers.Dense(3, input_shape=[4])])
    model.predict(np.zeros((10, 4), np.float32), batch_size=4, verbose=0, callbacks=[Note()])
    return counts


def small_fit(steps: int = 60) -> None:
    rng = np.random.default_rng(0)
    x = rng.random((32 * steps, 20), dtype=np.float32)
    y = rng.integers(0, 3, 32 * steps)
    model = nnlite.models.Sequential([nnlite.layers.Dense(8, activation="relu", input_shape=[20]),
                                      nnlite.layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)


@needs_two
def test_fit_tries_all_threads_then_keeps_one_on_a_busy_machine(loaded_clock):
    before = blas_threads()
    small_fit()
    assert MAX_BLAS_THREADS in loaded_clock.counts  # probed
    assert loaded_clock.counts[-10:] == [1] * 10    # and went back to one thread
    assert blas_threads() == before                 # restored after fit


@needs_two
def test_the_next_fit_starts_with_the_last_decision(loaded_clock):
    small_fit()
    loaded_clock.counts.clear()
    small_fit(steps=20)
    assert set(loaded_clock.counts) == {1}  # no probe of all threads again


@needs_two
def test_nnlite_num_threads_wins(loaded_clock, monkeypatch):
    monkeypatch.setenv("NNLITE_NUM_THREADS", "1")
    assert not adaptive_threads_enabled()
    small_fit()
    assert set(loaded_clock.counts) == {1}
    monkeypatch.setenv("NNLITE_NUM_THREADS", "2")
    loaded_clock.counts.clear()
    small_fit()
    assert set(loaded_clock.counts) == {2}


@needs_two
def test_limit_threads_wins(loaded_clock):
    with limit_threads(2):
        assert not adaptive_threads_enabled()
        small_fit()
    assert set(loaded_clock.counts) == {2}


@needs_two
def test_deterministic_mode_wins(loaded_clock):
    nnlite.config.enable_op_determinism()
    try:
        assert not adaptive_threads_enabled()
        small_fit()
    finally:
        nnlite.config.disable_op_determinism()
    assert set(loaded_clock.counts) == {1}


def test_switch_off_with_the_environment(monkeypatch):
    assert adaptive_threads_enabled() == (threading.current_thread() is threading.main_thread())
    monkeypatch.setenv("NNLITE_ADAPTIVE_THREADS", "0")
    assert not adaptive_threads_enabled()
    with fit_threads() as threads:
        assert type(threads) is FixedThreads


def test_not_outside_the_main_thread():
    seen = []
    worker = threading.Thread(target=lambda: seen.append(adaptive_threads_enabled()))
    worker.start()
    worker.join()
    assert seen == [False]


@needs_two
def test_every_runtime_follows_the_decision():
    """BLAS, the OpenMP runtime of the Cython kernels (when built) and numba get the count."""
    if _kernels.available_backends()["cython"] == "available":
        import nnlite._kernels._cython  # noqa: F401  (loads its OpenMP runtime)
    controller = ThreadpoolController()
    before = {lib.filepath: lib.num_threads for lib in controller.lib_controllers}
    numba_before = numba.get_num_threads()
    adaptive = AdaptiveThreads(controller)
    try:
        assert adaptive.policy.threads == 1
        libs = [lib for lib in controller.lib_controllers if lib.user_api in ("blas", "openmp")]
        assert libs and all(lib.num_threads == 1 for lib in libs)
        assert numba.get_num_threads() == 1
        adaptive.runtimes.apply(adaptive.policy.max_threads)
        assert max(lib.num_threads for lib in libs) == MAX_BLAS_THREADS
    finally:
        adaptive.restore()
    assert {lib.filepath: lib.num_threads for lib in controller.lib_controllers} == before
    assert numba.get_num_threads() == numba_before


def test_the_controller_is_reused_until_modules_change(monkeypatch):
    first = fit_threads_module.thread_controller()
    assert fit_threads_module.thread_controller() is first
    monkeypatch.setattr(fit_threads_module, "_controller_modules", -2)
    assert fit_threads_module.thread_controller() is not first


@needs_two
def test_predict_after_a_busy_fit_runs_on_one_thread(loaded_clock):
    small_fit()  # one thread won
    before = blas_threads()
    assert predict_thread_counts() == [1, 1, 1] and blas_threads() == before
    fit_threads_module._last_fit_end -= 3600  # an hour later: the decision is stale
    assert predict_thread_counts() == [before] * 3


class IdleSmallBatchClock(LoadedClock):
    """Idle machine, small products: a step costs about the same on any count."""

    def perf_counter(self) -> float:
        n = blas_threads()
        self.counts.append(n)
        self.now += 0.5e-3 if n == 1 else 0.52e-3
        return self.now


@needs_two
def test_predict_keeps_all_threads_after_a_fit_that_kept_one_only_for_small_batches(
        monkeypatch):
    clock = use_clock(monkeypatch, IdleSmallBatchClock())
    small_fit()
    assert clock.counts[-10:] == [1] * 10  # one thread kept: all threads gained nothing
    before = blas_threads()
    assert predict_thread_counts() == [before] * 3  # predict's large products may use every thread


@needs_two
def test_nnlite_num_threads_also_fixes_predict(monkeypatch):
    monkeypatch.setenv("NNLITE_NUM_THREADS", "1")
    assert predict_thread_counts() == [1, 1, 1] and blas_threads() == MAX_BLAS_THREADS
