r"""``python -m nnlite.bench``: time every kernel family on every backend.

For each family × shape × backend the bench reports the median time of
several calls after a warm-up (outputs preallocated with ``out=`` so page
faults are not timed), the achieved GFLOP/s (GEMM) or GB/s (memory-bound
kernels, counting the bytes a perfect kernel must move), the speed-up over
the NumPy reference, the fraction of this machine's measured peak (SGEMM
GFLOP/s with NumPy, bandwidth of a large copy), and the time ratio to
PyTorch (where ``torch`` is importable; < 1 means nnlite is faster).
Numba compile time (cold, no cache) and warm start (cache hit) are measured
in fresh subprocesses and reported separately.

Options: ``--quick`` (tiny shapes, few repeats: a smoke test), ``--backend``
(repeatable), ``--json FILE``, ``--plot FILE.png``, ``--no-compile``.
"""

from __future__ import annotations

import argparse
import json
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

F32 = np.float32


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


def machine_peaks(quick: bool) -> dict[str, float]:
    """Measured SGEMM GFLOP/s (NumPy) and memory bandwidth (GB/s, read + write of a copy)."""
    n = 512 if quick else 2048
    a = np.random.default_rng(0).standard_normal((n, n)).astype(F32)
    c = np.empty_like(a)
    t = median_time(lambda: np.matmul(a, a, out=c), 3, 0.1 if quick else 1.0)
    size = (8 if quick else 256) << 20
    src = np.ones(size // 8)
    dst = np.empty_like(src)
    tc = median_time(lambda: np.copyto(dst, src), 3, 0.1 if quick else 1.0)
    return {"sgemm_gflops": 2 * n**3 / t / 1e9, "bandwidth_gbs": 2 * src.nbytes / tc / 1e9}


# --------------------------------------------------------------------------- ops

@dataclass
class Op:
    """One benchmarked operation: ``make(backend)`` returns a zero-argument callable."""

    family: str
    shape: tuple
    work: float  # flops or bytes
    unit: str  # "GFLOP/s" or "GB/s"
    make: Callable[[str], Callable[[], object] | None]


def _k(name: str, backend: str) -> Callable:
    return _kernels.get_kernel(name, backend)


def dense_ops(shape: tuple[int, int, int]) -> list[Op]:
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
        k = _k("dense_forward", be)
        return lambda: k(x, W, b, "relu", 0.0, out)

    def bwd(be):
        if be == "torch":
            return _torch_dense_bwd(x, W, a, delta)
        k = _k("dense_backward", be)
        return lambda: k(x, W, a, delta, "relu", 0.0, True, dW, db)

    flops = 2.0 * n * d_in * d_out
    return [Op("dense fwd", shape, flops, "GFLOP/s", fwd),
            Op("dense bwd", shape, 2 * flops, "GFLOP/s", bwd)]


def bn_ops(shape: tuple[int, int]) -> list[Op]:
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 2 + 5).astype(F32)
    gamma, beta = np.ones(shape[1], F32), np.zeros(shape[1], F32)
    y, xhat, dx = np.empty_like(x), np.empty_like(x), np.empty_like(x)
    dy = rng.standard_normal(shape).astype(F32)
    inv_std = np.ones(shape[1], F32)
    nbytes = x.nbytes

    def fwd(be):
        if be == "torch":
            return _torch_bn(x, dy, backward=False)
        k = _k("bn_forward_train", be)
        return lambda: k(x, gamma, beta, 1e-3, y, xhat_out=xhat)

    def bwd(be):
        if be == "torch":
            return _torch_bn(x, dy, backward=True)
        k = _k("bn_backward", be)
        return lambda: k(dy, xhat, gamma, inv_std, dx_out=dx)

    # fwd: read x, write y and x̂;  bwd: read δ and x̂, write ∂x
    return [Op("BN fwd", shape, 3 * nbytes, "GB/s", fwd),
            Op("BN bwd", shape, 3 * nbytes, "GB/s", bwd)]


