"""Check and time the ``cuda`` backend on a real GPU, in one run (about 2–5 minutes).

1. The kernel agreement suite on the device: ``tests/test_kernels_agreement.py``,
   ``tests/test_kernels_cuda.py`` and ``tests/test_cuda_training.py`` with the
   ``cuda`` backend and *without* the simulator (the simulator-only checks of
   its shared-array fix are left out).
2. The book's MLP (784-300-100-10, ReLU/ReLU/softmax, sparse cross-entropy,
   Adam) on synthetic data (60 000 × 784 float32, 10 classes): training
   samples/s at batch 1024 (one epoch) and batch 32 (the first 16 384
   samples), and ``predict`` at batch 1024, for nnlite on ``cuda``, nnlite on
   the best CPU backend (``"auto"``) and PyTorch on the GPU where installed
   (batches copied from the host each step, as nnlite does).  Launches and
   host↔device copies per training step and per ``predict`` batch come from
   ``nnlite._kernels.cuda.transfers``.

Prints a markdown table.  Usage (``scripts/gpu_check.sh`` calls this)::

    python scripts/gpu_check.py            # on a machine with a GPU
    python scripts/gpu_check.py --smoke    # tiny sizes, under the CUDA simulator

Exit status: 0 when the checks pass, and also when there is no GPU (it then
prints ``no GPU: skipped`` and why); 1 when the agreement suite fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
#: (samples, features, units per layer, batch sizes and samples timed per batch size)
FULL = {"n": 60_000, "d": 784, "units": (300, 100, 10), "batches": {1024: 60_000, 32: 16_384},
        "predict_batch": 1024}
SMOKE = {"n": 48, "d": 12, "units": (7, 5, 3), "batches": {16: 48, 8: 24}, "predict_batch": 16}
#: pytest -k selection of the agreement suite in --smoke mode (a few cases, for the code path)
SMOKE_CASES = "dense_forward and relu and not large and not odd"
#: the simulator-only tests of the simulator's shared-array fix (meaningless on a GPU)
SIMULATOR_ONLY = "not shared_array and not unpatched_simulator and not module_swap"
#: ... and the PTX compile check, which a run on the GPU makes anyway
ON_GPU = f"{SIMULATOR_ONLY} and not compiles_for_a_real_gpu"
#: the agreement suite's limit: most of its time is compiling each kernel once for the GPU
AGREEMENT_TIMEOUT_S = 300


def gpu_status() -> tuple[bool, str]:
    """(usable, why not): numba.cuda sees a GPU, or the simulator is on."""
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return True, "CUDA simulator"
    try:
        from numba import cuda
    except Exception as exc:
        return False, f"numba.cuda is not importable ({exc})"
    if not cuda.is_available():
        return False, "numba.cuda.is_available() is False (no GPU or no driver)"
    name = cuda.get_current_device().name
    return True, name.decode() if isinstance(name, bytes) else str(name)


def run_agreement(smoke: bool) -> tuple[bool, str, float]:
    """Run the cuda kernel tests in a subprocess; (passed, pytest's summary line, seconds)."""
    env = dict(os.environ, NNLITE_TEST_CUDASIM="1")  # the ``backend`` fixture yields cuda
    env.pop("NNLITE_BACKEND", None)
    tests = ["tests/test_kernels_agreement.py", "tests/test_kernels_cuda.py",
             "tests/test_cuda_training.py"]
    select = f"({SMOKE_CASES})" if smoke else ON_GPU
    cmd = [sys.executable, "-m", "pytest", *tests, "-o", "addopts=", "-q", "-p",
           "no:cacheprovider", "-p", "no:randomly", "-W", "ignore::RuntimeWarning", "-k", select]
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT,
                              timeout=AGREEMENT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return False, f"timed out after {AGREEMENT_TIMEOUT_S} s", time.perf_counter() - started
    seconds = time.perf_counter() - started
    lines = proc.stdout.strip().splitlines()
    summary = lines[-1] if lines else proc.stderr.strip()[-300:]
    if proc.returncode != 0:
        print(proc.stdout[-6000:], proc.stderr[-2000:], sep="\n", file=sys.stderr)
    return proc.returncode == 0, summary, seconds


def synthetic(n: int, d: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((n, d), dtype=np.float32), rng.integers(0, k, n)


def nnlite_mlp(backend: str, d: int, units: tuple[int, ...]):
    import nnlite

    nnlite.set_backend(backend)
    nnlite.utils.set_random_seed(0)
    layers = [nnlite.layers.Input(shape=[d])]
    layers += [nnlite.layers.Dense(u, activation="relu") for u in units[:-1]]
    layers += [nnlite.layers.Dense(units[-1], activation="softmax")]
    model = nnlite.models.Sequential(layers)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def one_step_counts(model, x, y, batch: int) -> dict:
    """Transfers and launches of the third step of a short fit (a callback reads them)."""
    from nnlite._kernels.cuda import transfers
    from nnlite.callbacks import Callback

    seen: list[dict] = []

    class StepCounts(Callback):
        def on_train_batch_begin(self, step, logs=None):
            seen.append(transfers.counts())

        def on_train_batch_end(self, step, logs=None):
            after = transfers.counts()
            seen[-1] = {k: after[k] - seen[-1][k] for k in after}

    model.fit(x[:3 * batch], y[:3 * batch], batch_size=batch, epochs=1, verbose=0,
              callbacks=[StepCounts()])
    return seen[-1]


def time_nnlite(backend: str, x, y, cfg) -> dict:
    """Training samples/s per batch size, predict samples/s, and per-step counts on cuda."""
    import nnlite
    from nnlite._kernels.cuda import transfers

    model = nnlite_mlp(backend, cfg["d"], cfg["units"])
    name = nnlite._kernels.get_backend()
    result = {"name": f"nnlite {name}"}
    for batch, samples in cfg["batches"].items():
        model.fit(x[:2 * batch], y[:2 * batch], batch_size=batch, epochs=1, verbose=0)  # JIT
        steps = -(-samples // batch)
        with transfers.counting() as counted:
            started = time.perf_counter()
            model.fit(x[:samples], y[:samples], batch_size=batch, epochs=1, verbose=0)
            seconds = time.perf_counter() - started
        result[f"fit{batch}"] = samples / seconds
        if name == "cuda":
            result[f"fit_counts{batch}"] = {k: v / steps for k, v in counted.items()}
            result[f"step_counts{batch}"] = one_step_counts(model, x, y, batch)
    pb = cfg["predict_batch"]
    model.predict(x[:2 * pb], batch_size=pb, verbose=0)
    with transfers.counting() as counted:
        started = time.perf_counter()
        model.predict(x, batch_size=pb, verbose=0)
        result["predict"] = len(x) / (time.perf_counter() - started)
    if name == "cuda":  # the weights once, then one copy in and one back per batch
        result["predict_counts"] = {k: v / -(-len(x) // pb) for k, v in counted.items()}
    return result


def time_torch(x, y, cfg) -> dict | None:
    """The same MLP in PyTorch on the GPU, or None when torch or its GPU is missing."""
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    dev = torch.device("cuda")
    torch.manual_seed(0)
    sizes = (cfg["d"],) + tuple(cfg["units"])
    layers: list = []
    for i in range(len(sizes) - 1):
        layers += [torch.nn.Linear(sizes[i], sizes[i + 1]), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1]).to(dev)  # logits; the loss applies softmax
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))

    def epoch(samples: int, batch: int) -> None:
        order = torch.randperm(samples)
        for start in range(0, samples, batch):
            idx = order[start:start + batch]
            xb, yb = xt[idx].to(dev), yt[idx].to(dev)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            loss.item()  # one scalar back per step, as nnlite's report
        torch.cuda.synchronize()

    result = {"name": "PyTorch cuda"}
    for batch, samples in cfg["batches"].items():
        epoch(2 * batch, batch)
        started = time.perf_counter()
        epoch(samples, batch)
        result[f"fit{batch}"] = samples / (time.perf_counter() - started)
    pb = cfg["predict_batch"]
    with torch.no_grad():
        started = time.perf_counter()
        for start in range(0, len(x), pb):
            torch.softmax(model(xt[start:start + pb].to(dev)), dim=1).cpu()
        result["predict"] = len(x) / (time.perf_counter() - started)
    return result


def markdown(rows: list[dict], cfg) -> str:
    batches = list(cfg["batches"])
    head = ["run"] + [f"fit b={b} (samples/s)" for b in batches] + [
        f"predict b={cfg['predict_batch']} (samples/s)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row["name"]] + [f"{row[f'fit{b}']:,.0f}" for b in batches] + [
            f"{row['predict']:,.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    cuda_row = next((r for r in rows if r["name"] == "nnlite cuda"), None)
    if cuda_row is not None:
        for other in rows:
            if other is cuda_row:
                continue
            ratios = [cuda_row[k] / other[k] for k in [f"fit{b}" for b in batches] + ["predict"]]
            lines.append("| nnlite cuda ÷ " + other["name"] + " | " +
                         " | ".join(f"{r:.2f}×" for r in ratios) + " |")
        lines.append("")
        lines.append("| nnlite cuda, per training step | launches | copies to device "
                     "| bytes to device | copies to host | bytes to host |")
        lines.append("|---|---|---|---|---|---|")
        for b in batches:
            for what, key in (("one step", "step_counts"), ("timed fit ÷ steps", "fit_counts")):
                c = cuda_row[f"{key}{b}"]
                lines.append(f"| batch {b}, {what} | {c['launches']:.1f} | "
                             f"{c['to_device']:.2f} | {c['to_device_bytes']:,.0f} | "
                             f"{c['to_host']:.2f} | {c['to_host_bytes']:,.0f} |")
        c = cuda_row["predict_counts"]
        lines.append(f"| predict b={cfg['predict_batch']}, per batch | {c['launches']:.1f} | "
                     f"{c['to_device']:.2f} | {c['to_device_bytes']:,.0f} | "
                     f"{c['to_host']:.2f} | {c['to_host_bytes']:,.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes, to run every code path under the CUDA simulator")
    args = parser.parse_args(argv)
    usable, why = gpu_status()
    if not usable:
        print(f"no GPU: skipped ({why}). Run scripts/gpu_check.sh on a machine with a CUDA "
              "GPU, or with --smoke under the simulator (NUMBA_ENABLE_CUDASIM=1).")
        return 0
    cfg = SMOKE if args.smoke else FULL
    print(f"device: {why}")
    ok, summary, seconds = run_agreement(args.smoke)
    print(f"agreement suite on the device: {summary} ({seconds:.0f} s)")
    if not ok:
        return 1
    x, y = synthetic(cfg["n"], cfg["d"], cfg["units"][-1])
    rows = [time_nnlite("cuda", x, y, cfg), time_nnlite("auto", x, y, cfg)]
    torch_row = None if args.smoke else time_torch(x, y, cfg)
    if torch_row is not None:
        rows.append(torch_row)
    else:
        print("PyTorch with CUDA: not installed or no GPU for it; its row is left out")
    print(f"\nThe book's MLP {cfg['d']}-" + "-".join(map(str, cfg["units"])) +
          f", Adam, synthetic {cfg['n']}×{cfg['d']} float32:\n")
    print(markdown(rows, cfg))
    return 0


if __name__ == "__main__":
    sys.exit(main())
