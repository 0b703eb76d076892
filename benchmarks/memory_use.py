r"""Memory of ``fit`` on a data set that does not fit in memory, and in-memory speed.

One command::

    python benchmarks/memory_use.py [--quick] [--compare /path/to/other/checkout]

1. **Peak memory on a memory map.**  Writes a float32 ``.npy`` file of
   ``--rows`` 28×28 images (700,000 by default: 2.2 GB) in ``--tmp``, in
   chunks, then in a fresh process builds the book's MLP (Flatten →
   300 relu → 100 relu → 10 softmax, Adam), warms it up (numba compiles on
   first use), notes its resident memory (the *baseline*: interpreter,
   nnlite, the model, the labels) and trains ``--epochs`` epoch(s) on
   ``np.load(file, mmap_mode="r")`` with ``shuffle=True``, batch
   ``--batch-size``.  It reports the peak resident set size
   (``getrusage``'s ``ru_maxrss``) above the baseline: what reading the
   file cost.  Pages of the map that were read and are still mapped count
   in it (the page cache alone does not).
2. **In-memory speed.**  ``fit`` on 20,000 random images already in memory
   (batch 32, Adam): samples/s per epoch, the median of ``--repeats``
   epochs after a warm-up epoch, in a fresh process.

With ``--compare PATH`` both measurements run also with the nnlite of
another checkout (``PYTHONPATH=PATH``, e.g. the commit before the data
adapters), alternating, so the table shows before and after side by side.
The file is deleted at the end (``--keep-file`` keeps it).  Numbers depend
on the machine and on what else it runs; no test asserts any of them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
IMAGE = (28, 28)


# ------------------------------------------------------------------ children
def rss_mib() -> float:
    """The resident set size now, in MiB (from /proc where there is one)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return peak_rss_mib()


def peak_rss_mib() -> float:
    """The largest resident set size so far, in MiB (``ru_maxrss``: KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def book_mlp():
    import nnlite as keras

    keras.utils.set_random_seed(42)
    model = keras.models.Sequential([
        keras.layers.Flatten(input_shape=list(IMAGE)),
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.Adam(learning_rate=1e-3), metrics=["accuracy"])
    return model


def warm_up(model, batch_size: int) -> None:
    """One small fit, so numba's compilation is in the baseline, not in the measurement."""
    import numpy as np

    rng = np.random.default_rng(1)
    x = rng.random((2 * batch_size, *IMAGE), dtype=np.float32)
    model.fit(x, rng.integers(0, 10, len(x)), batch_size=batch_size, epochs=1, verbose=0)


def child_memory(path: str, batch_size: int, epochs: int) -> dict:
    import numpy as np

    x = np.load(path, mmap_mode="r")
    y = np.random.default_rng(2).integers(0, 10, len(x))
    model = book_mlp()
    warm_up(model, batch_size)
    baseline, baseline_peak = rss_mib(), peak_rss_mib()
    started = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
    seconds = time.perf_counter() - started
    peak = peak_rss_mib()
    return {"baseline_mib": baseline, "baseline_peak_mib": baseline_peak, "peak_mib": peak,
            "above_baseline_mib": peak - baseline, "end_mib": rss_mib(),
            "file_mib": os.path.getsize(path) / 2**20,
            "samples_per_s": epochs * len(x) / seconds, "seconds": seconds}


def child_throughput(repeats: int, samples: int = 20_000, batch_size: int = 32) -> dict:
    import numpy as np

    import nnlite as keras

    rng = np.random.default_rng(3)
    x = rng.random((samples, *IMAGE), dtype=np.float32)
    y = rng.integers(0, 10, samples)
    model = book_mlp()
    times: list[float] = []

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.started)

    model.fit(x, y, batch_size=batch_size, epochs=1 + repeats, verbose=0,
              callbacks=[EpochTimer()])
    rates = [samples / t for t in times[1:]]  # the first epoch is the warm-up
    return {"samples_per_s": statistics.median(rates), "rates": rates}