def adam_ops(n: int) -> list[Op]:
    rng = np.random.default_rng(0)
    p = rng.standard_normal(n).astype(F32)
    g = (rng.standard_normal(n) * 1e-2).astype(F32)
    m, v = np.zeros(n, F32), np.zeros(n, F32)

    def make(be):
        if be == "torch":
            return _torch_adam(p, g)
        if be == "numpy":
            return lambda: _numpy_adam(p, g, m, v, 1e-3, 0.9, 0.999, 1e-7, 10)
        k = _k("adam_update", be)
        return lambda: k(p, g, m, v, 1e-3, 0.9, 0.999, 1e-7, 10)

    # read θ, g, m, v; write θ, m, v
    return [Op("Adam", (n,), 7 * 4 * n, "GB/s", make)]


def _numpy_adam(p, g, m, v, lr, b1, b2, eps, t):
    """Textbook NumPy Adam with temporaries (the baseline of the issue's 10× target)."""
    m[:] = b1 * m + (1 - b1) * g
    v[:] = b2 * v + (1 - b2) * g * g
    m_hat = m / (1 - b1**t)
    v_hat = v / (1 - b2**t)
    p -= lr * m_hat / (np.sqrt(v_hat) + eps)


def dropout_ops(shape: tuple[int, int]) -> list[Op]:
    x = np.random.default_rng(0).standard_normal(shape).astype(F32)
    y = np.empty_like(x)
    mask = np.empty(shape, np.bool_)
    step = [0]

    def make(be):
        if be == "torch":
            return _torch_dropout(x)
        k = _k("dropout_forward", be)

        def call():
            step[0] += 1
            return k(x, 1234, step[0], 0.5, y, mask_out=mask)
        return call

    # read x, write y (4 B) and the mask (1 B)
    return [Op("dropout fwd", shape, 9 * x.size, "GB/s", make)]


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


def _torch_adam(p, g):
    torch = _torch()
    tp = torch.nn.Parameter(torch.from_numpy(p.copy()))
    tp.grad = torch.from_numpy(g.copy())
    try:
        opt = torch.optim.Adam([tp], lr=1e-3, eps=1e-7, fused=True)
        opt.step()
    except Exception:
        opt = torch.optim.Adam([tp], lr=1e-3, eps=1e-7)
    return opt.step


def _torch_dropout(x):
    torch = _torch()
    tx = torch.from_numpy(x)
    return lambda: torch.nn.functional.dropout(tx, 0.5, training=True)


# --------------------------------------------------------------------------- runs

def all_ops(quick: bool) -> list[Op]:
    if quick:
        dense, bns, adams, drops = [(8, 16, 8)], [(16, 8)], [1000], [(16, 8)]
    else:
        dense = [(32, 784, 300), (256, 784, 300), (1024, 1024, 1024)]
        bns, adams, drops = [(256, 300), (4096, 1024)], [266_610, 10_000_000], [(256, 300),
                                                                               (4096, 4096)]
    ops: list[Op] = []
    for s in dense:
        ops += dense_ops(s)
    for s in bns:
        ops += bn_ops(s)
    for n in adams:
        ops += adam_ops(n)
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


def run(backends: list[str], quick: bool, peaks: dict[str, float]) -> list[Row]:
    """Time every op on every backend (+ torch / numpy baselines) and build the rows."""
    rows: list[Row] = []
    extra = (["torch"] if _torch() is not None else [])
    for op in all_ops(quick):
        times: dict[str, float] = {}
        names = list(backends) + extra + (["numpy"] if op.family == "Adam" else [])
        for be in names:
            fn = op.make(be)
            if fn is not None:
                times[be] = median_time(fn, 3 if quick else 5, 0.02 if quick else 0.3,
                                        1 if quick else 2)
        peak = peaks["sgemm_gflops"] if op.unit == "GFLOP/s" else peaks["bandwidth_gbs"]
        for be, t in times.items():
            rate = op.work / t / 1e9
            rows.append(Row(op.family, "x".join(map(str, op.shape)), be, t * 1e6, rate, op.unit,
                            times["reference"] / t if "reference" in times else None,
                            rate / peak, t / times["torch"] if "torch" in times else None))
    return rows


