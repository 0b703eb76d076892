r"""``python -m nnlite.bench``: time every kernel family on every backend.

For each family × shape × backend the bench reports the median time of
several calls after a warm-up (outputs preallocated with ``out=`` so page
faults are not timed), the achieved GFLOP/s (dense: 2·n·d_in·d_out flops
forward, twice that backward) or GB/s (memory-bound kernels, counting the
bytes a perfect kernel must move), the speed-up over the NumPy reference,
the fraction of this machine's measured peak (best SGEMM GFLOP/s of NumPy's
BLAS, median bandwidth of a 256 MiB copy), and the time ratio to PyTorch
(where ``torch`` is importable; < 1 means nnlite is faster).  PyTorch runs
with as many threads as numba.  Numba's compile time of every kernel (cold:
no cache; warm: a second process that loads the cache) is measured in fresh
processes.  ``benchmarks/kernel_targets.py`` judges a run's JSON against the
project's speed targets.

Measuring on a shared machine: each (op, backend) is timed in ``--rounds``
separate rounds and the median of the round medians is reported; between two
backends the bench pauses briefly so that the spinning threads of one
library's pool (OpenBLAS, OpenMP, PyTorch) go to sleep before the next one
is timed.

Options: ``--quick`` (tiny shapes, one round: a smoke test), ``--backend``
(repeatable: a backend's name, or the path of your own kernels' ``.py`` file,
timed as the backend named after the file beside the built-in ones; or
``--backend mine --backend-module path/to/mine.py``), ``--threads N`` (BLAS,
OpenMP, numba and PyTorch; 1 is the robust choice on a machine shared with
other busy processes), ``--rounds N``,
``--json FILE``, ``--plot FILE.png``, ``--no-compile``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from nnlite import _kernels
from nnlite._kernels.reference.activations import ACTIVATIONS

F32 = np.float32
#: The parameter tensors of the book's MLP 784-300-100-10 (266,610 parameters).
BOOK_MLP = [(784, 300), (300,), (300, 100), (100,), (100, 10), (10,)]
SETTLE_S = 0.05  # pause between backends (thread pools go idle)
#: Rows that are not nnlite backends.
BASELINES = ("torch", "torch-loop", "numpy")


# --------------------------------------------------------------------------- timing

def median_time(fn: Callable[[], object], min_repeats: int = 5, budget_s: float = 0.3,
                warmup: int = 2) -> float:
    """Median wall time (s) of ``fn()`` over ≥ ``min_repeats`` calls after ``warmup``."""
    for _ in range(warmup):
        fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < min_repeats or (time.perf_counter() - start < budget_s
                                       and len(times) < 200):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def best_time(fn: Callable[[], object], repeats: int) -> float:
    """Shortest of ``repeats`` calls (after one warm-up): a peak is the best case."""
    fn()
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def sgemm_gflops(n: int, product: Callable[[], object] | None = None, repeats: int = 5,
                 best: bool = False) -> float:
    """GFLOP/s of an n×n float32 matrix product, 2n³ / time: the machine's GEMM rate.

    NumPy's BLAS (the one nnlite's dense layers use) unless ``product`` is
    given, e.g. ``lambda: torch.mm(a, a)`` on n×n tensors.  The median of at
    least ``repeats`` calls (and about a second of them) after a warm-up, or
    with ``best=True`` the fastest of ``repeats`` calls: a peak is the best case.
    """
    if product is None:
        a = np.random.default_rng(0).standard_normal((n, n)).astype(F32)
        c = np.empty_like(a)

        def product():
            return np.matmul(a, a, out=c)

    seconds = best_time(product, repeats) if best else \
        median_time(product, repeats, budget_s=1.0, warmup=1)
    return 2 * n**3 / seconds / 1e9


def _threaded_copy(dst: np.ndarray, src: np.ndarray, pool, workers: int) -> None:
    """np.copyto in ``workers`` threads of ``pool``, one chunk each (NumPy drops the GIL)."""
    bounds = np.linspace(0, src.size, workers + 1).astype(int)
    list(pool.map(lambda lo, hi: np.copyto(dst[lo:hi], src[lo:hi]), bounds[:-1], bounds[1:]))


def machine_peaks(quick: bool) -> dict[str, float]:
    """Best SGEMM GFLOP/s (NumPy's BLAS) and memory bandwidth (GB/s, read + write of a copy).

    The bandwidth is the faster of a one-thread copy and a copy split over all
    threads (one core alone rarely saturates the memory bus), each timed by
    its *median*, the statistic the memory-bound kernels are timed by: on a
    shared VM the memory speed swings between modes ~1.7× apart, and a best
    case copy against median kernels would compare two different machines.
    """
    from concurrent.futures import ThreadPoolExecutor

    sgemm = sgemm_gflops(512 if quick else 2048, repeats=3 if quick else 10, best=True)
    size = (8 if quick else 256) << 20
    src = np.ones(size // 8)
    dst = np.empty_like(src)
    repeats = 3 if quick else 10
    tc = median_time(lambda: np.copyto(dst, src), repeats, budget_s=0.0)
    workers = max(1, _threads())
    with ThreadPoolExecutor(workers) as pool:
        tc = min(tc, median_time(lambda: _threaded_copy(dst, src, pool, workers), repeats,
                                 budget_s=0.0))
    return {"sgemm_gflops": sgemm, "bandwidth_gbs": 2 * src.nbytes / tc / 1e9}


# --------------------------------------------------------------------------- ops

@dataclass
class Op:
    """One benchmarked operation: ``make(backend)`` returns a zero-argument callable."""

    family: str
    shape: str
    work: float  # flops or bytes
    unit: str  # "GFLOP/s" or "GB/s"
    make: Callable[[str], Callable[[], object] | None]
    kernel: str = ""  # the kernel timed (a registered backend is timed only where it has it)


def _k(name: str, backend: str) -> Callable:
    return _kernels.get_kernel(name, backend)


def dense_ops(shape: tuple[int, int, int]) -> list[Op]:
    """relu(xW + b) forward and its backward (∂W, ∂b, ∂x), float32."""
    n, d_in, d_out = shape
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, d_in)).astype(F32)
    W = (rng.standard_normal((d_in, d_out)) * 0.05).astype(F32)
    b = np.zeros(d_out, F32)
    out = np.empty((n, d_out), F32)
    a = np.maximum(x @ W, 0)
    delta = rng.standard_normal((n, d_out)).astype(F32)
    dW, db = np.empty_like(W), np.empty_like(b)

    def fwd(be):
        if be == "torch":
            return _torch_dense_fwd(x, W, b)
        if be in BASELINES:
            return None
        k = _k("dense_forward", be)
        return lambda: k(x, W, b, "relu", 0.0, out)

    def bwd(be):
        if be == "torch":
            return _torch_dense_bwd(x, W, a, delta)
        if be in BASELINES:
            return None
        k = _k("dense_backward", be)
        return lambda: k(x, W, a, delta, "relu", 0.0, True, dW, db)

    flops = 2.0 * n * d_in * d_out
    label = "x".join(map(str, shape))
    return [Op("dense fwd", label, flops, "GFLOP/s", fwd, "dense_forward"),
            Op("dense bwd", label, 2 * flops, "GFLOP/s", bwd, "dense_backward")]


def bn_ops(shape: tuple[int, int]) -> list[Op]:
    """Training-mode batch norm as the layer runs it, float32: the forward writes y only
    (x̂ is not kept) and the backward recomputes x̂ from x and μ (as PyTorch does)."""
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 2 + 5).astype(F32)
    gamma, beta = np.ones(shape[1], F32), np.zeros(shape[1], F32)
    y, dx = np.empty_like(x), np.empty_like(x)
    dy = rng.standard_normal(shape).astype(F32)
    mean, inv_std = x.mean(axis=0), 1 / x.std(axis=0)
    nbytes = x.nbytes

    def fwd(be):
        if be == "torch":
            return _torch_bn(x, dy, backward=False)
        if be in BASELINES:
            return None
        k = _k("bn_forward_train", be)
        return lambda: k(x, gamma, beta, 1e-3, y, keep_xhat=False)

    def bwd(be):
        if be == "torch":
            return _torch_bn(x, dy, backward=True)
        if be in BASELINES:
            return None
        k = _k("bn_backward", be)
        return lambda: k(dy, x, gamma, inv_std, dx_out=dx, mean=mean)

    # Bytes of the two-pass algorithm (statistics, then the elementwise pass) with no
    # wasted traffic — fwd: read x twice, write y;  bwd: read δ and x twice, write ∂x.
    label = "x".join(map(str, shape))
    return [Op("BN fwd", label, 3 * nbytes, "GB/s", fwd, "bn_forward_train"),
            Op("BN bwd", label, 5 * nbytes, "GB/s", bwd, "bn_backward")]


def adam_ops(shapes: list[tuple[int, ...]], label: str) -> list[Op]:
    """One Adam step over tensors of ``shapes`` (float32, one kernel call per tensor)."""
    rng = np.random.default_rng(0)
    ps = [rng.standard_normal(s).astype(F32) for s in shapes]
    gs = [(rng.standard_normal(s) * 1e-2).astype(F32) for s in shapes]
    ms = [np.zeros(s, F32) for s in shapes]
    vs = [np.zeros(s, F32) for s in shapes]
    n = sum(p.size for p in ps)
    state = list(zip(ps, gs, ms, vs))

    def make(be):
        if be in ("torch", "torch-loop"):
            return _torch_adam(ps, gs, fused=be == "torch")
        if be == "numpy":
            return lambda: [_numpy_adam(*s, 1e-3, 0.9, 0.999, 1e-7, 10) for s in state]
        k = _k("adam_update", be)
        return lambda: [k(*s, 1e-3, 0.9, 0.999, 1e-7, 10) for s in state]

    # read θ, g, m, v; write θ, m, v
    return [Op("Adam", label, 7 * 4 * n, "GB/s", make, "adam_update")]


def _numpy_adam(p, g, m, v, lr, b1, b2, eps, t):
    """Textbook NumPy Adam with temporaries (the baseline of the ≥ 10× target)."""
    m[:] = b1 * m + (1 - b1) * g
    v[:] = b2 * v + (1 - b2) * g * g
    m_hat = m / (1 - b1**t)
    v_hat = v / (1 - b2**t)
    p -= lr * m_hat / (np.sqrt(v_hat) + eps)


def dropout_ops(shape: tuple[int, int]) -> list[Op]:
    """Inverted dropout forward (rate 0.5): mask from the RNG, scaled output."""
    x = np.random.default_rng(0).standard_normal(shape).astype(F32)
    y = np.empty_like(x)
    mask = np.empty(shape, np.bool_)
    step = [0]

    def make(be):
        if be == "torch":
            return _torch_dropout(x)
        if be in BASELINES:
            return None
        k = _k("dropout_forward", be)

        def call():
            step[0] += 1
            return k(x, 1234, step[0], 0.5, y, mask_out=mask)
        return call

    # read x, write y (4 B) and the mask (1 B)
    return [Op("dropout fwd", "x".join(map(str, shape)), 9 * x.size, "GB/s", make,
               "dropout_forward")]


# --------------------------------------------------------------------------- torch

def _torch():
    try:
        import torch
    except Exception:
        return None
    torch.set_num_threads(_threads())
    return torch


def _threads() -> int:
    try:
        import numba
        return numba.get_num_threads()
    except Exception:
        return os.cpu_count() or 1


def _torch_dense_fwd(x, W, b):
    torch = _torch()
    tx, tW, tb = (torch.from_numpy(a) for a in (x, W, b))
    return lambda: torch.relu(torch.addmm(tb, tx, tW))


def _torch_dense_bwd(x, W, a, delta):
    torch = _torch()
    tx, tW, ta, td = (torch.from_numpy(v) for v in (x, W, a, delta))

    def call():
        g = torch.ops.aten.threshold_backward(td, ta, 0)
        return tx.t() @ g, g.sum(0), g @ tW.t()
    return call


def _torch_bn(x, dy, backward):
    torch = _torch()
    tx = torch.from_numpy(x).requires_grad_(backward)
    w = torch.ones(x.shape[1], requires_grad=backward)
    bias = torch.zeros(x.shape[1], requires_grad=backward)
    tdy = torch.from_numpy(dy)
    fn = torch.nn.functional.batch_norm
    if not backward:
        return lambda: fn(tx, None, None, w, bias, training=True, eps=1e-3)
    y = fn(tx, None, None, w, bias, training=True, eps=1e-3)
    return lambda: torch.autograd.grad(y, (tx, w, bias), tdy, retain_graph=True)


def _torch_adam(ps, gs, fused: bool):
    """torch.optim.Adam: ``fused=True`` (one kernel for all tensors) or its default loop."""
    torch = _torch()
    params = []
    for p, g in zip(ps, gs):
        tp = torch.nn.Parameter(torch.from_numpy(p.copy()))
        tp.grad = torch.from_numpy(g.copy())
        params.append(tp)
    try:
        opt = torch.optim.Adam(params, lr=1e-3, eps=1e-7, fused=fused or None)
        opt.step()
    except Exception:  # an old torch without fused CPU Adam
        if fused:
            return None
        raise
    return opt.step


def _torch_dropout(x):
    torch = _torch()
    tx = torch.from_numpy(x)
    return lambda: torch.nn.functional.dropout(tx, 0.5, training=True)


# --------------------------------------------------------------------------- runs

def all_ops(quick: bool) -> list[Op]:
    """The benchmarked operations (the issue's shapes; tiny ones with ``quick``)."""
    if quick:
        dense, bns, drops = [(8, 16, 8)], [(16, 8)], [(16, 8)]
        adams = [([(10, 10), (10,)], "110"), ([(1000,)], "1000")]
    else:
        dense = [(32, 784, 300), (256, 784, 300), (1024, 1024, 1024)]
        bns, drops = [(256, 300), (4096, 1024)], [(256, 300), (4096, 4096)]
        adams = [(BOOK_MLP, "266610 (MLP)"), ([(10_000_000,)], "10000000")]
    ops: list[Op] = []
    for s in dense:
        ops += dense_ops(s)
    for s in bns:
        ops += bn_ops(s)
    for shapes, label in adams:
        ops += adam_ops(shapes, label)
    for s in drops:
        ops += dropout_ops(s)
    return ops


@dataclass
class Row:
    family: str
    shape: str
    backend: str
    us: float
    rate: float
    unit: str
    x_ref: float | None
    frac_peak: float
    vs_torch: float | None


def _times_backend(op: Op, backend: str) -> bool:
    """A registered backend is timed only on the kernels it defines (not the reference's)."""
    if backend in BASELINES or backend in _kernels.BUILTIN_BACKENDS:
        return True
    return op.kernel in _kernels._load(backend)


def _time_op(op: Op, names: list[str], quick: bool, rounds: int) -> dict[str, float]:
    """Median over ``rounds`` of each backend's median time (s)."""
    fns = {be: fn for be in names
           if _times_backend(op, be) and (fn := op.make(be)) is not None}
    samples: dict[str, list[float]] = {be: [] for be in fns}
    for r in range(rounds):
        for be, fn in fns.items():
            time.sleep(0 if quick else SETTLE_S)
            samples[be].append(median_time(fn, 3 if quick else 5, 0.02 if quick else 0.15,
                                           (1 if quick else 2) if r == 0 else 1))
    return {be: statistics.median(ts) for be, ts in samples.items()}


def run(backends: list[str], quick: bool, peaks: dict[str, float],
        rounds: int = 3) -> list[Row]:
    """Time every op on every backend (+ torch / numpy baselines) and build the rows."""
    rows: list[Row] = []
    extra = ["torch", "torch-loop"] if _torch() is not None else []
    for op in all_ops(quick):
        names = list(backends) + extra + (["numpy"] if op.family == "Adam" else [])
        times = _time_op(op, names, quick, rounds)
        peak = peaks["sgemm_gflops"] if op.unit == "GFLOP/s" else peaks["bandwidth_gbs"]
        for be, t in times.items():
            rate = op.work / t / 1e9
            rows.append(Row(op.family, op.shape, be, t * 1e6, rate, op.unit,
                            times["reference"] / t if "reference" in times else None,
                            rate / peak, t / times["torch"] if "torch" in times else None))
    return rows


def _with_peaks(row: Row, peaks: dict[str, float]) -> Row:
    """``row`` with its fraction of the peak recomputed for ``peaks``."""
    peak = peaks["sgemm_gflops"] if row.unit == "GFLOP/s" else peaks["bandwidth_gbs"]
    return Row(**{**asdict(row), "frac_peak": row.rate / peak})


# --------------------------------------------------------------------------- compile time

def touch_all_kernels(K, dtype=np.float32, rows: int = 4) -> None:
    """Call every kernel of ``K`` (``_kernels.backend_kernels(name)``) once on inputs of
    ``rows`` × 3 (compiles them; numba's parallel kernels need ≥ 10,923 rows, their serial
    twins fewer)."""
    x = np.linspace(-1, 1, 3 * rows, dtype=dtype).reshape(rows, 3)
    W, b, c3 = np.ones((3, 2), dtype), np.zeros(2, dtype), np.ones(3, dtype)
    p, y = np.ones(3 * rows, dtype), np.zeros(rows, np.int64)
    for act in ACTIVATIONS:  # z is ignored by the activations whose φ' reads a
        a = K.dense_forward(x, W, b, act, 0.1)
        K.dense_backward(x, W, a, a, act, 0.1, z=a)
        K.activation_backward(K.activation_forward(x, act, 0.1), x, act, 0.1, z=x)
    probs = np.full((rows, 3), 1 / 3, dtype)
    for fn in (K.softmax_xent_dense, K.sigmoid_bce, K.xent_dense_from_probs, K.bce_from_probs):
        fn(probs, probs, 0.25)
    K.softmax_xent_sparse(x, y, 0.25)
    K.xent_sparse_from_probs(probs, y, 0.25)
    _touch_optimizers(K, p)
    _, xhat, mean, var, inv = K.bn_forward_train(x, c3, c3, 1e-3)
    K.bn_forward_infer(x, mean, var, c3, c3, 1e-3)
    K.bn_backward(x, xhat, c3, inv)
    K.bn_moving_update(c3.copy(), mean, 0.99)
    K.bn_stats(x)
    K.dropout_uniform(x.size, 1, 1)
    K.dropout_mask(x.shape, 1, 1, 0.5)
    for fwd, bwd in ((K.dropout_forward, K.dropout_backward),
                     (K.alpha_dropout_forward, K.alpha_dropout_backward)):
        _, mask = fwd(x, 1, 1, 0.5)
        bwd(x, mask, 0.5)
    _touch_rectifiers(K, x, c3)


def _touch_rectifiers(K, x: np.ndarray, alpha: np.ndarray) -> None:
    for need_dx in (True, False):
        K.prelu_backward(x, alpha, K.prelu_forward(x, alpha), need_dx=need_dx)
    K.relu_general_backward(x, K.relu_general_forward(x, 6.0, 0.1, 0.5), 6.0, 0.1, 0.5)
    K.rrelu_backward(x, K.rrelu_forward(x, 1, 1, 0.1, 0.3), 1, 1, 0.1, 0.3)


def _touch_optimizers(K, p: np.ndarray) -> None:
    def z():
        return np.zeros_like(p)

    K.sgd_update(p, p, 0.1)
    for nesterov in (False, True):
        K.sgd_momentum_update(p, p, z(), 0.1, 0.9, nesterov)
    K.adagrad_update(p, p, z() + 0.1, 0.1, 1e-7)
    for mom, mg in ((None, None), (z(), None), (None, z()), (z(), z())):
        K.rmsprop_update(p, p, z(), 0.1, 0.9, 1e-7, mom, 0.5, mg)
    for vhat in (None, z()):
        K.adam_update(p, p, z(), z(), 0.1, 0.9, 0.999, 1e-7, 1, vhat)
    K.adamw_update(p, p, z(), z(), 0.1, 0.9, 0.999, 1e-7, 1, 0.004)
    K.adamax_update(p, p, z(), z(), 0.1, 0.9, 0.999, 1e-7, 1)
    K.nadam_update(p, p, z(), z(), 0.1, 0.9, 0.999, 1e-7, 0.5, 0.5, 0.5, 0.25, 1)
    K.clip_by_value_(p.copy(), 1.0)
    K.clip_by_norm_(p.copy(), 1.0)
    K.global_norm([p, p])
    K.scale_(p.copy(), 0.5)
    K.max_norm_(np.ones((3, 2), p.dtype), 1.0)


_COMPILE_SNIPPET = r"""
import time
import nnlite  # NNLITE_BACKEND=reference: numba's kernels are not loaded yet
c0, t0 = time.process_time(), time.perf_counter()
from nnlite import _kernels
K = _kernels.backend_kernels("numba")
t1 = time.perf_counter()
from nnlite.bench import touch_all_kernels
touch_all_kernels(K, rows=4)  # serial twins
touch_all_kernels(K, rows=11_000)  # parallel kernels (≥ 2**15 elements)
print(time.process_time() - c0, t1 - t0, time.perf_counter() - t1)
"""


def numba_compile_times() -> dict[str, float] | None:
    """Load + first calls of every numba kernel (float32): cold (no cache) and warm (cache).

    A first process with the cache on makes sure the cache is filled; then a
    process with ``NNLITE_NUMBA_CACHE=0`` compiles everything (cold) and one
    with the cache on loads it (warm, what every later ``import`` costs).
    Wall seconds are what a user waits; CPU seconds (numba compiles on one
    thread) are the same on an idle machine and stay honest on a busy one.
    """
    result: dict[str, float] = {}
    for label, cache in (("prime", "1"), ("cold", "0"), ("warm", "1")):
        env = dict(os.environ, NNLITE_NUMBA_CACHE=cache, NNLITE_BACKEND="reference")
        proc = subprocess.run([sys.executable, "-c", _COMPILE_SNIPPET], env=env,
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            print(f"numba compile timing failed: {proc.stderr[-500:]}", file=sys.stderr)
            return None
        cpu, load, calls = map(float, proc.stdout.split()[-3:])
        if label != "prime":
            result[f"{label}_load_s"], result[f"{label}_first_calls_s"] = load, calls
            result[f"{label}_s"], result[f"{label}_cpu_s"] = load + calls, cpu
    return result


# --------------------------------------------------------------------------- output

def format_table(rows: list[Row]) -> str:
    head = (f"{'family':<12}{'shape':<16}{'backend':<11}{'µs':>11}{'rate':>16}"
            f"{'×ref':>8}{'%peak':>7}{'t/torch':>9}")
    lines = [head, "-" * len(head)]
    last = None
    for r in rows:
        key = (r.family, r.shape)
        if last is not None and key != last:
            lines.append("")
        last = key
        xr = f"{r.x_ref:.2f}" if r.x_ref is not None else "-"
        vt = f"{r.vs_torch:.2f}" if r.vs_torch is not None else "-"
        lines.append(f"{r.family:<12}{r.shape:<16}{r.backend:<11}{r.us:>11.1f}"
                     f"{r.rate:>8.1f} {r.unit:<7}{xr:>8}{100 * r.frac_peak:>6.0f}%{vt:>9}")
    lines.append("×ref: speed-up over the NumPy reference; %peak: rate ÷ measured peak; "
                 "t/torch: time ÷ PyTorch's (fused Adam), < 1 = faster than PyTorch")
    return "\n".join(lines)


def plot(rows: list[Row], path: str) -> None:
    """Grouped bars: speed-up over the reference, one group per (family, shape)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(dict.fromkeys((r.family, r.shape) for r in rows))
    backends = list(dict.fromkeys(r.backend for r in rows))
    width = 0.8 / len(backends)
    fig, ax = plt.subplots(figsize=(max(8, 1.2 * len(groups)), 4.5))
    for i, be in enumerate(backends):
        xs, ys = [], []
        for j, g in enumerate(groups):
            r = next((r for r in rows if (r.family, r.shape) == g and r.backend == be), None)
            if r is not None and r.x_ref is not None:
                xs.append(j + i * width)
                ys.append(r.x_ref)
        ax.bar(xs, ys, width, label=be)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(groups))])
    ax.set_xticklabels([f"{f}\n{s}" for f, s in groups], fontsize=7)
    ax.set_yscale("log")
    ax.axhline(1.0, color="k", lw=0.5)
    ax.set_ylabel("speed-up over NumPy reference")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} CPUs, {_threads()} threads, numpy {np.__version__}"
            + (f", torch {_torch().__version__}" if _torch() is not None else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnlite.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny shapes, one round")
    parser.add_argument("--backend", action="append",
                        help="backend(s) to time (default: all built-in ones), or the path of "
                             "a .py file of your kernels (timed beside the built-in ones)")
    parser.add_argument("--backend-module", metavar="FILE.py",
                        help="your kernels' .py file, registered as the one --backend name "
                             "that is not a built-in backend")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per op (default 3)")
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON")
    parser.add_argument("--plot", metavar="FILE.png", help="grouped bar chart of speed-ups")
    parser.add_argument("--no-compile", action="store_true", help="skip numba compile timing")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for BLAS, OpenMP, numba and PyTorch (default: all cores)")
    args = parser.parse_args(argv)
    if args.threads is not None:
        from nnlite.utils.threads import limit_threads

        with limit_threads(args.threads):
            return _main(args, parser)
    return _main(args, parser)


def _main(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    rounds = args.rounds or (1 if args.quick else 3)

    wanted, yours = _register_yours(args, parser)
    status = _kernels.available_backends()
    unknown = sorted(set(wanted) - set(_kernels.BACKENDS))
    if unknown:
        parser.error(f"unknown backend(s) {unknown}; choose from {list(_kernels.BACKENDS)}")
    backends = [b for b in wanted if status.get(b) == "available"] + yours
    if "reference" not in backends:
        backends.insert(0, "reference")
    peaks = machine_peaks(args.quick)
    print(f"nnlite kernel bench — {_machine()}")
    print(f"measured peaks: SGEMM {peaks['sgemm_gflops']:.0f} GFLOP/s, "
          f"copy bandwidth {peaks['bandwidth_gbs']:.1f} GB/s; {rounds} round(s)")
    for name, st in status.items():
        print(f"  backend {name:<10}{st}")
    rows = run(backends, args.quick, peaks, rounds)
    if not args.quick:  # a peak is the best seen: measure again, keep the better one
        again = machine_peaks(args.quick)
        if any(again[k] > peaks[k] for k in peaks):
            peaks = {k: max(peaks[k], again[k]) for k in peaks}
            print(f"peaks measured again after the run: SGEMM {peaks['sgemm_gflops']:.0f} "
                  f"GFLOP/s, copy bandwidth {peaks['bandwidth_gbs']:.1f} GB/s")
            rows = [_with_peaks(r, peaks) for r in rows]
    print()
    print(format_table(rows))
    compile_times = None
    if "numba" in backends and not args.no_compile:
        compile_times = numba_compile_times()
        if compile_times:
            print("\nnumba, every kernel in float32: cold (no cache) load {cold_load_s:.2f} s + "
                  "first calls {cold_first_calls_s:.2f} s (CPU {cold_cpu_s:.1f} s); warm (cache)"
                  " load {warm_load_s:.2f} s + first calls {warm_first_calls_s:.2f} s "
                  "(CPU {warm_cpu_s:.1f} s)".format(**compile_times))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"machine": _machine(), "peaks": peaks, "backends": status,
                       "rounds": rounds, "compile": compile_times,
                       "rows": [asdict(r) for r in rows]}, fh, indent=1)
    if args.plot:
        plot(rows, args.plot)
    return 0


def _register_yours(args: argparse.Namespace, parser: argparse.ArgumentParser
                    ) -> tuple[list[str], list[str]]:
    """Register the learner's kernels given by ``--backend FILE.py`` (named after the file)
    or ``--backend NAME --backend-module FILE.py``; return (built-in names, your names)."""
    builtin, yours = [], []
    for entry in args.backend or []:
        if entry in _kernels.BUILTIN_BACKENDS:
            builtin.append(entry)
            continue
        name = entry
        if entry.endswith(".py"):
            name = os.path.splitext(os.path.basename(entry))[0]
            name = name if name.isidentifier() and name not in _kernels.BUILTIN_BACKENDS \
                else "yours"
            _kernels.register_backend(name, entry)
        elif args.backend_module:
            _kernels.register_backend(name, args.backend_module)
        elif entry not in _kernels.BACKENDS:  # not registered in this process either
            parser.error(f"unknown backend {entry!r}; choose from {list(_kernels.BACKENDS)}, "
                         f"give a .py file, or add --backend-module FILE.py")
        yours.append(name)
    if args.backend_module and not yours:
        parser.error("--backend-module needs a --backend NAME to register it as")
    if not builtin:  # yours beside every built-in backend
        builtin = [b for b in _kernels.BUILTIN_BACKENDS if b != "cuda" or _cuda_real()]
    return builtin, yours


def _cuda_real() -> bool:
    """True when a real GPU is usable (never under the CUDA simulator)."""
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return False
    try:
        from numba import cuda
        return bool(cuda.is_available())
    except Exception:
        return False


if __name__ == "__main__":
    sys.exit(main())
