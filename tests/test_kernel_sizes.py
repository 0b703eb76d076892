"""Every public kernel × every backend refuses mismatched arguments with a ValueError.

Each :class:`Break` takes the valid arguments of a case of
``nnlite.checking.kernel_cases.CASES`` and breaks one thing (a size, a number of axes,
a dtype or a value the unchecked loops rely on).  The kernel must raise
``ValueError("<kernel>: ...")`` naming the argument, on every backend, with
the reference's message; a compiled kernel that read or wrote out of bounds
instead would crash the interpreter.  So the compiled backends run their
cases in a subprocess (one per backend, run as ``python test_kernel_sizes.py
BACKEND START``, one JSON line per case): a crash fails the case it happened
in, instead of ending the test run, and a new subprocess goes on with the
next.  ``cuda`` runs under the CUDA simulator.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from nnlite import _kernels
from nnlite._kernels import checks
from nnlite._kernels import reference as ref
from nnlite.checking.kernel_cases import CASES

COMPILED = ("numba", "cython", "cuda")
VARIANT = "odd"  # 33 rows, vectors of 481: every axis can lose an element
MAX_CRASHES = 8  # subprocess restarts per backend before the remaining cases are given up


@dataclass(frozen=True)
class Break:
    """Valid arguments from ``CASES[case]`` with one of them broken by ``change``."""

    case: str
    label: str
    change: Callable[[list, dict], None]
    names: str  # the argument the error message must name

    @property
    def kernel(self) -> str:
        return self.case.split(":")[0]

    @property
    def id(self) -> str:
        return f"{self.kernel}:{self.label}"

    def arguments(self) -> tuple[list, dict]:
        args, kwargs = CASES[self.case](np.random.default_rng(7), np.float64, VARIANT)
        args, kwargs = list(args), dict(kwargs)
        self.change(args, kwargs)
        return args, kwargs


# ------------------------------------------------------------- ways to break
def fewer(axis: int = 0) -> Callable:
    """One element fewer along ``axis``."""
    return lambda a: np.take(a, range(a.shape[axis] - 1), axis=axis)


def more(axis: int = 0) -> Callable:
    """One element more along ``axis``."""
    return lambda a: np.concatenate([a, np.take(a, [0], axis=axis)], axis=axis)


def new_axis(a: np.ndarray) -> np.ndarray:
    """A middle axis of 2: (n, k) → (n, 2, k), what a forgotten Flatten gives."""
    return np.repeat(a[:, np.newaxis], 2, axis=1)


def first_column(a: np.ndarray) -> np.ndarray:
    return a[:, 0]


def integers(a: np.ndarray) -> np.ndarray:
    return a.astype(np.int64)


def plus(v) -> Callable:
    return lambda a: a + v


def to(value) -> Callable:
    return lambda a: value


def at(where: int | str, change: Callable) -> Callable[[list, dict], None]:
    """Apply ``change`` to positional argument ``where`` (int) or keyword ``where`` (str)."""
    def apply(args: list, kwargs: dict) -> None:
        if isinstance(where, int):
            args[where] = change(args[where])
        else:
            kwargs[where] = change(kwargs[where])
    return apply


def out(name: str, like: int, change: Callable | None = None, dtype=None) -> Callable:
    """Pass ``name=`` an output array shaped like ``change(args[like])`` (default: a row short)."""
    def apply(args: list, kwargs: dict) -> None:
        wrong = (change or fewer(0))(args[like])
        kwargs[name] = np.zeros(wrong.shape, dtype or wrong.dtype)
    return apply


def keyword(name: str, value) -> Callable[[list, dict], None]:
    def apply(args: list, kwargs: dict) -> None:
        kwargs[name] = value
    return apply


def second_grad_integers(args: list, kwargs: dict) -> None:
    args[0] = [args[0][0], integers(args[0][1]), *args[0][2:]]


def no_classes(args: list, kwargs: dict) -> None:
    """Scores and targets with a last axis of size 0."""
    args[0], args[1] = args[0][:, :0], args[1][:, :0]


# ------------------------------------------------------------------ the cases
def _labels_breaks(case: str, scores: str) -> list[Break]:
    return [Break(case, "one label too few", at(1, fewer(0)), "y"),
            Break(case, f"{scores} with a middle axis (no Flatten)", at(0, new_axis), "y"),
            Break(case, "label = k", at(1, plus(10)), "labels"),
            Break(case, "negative label", at(1, plus(-10)), "labels"),
            Break(case, "float labels", at(1, lambda y: y.astype(float)), "y")]


def _targets_breaks(case: str) -> list[Break]:
    return [Break(case, "one target column too few", at(1, fewer(1)), "t"),
            Break(case, "one target row too few", at(1, fewer(0)), "t"),
            Break(case, "targets (n, 1)", at(1, lambda t: t[:, :1]), "t")]


def _update_breaks(case: str, states: dict[str, int]) -> list[Break]:
    found = [Break(case, "grad one element short", at(1, fewer(0)), "grad"),
             Break(case, "grad of another shape", at(1, lambda g: g[np.newaxis]), "grad"),
             Break(case, "integer param", at(0, integers), "param")]
    found += [Break(case, f"{name} one element short", at(i, fewer(0)), name)
              for name, i in states.items()]
    return found


def _dropout_breaks(kernel: str) -> list[Break]:
    fwd, bwd = f"{kernel}_forward", f"{kernel}_backward"
    return [Break(fwd, "out one row short", out("out", 0), "out"),
            Break(fwd, "mask_out one row short", out("mask_out", 0, dtype=bool), "mask_out"),
            Break(fwd, "rate > 1", at(3, to(1.5)), "rate"),
            Break(f"{fwd}:noise_shape", "mask_shape wider than x",
                  keyword("mask_shape", (1, 18)), "mask_shape"),
            Break(f"{fwd}:noise_shape", "mask_shape with fewer axes",
                  keyword("mask_shape", (17,)), "mask_shape"),
            Break(bwd, "mask one row short", at(1, fewer(0)), "mask"),
            Break(bwd, "float mask", at(1, lambda m: m.astype(np.float64)), "mask"),
            Break(bwd, "out one row short", out("out", 0), "out"),
            Break(f"{bwd}:noise_shape", "mask of 2 rows", at(1, more(0)), "mask"),
            Break(bwd, "negative rate", at(2, to(-0.5)), "rate")]


BREAKS = [
    Break("activation_forward:relu", "out one row short", out("out", 0), "out"),
    Break("activation_forward:softmax", "out transposed", out("out", 0, np.transpose), "out"),
    Break("activation_backward:softmax", "delta one column short", at(1, fewer(1)), "delta"),
    Break("activation_backward:relu", "delta one row short", at(1, fewer(0)), "delta"),
    Break("activation_backward:tanh", "out one row short", out("out", 1), "out"),
    Break("activation_backward:gelu", "z one row short", at(5, fewer(0)), "z"),
    Break("activation_backward:swish", "z missing", at(5, to(None)), "z"),
    Break("activation_backward:mish", "integer z", at(5, integers), "z"),
    Break("dense_forward:relu", "x one column short", at(0, fewer(1)), "W"),
    Break("dense_forward:relu", "W one row short", at(1, fewer(0)), "W"),
    Break("dense_forward:relu", "b one unit short", at(2, fewer(0)), "b"),
    Break("dense_forward:relu", "3-D x (no Flatten)", at(0, new_axis), "x"),
    Break("dense_forward:relu", "1-D W", at(1, first_column), "W"),
    Break("dense_forward:linear", "out one row short", out("out", 0), "out"),
    Break("dense_backward:tanh", "a one row short", at(2, fewer(0)), "a"),
    Break("dense_backward:tanh", "delta one column short", at(3, fewer(1)), "delta"),
    Break("dense_backward:mish", "z one column short", at(9, fewer(1)), "z"),
    Break("dense_backward:gelu_approximate", "z missing", at(9, to(None)), "z"),
    Break("dense_backward:softmax", "W one row short", at(1, fewer(0)), "W"),
    Break("dense_backward:relu", "dW one row too many", out("dW", 1, more(0)), "dW"),
    Break("dense_backward:relu", "db one unit short", out("db", 2, lambda a: a[0, :-1]), "db"),
    *_labels_breaks("softmax_xent_sparse", "z"),
    *_labels_breaks("xent_sparse_from_probs", "p"),
    *_targets_breaks("softmax_xent_dense"),
    *_targets_breaks("xent_dense_from_probs"),
    *_targets_breaks("sigmoid_bce"),
    *_targets_breaks("bce_from_probs"),
    Break("softmax_xent_dense", "no classes", no_classes, "z"),
    *_update_breaks("sgd_update", {}),
    *_update_breaks("sgd_momentum_update", {"velocity": 2}),
    *_update_breaks("adagrad_update", {"accum": 2}),
    *_update_breaks("rmsprop_update:centered_momentum", {"s": 2, "mom": 6, "mg": 8}),
    *_update_breaks("adam_update:amsgrad", {"m": 2, "v": 3, "vhat": 9}),
    *_update_breaks("adamw_update", {"m": 2, "v": 3}),
    *_update_breaks("adamax_update", {"m": 2, "u": 3}),
    *_update_breaks("nadam_update", {"m": 2, "v": 3}),
    Break("adam_update", "step t = 0", at(8, to(0)), "t"),
    Break("adamw_update", "step t = 0", at(8, to(0)), "t"),
    Break("adamax_update", "step t = 0", at(8, to(0)), "t"),
    Break("nadam_update", "step t = 0", at(12, to(0)), "t"),
    Break("clip_by_value_", "integer grad", at(0, integers), "grad"),
    Break("clip_by_value_", "negative value", at(1, to(-1.0)), "value"),
    Break("clip_by_norm_", "integer grad", at(0, integers), "grad"),
    Break("clip_by_norm_", "negative clipnorm", at(1, to(-1.0)), "clipnorm"),
    Break("global_norm", "an integer gradient", second_grad_integers, "grads[1]"),
    Break("scale_", "integer array", at(0, integers), "arr"),
    Break("max_norm_", "axis 2 of a 2-D W", keyword("axis", 2), "axis"),
    Break("max_norm_", "integer W", at(0, integers), "W"),
    Break("max_norm_", "negative max_value", at(1, to(-1.0)), "max_value"),
    Break("bn_stats", "1-D x", at(0, first_column), "x"),
    Break("bn_stats", "3-D x", at(0, new_axis), "x"),
    Break("bn_forward_train", "gamma one short", at(1, fewer(0)), "gamma"),
    Break("bn_forward_train", "beta one too many", at(2, more(0)), "beta"),
    Break("bn_forward_train", "3-D x", at(0, new_axis), "x"),
    Break("bn_forward_train", "out one row short", out("out", 0), "out"),
    Break("bn_forward_train", "xhat_out one column short", out("xhat_out", 0, fewer(1)),
          "xhat_out"),
    Break("bn_forward_infer", "mean one short", at(1, fewer(0)), "mean"),
    Break("bn_forward_infer", "var one short", at(2, fewer(0)), "var"),
    Break("bn_forward_infer", "gamma one short", at(3, fewer(0)), "gamma"),
    Break("bn_forward_infer", "beta one short", at(4, fewer(0)), "beta"),
    Break("bn_forward_infer", "out one row short", out("out", 0), "out"),
    Break("bn_backward", "xhat one row short", at(1, fewer(0)), "xhat"),
    Break("bn_backward", "gamma one short", at(2, fewer(0)), "gamma"),
    Break("bn_backward", "inv_std one short", at(3, fewer(0)), "inv_std"),
    Break("bn_backward", "1-D dy", at(0, first_column), "dy"),
    Break("bn_backward:from_x", "mean one short", at("mean", fewer(0)), "mean"),
    Break("bn_backward", "dx_out one row short", out("dx_out", 0), "dx_out"),
    Break("bn_moving_update", "batch_value one short", at(1, fewer(0)), "batch_value"),
    Break("bn_moving_update", "integer moving", at(0, integers), "moving"),
    Break("dropout_uniform", "negative size", at(0, to(-1)), "size"),
    Break("dropout_uniform", "fractional size", at(0, to(2.5)), "size"),
    Break("dropout_mask", "negative dimension", at(0, to((-1, 5))), "shape"),
    Break("dropout_mask", "rate > 1", at(3, to(1.5)), "rate"),
    *_dropout_breaks("dropout"),
    *_dropout_breaks("alpha_dropout"),
    Break("prelu_forward", "alpha one slope too many", at(1, more(0)), "alpha"),
    Break("prelu_forward:shared", "alpha of another channel count", at(1, more(1)), "alpha"),
    Break("prelu_forward", "out one row short", out("out", 0), "out"),
    Break("prelu_backward", "dy one row short", at(2, fewer(0)), "dy"),
    Break("prelu_backward", "alpha one slope short", at(1, fewer(0)), "alpha"),
    Break("prelu_backward", "dx_out one row short", out("dx_out", 0), "dx_out"),
    Break("relu_general_forward:relu6", "out one row short", out("out", 0), "out"),
    Break("relu_general_backward:thresholded", "dy one column short", at(1, fewer(1)), "dy"),
    Break("relu_general_backward:relu6", "out one row short", out("out", 0), "out"),
    Break("rrelu_forward", "out one column short", out("out", 0, fewer(1)), "out"),
    Break("rrelu_backward", "dy one row short", at(1, fewer(0)), "dy"),
    Break("rrelu_backward", "out one row short", out("out", 0), "out"),
]
BY_ID = {b.id: b for b in BREAKS}


# ------------------------------------------------------------------- running
def run_break(brk: Break, backend: str) -> dict:
    """Call the broken case on ``backend``: {"outcome": exception name or "none", "message"}."""
    args, kwargs = brk.arguments()
    try:
        _kernels.get_kernel(brk.kernel, backend)(*args, **kwargs)
    except Exception as exc:  # the outcome is what the test compares
        return {"outcome": type(exc).__name__, "message": str(exc)}
    return {"outcome": "none", "message": ""}


def main(backend: str, start: int) -> None:
    """Subprocess entry point: a status line, then one JSON line per break from ``start``."""
    status = _kernels.available_backends()[backend]
    print(json.dumps({"status": status}), flush=True)
    if status != "available":
        return
    for brk in BREAKS[start:]:
        print(json.dumps({"id": brk.id, **run_break(brk, backend)}), flush=True)


def _run_from(backend: str, start: int) -> tuple[subprocess.CompletedProcess, list[dict]]:
    env = dict(os.environ, NNLITE_BACKEND="reference")
    if backend == "cuda":
        env.update(NUMBA_ENABLE_CUDASIM="1", NNLITE_TEST_CUDASIM="1")
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), backend, str(start)],
                          cwd=Path(__file__).parent, env=env, capture_output=True, text=True,
                          timeout=300)
    return proc, [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


@functools.cache
def compiled_results(backend: str) -> tuple[str, dict[str, dict]]:
    """Every break on ``backend`` in a subprocess: (status, result or crash report by id).

    A crash is recorded against the case that was running, and a new
    subprocess goes on with the next case (at most ``MAX_CRASHES`` times).
    """
    status, results, start = None, {}, 0
    for _ in range(MAX_CRASHES):
        proc, lines = _run_from(backend, start)
        if not lines:
            return f"the subprocess printed nothing: {proc.stderr[-2000:]}", results
        status = status or lines[0]["status"]
        results.update((line["id"], line) for line in lines[1:])
        start += len(lines) - 1
        if proc.returncode == 0 or start >= len(BREAKS):
            break
        results[BREAKS[start].id] = {
            "outcome": "crash", "message": f"the subprocess died with exit status "
            f"{proc.returncode} in this case; stderr:\n{proc.stderr[-2000:]}"}
        start += 1
    return status, results


def result_on(backend: str, brk: Break) -> dict:
    if backend == "reference":
        return run_break(brk, "reference")
    status, results = compiled_results(backend)
    if status != "available":
        pytest.skip(f"{backend}: {status}")
    if brk.id not in results:
        pytest.fail(f"{backend}: no result for {brk.id!r} (more than {MAX_CRASHES} crashes)")
    return results[brk.id]


def mentions(message: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", message) is not None


# --------------------------------------------------------------------- tests
@pytest.mark.parametrize("backend", ("reference",) + COMPILED)
@pytest.mark.parametrize("break_id", list(BY_ID))
def test_mismatch_raises_value_error(break_id, backend):
    brk = BY_ID[break_id]
    got = result_on(backend, brk)
    assert got["outcome"] == "ValueError", (
        f"{backend} {break_id}: expected ValueError, got {got['outcome']}: {got['message']}")
    message = got["message"]
    assert message.startswith(f"{brk.kernel}: "), message
    assert mentions(message, brk.names), f"{message!r} does not name {brk.names!r}"
    if backend != "reference":
        assert message == run_break(brk, "reference")["message"]


@pytest.mark.parametrize("break_id", list(BY_ID))
def test_unbroken_case_runs(break_id):
    """The ValueError comes from the break: the case's own arguments are valid."""
    brk = BY_ID[break_id]
    args, kwargs = CASES[brk.case](np.random.default_rng(7), np.float64, VARIANT)
    getattr(ref, brk.kernel)(*args, **kwargs)


def test_every_kernel_has_a_mismatch_case_and_a_check():
    assert {b.kernel for b in BREAKS} == set(_kernels.KERNEL_NAMES)
    assert set(checks.__all__) == set(_kernels.KERNEL_NAMES)
    for name in _kernels.KERNEL_NAMES:  # each check takes the kernel's own arguments
        kernel = list(inspect.signature(getattr(ref, name)).parameters)
        check = list(inspect.signature(getattr(checks, name)).parameters)
        assert check[:len(kernel)] == kernel, name


def test_break_ids_are_unique():
    assert len(BY_ID) == len(BREAKS)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
