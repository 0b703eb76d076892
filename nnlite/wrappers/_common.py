"""Helpers shared by the scikit-learn wrappers: seeding, argument filtering, one-hot.

Seeding
-------
nnlite draws initial weights and shuffles batches from NumPy's *global*
generator (as Keras code seeded with ``np.random.seed`` expects).  A wrapper
with ``random_state=k`` therefore runs its fit inside :func:`seeded`, which

1. takes a process-wide lock, so two fits running in threads of the same
   process (joblib's ``"threading"`` backend, a dask ``LocalCluster`` with
   ``processes=False``) cannot interleave their draws — seeded fits in
   threads run one at a time; use processes for parallel speed;
2. saves the state of ``random`` and ``np.random``, calls
   :func:`nnlite.utils.set_random_seed`, and restores the saved state on exit,
   so fitting an estimator does not change the caller's random numbers.
"""

from __future__ import annotations

import contextlib
import inspect
import random
import threading
from collections.abc import Callable, Iterator

import numpy as np

from .. import losses as losses_module
from ..utils.random import set_random_seed
from ..utils.threads import limit_threads, worker_thread_budget

_GLOBAL_RNG_LOCK = threading.RLock()


def seed_from(random_state) -> int | None:
    """An int seed from ``None`` / an int / a ``np.random.RandomState`` (scikit-learn style)."""
    if random_state is None:
        return None
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be a non-negative integer, got {random_state}")
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**31 - 1))
    raise ValueError(f"random_state must be None, an int or a RandomState, got {random_state!r}")


@contextlib.contextmanager
def seeded(random_state) -> Iterator[None]:
    """Run the block with nnlite seeded from ``random_state`` (no-op for ``None``)."""
    seed = seed_from(random_state)
    if seed is None:
        yield
        return
    with _GLOBAL_RNG_LOCK:
        py_state, np_state = random.getstate(), np.random.get_state()
        set_random_seed(seed)
        try:
            yield
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)


@contextlib.contextmanager
def fit_context(random_state=None) -> Iterator[None]:
    """Threads limited for this worker (:mod:`nnlite.utils.threads`) and RNG seeded."""
    with limit_threads(worker_thread_budget()), seeded(random_state):
        yield


def accepts(fn: Callable, name: str) -> bool:
    """True if ``fn`` has a named parameter ``name`` (``**kwargs`` does not count)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    param = params.get(name)
    return param is not None and param.kind in (param.POSITIONAL_OR_KEYWORD,
                                                param.KEYWORD_ONLY)


def accepts_var_keyword(fn: Callable) -> bool:
    """True if ``fn`` takes ``**kwargs``."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind == p.VAR_KEYWORD for p in params)


def to_categorical(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """One-hot rows for integer labels in ``[0, n_classes)`` (``keras.utils.to_categorical``)."""
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    out = np.zeros((len(labels), n_classes), dtype=np.float32)
    out[np.arange(len(labels)), labels] = 1.0
    return out


def loss_name(model) -> str:
    """The (first) compiled loss' Keras name, e.g. ``"categorical_crossentropy"``."""
    loss = getattr(model, "loss", None)
    if loss is None:  # compiled but not built yet: resolve what compile() received
        loss = getattr(model, "_loss_spec", None)
    if isinstance(loss, (list, tuple)):
        loss = loss[0] if loss else None
    if isinstance(loss, dict):
        loss = next(iter(loss.values()), None)
    if loss is None:
        return ""
    try:
        return losses_module.get(loss).name
    except (TypeError, ValueError):
        return getattr(loss, "name", None) or getattr(loss, "__name__", "") or ""