# ------------------------------------------------------------------ parent
def write_memmap(path: str, rows: int, chunk: int = 50_000) -> None:
    """A float32 .npy file of ``rows`` random images in [0, 1), written chunk by chunk."""
    import numpy as np

    rng = np.random.default_rng(0)
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, *IMAGE))
    for start in range(0, rows, chunk):
        stop = min(rows, start + chunk)
        out[start:stop] = rng.random((stop - start, *IMAGE), dtype=np.float32)
    out.flush()
    del out


def run_child(nnlite_path: str, args: list[str]) -> dict:
    env = dict(os.environ, PYTHONPATH=nnlite_path)
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", *args],
                          capture_output=True, text=True, env=env, cwd=nnlite_path)
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} with nnlite from {nnlite_path} failed:\n"
                           f"{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check_disk(directory: str, rows: int) -> None:
    need = rows * IMAGE[0] * IMAGE[1] * 4
    free = shutil.disk_usage(directory).free
    if free < 2 * need:
        sys.exit(f"{directory} has {free / 2**30:.1f} GiB free; the file needs "
                 f"{need / 2**30:.1f} GiB (and as much again to spare): pass --tmp or --rows")


def report(checkouts: dict[str, str], memory: dict, speed: dict, args) -> str:
    lines = [f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}",
             f"memory map: {args.rows:,} × 28×28 float32 "
             f"({next(iter(memory.values()))['file_mib']:,.0f} MiB), batch {args.batch_size}, "
             f"{args.epochs} epoch(s), shuffle=True",
             "",
             "| nnlite | baseline RSS (MiB) | peak RSS above baseline (MiB) | memmap samples/s "
             "| in-memory samples/s (batch 32, median) |",
             "|---|---|---|---|---|"]
    for name in checkouts:
        m, s = memory[name], speed[name]
        lines.append(f"| {name} | {m['baseline_mib']:.0f} | {m['above_baseline_mib']:.0f} | "
                     f"{m['samples_per_s']:,.0f} | {s['samples_per_s']:,.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=700_000)
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5, help="timed in-memory epochs")
    parser.add_argument("--rounds", type=int, default=3, help="in-memory runs per checkout")
    parser.add_argument("--compare", metavar="PATH", help="another checkout to measure too")
    parser.add_argument("--tmp", default="/tmp")
    parser.add_argument("--keep-file", action="store_true")
    parser.add_argument("--quick", action="store_true", help="20,000 rows, 1 round")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "write":
            write_memmap(rest[0], int(rest[1]))
            result = {}
        elif kind == "memory":
            result = child_memory(rest[0], int(rest[1]), int(rest[2]))
        else:
            result = child_throughput(int(rest[0]))
        print(json.dumps(result))
        return
    if args.quick:
        args.rows, args.rounds, args.repeats = 20_000, 1, 2
    checkouts = {"this checkout": REPO}
    if args.compare:
        checkouts[f"--compare ({args.compare})"] = os.path.abspath(args.compare)
    check_disk(args.tmp, args.rows)
    path = os.path.join(args.tmp, f"nnlite-memory-use-{os.getpid()}.npy")
    try:
        run_child(REPO, ["write", path, str(args.rows)])  # (the parent stays small: a
        # child's ru_maxrss starts at its parent's resident size, kept across exec)
        memory = {name: run_child(where, ["memory", path, str(args.batch_size),
                                          str(args.epochs)])
                  for name, where in checkouts.items()}
    finally:
        if not args.keep_file and os.path.exists(path):
            os.remove(path)
    runs: dict[str, list[dict]] = {name: [] for name in checkouts}
    for _ in range(args.rounds):  # alternate, so a drifting load hits both alike
        for name, where in checkouts.items():
            runs[name].append(run_child(where, ["throughput", str(args.repeats)]))
    speed = {name: {"samples_per_s": statistics.median(r["samples_per_s"] for r in rs),
                    "rounds": rs} for name, rs in runs.items()}
    print(report(checkouts, memory, speed, args))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"memory": memory, "speed": speed, "args": vars(args)}, f, indent=1)


if __name__ == "__main__":
    main()