_COMPILE_SNIPPET = r"""
import time, numpy as np
t0 = time.perf_counter()
from nnlite._kernels import numba_cpu as K, reference as R
t1 = time.perf_counter()
x = np.ones((4, 3), np.float32); W = np.ones((3, 2), np.float32); b = np.zeros(2, np.float32)
p = np.ones(5, np.float32)
K.dense_forward(x, W, b, "relu"); K.dense_backward(x, W, x[:, :2], x[:, :2], "relu")
K.bn_forward_train(x, b[:1].repeat(3), b[:1].repeat(3), 1e-3)
K.bn_backward(x, x, b[:1].repeat(3), b[:1].repeat(3) + 1)
K.adam_update(p, p.copy(), p * 0, p * 0, 1e-3, 0.9, 0.999, 1e-7, 1)
K.dropout_forward(x, 1, 1, 0.5); K.softmax_xent_sparse(x, np.zeros(4, int), 0.25)
print(t1 - t0, time.perf_counter() - t1)
"""


def numba_compile_times() -> dict[str, float] | None:
    """(import s, first-calls s) for a cold compile (no cache) and a warm start (cache)."""
    result = {}
    for label, cache in (("cold", "0"), ("warm", "1")):
        env = dict(os.environ, NNLITE_NUMBA_CACHE=cache)
        proc = subprocess.run([sys.executable, "-c", _COMPILE_SNIPPET], env=env,
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            return None
        imp, calls = map(float, proc.stdout.split())
        result[f"{label}_import_s"], result[f"{label}_first_calls_s"] = imp, calls
    return result


# --------------------------------------------------------------------------- output

def format_table(rows: list[Row]) -> str:
    head = (f"{'family':<12}{'shape':<16}{'backend':<10}{'µs':>11}{'rate':>16}"
            f"{'×ref':>8}{'%peak':>7}{'/torch':>8}")
    lines = [head, "-" * len(head)]
    last = None
    for r in rows:
        key = (r.family, r.shape)
        if last is not None and key != last:
            lines.append("")
        last = key
        xr = f"{r.x_ref:.2f}" if r.x_ref is not None else "-"
        vt = f"{r.vs_torch:.2f}" if r.vs_torch is not None else "-"
        lines.append(f"{r.family:<12}{r.shape:<16}{r.backend:<10}{r.us:>11.1f}"
                     f"{r.rate:>8.1f} {r.unit:<7}{xr:>8}{100 * r.frac_peak:>6.0f}%{vt:>8}")
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnlite.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny shapes, few repeats")
    parser.add_argument("--backend", action="append", help="backend(s) to time (default: all)")
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON")
    parser.add_argument("--plot", metavar="FILE.png", help="grouped bar chart of speed-ups")
    parser.add_argument("--no-compile", action="store_true", help="skip numba compile timing")
    args = parser.parse_args(argv)

    status = _kernels.available_backends()
    wanted = args.backend or [b for b in _kernels.BACKENDS if b != "cuda" or _cuda_real()]
    backends = [b for b in wanted if status.get(b) == "available"]
    if "reference" not in backends:
        backends.insert(0, "reference")
    peaks = machine_peaks(args.quick)
    print(f"nnlite kernel bench — {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, {_threads()} threads, numpy {np.__version__}")
    print(f"measured peaks: SGEMM {peaks['sgemm_gflops']:.0f} GFLOP/s, "
          f"copy bandwidth {peaks['bandwidth_gbs']:.1f} GB/s")
    for name, st in status.items():
        print(f"  backend {name:<10}{st}")
    rows = run(backends, args.quick, peaks)
    print()
    print(format_table(rows))
    compile_times = None
    if "numba" in backends and not args.no_compile:
        compile_times = numba_compile_times()
        if compile_times:
            print("\nnumba: cold (no cache) import {cold_import_s:.2f} s + first calls "
                  "{cold_first_calls_s:.2f} s; warm (cache) import {warm_import_s:.2f} s + "
                  "first calls {warm_first_calls_s:.2f} s".format(**compile_times))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"peaks": peaks, "backends": status, "compile": compile_times,
                       "rows": [asdict(r) for r in rows]}, fh, indent=1)
    if args.plot:
        plot(rows, args.plot)
    return 0


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
