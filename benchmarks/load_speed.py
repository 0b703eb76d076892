r"""Training speed on a busy machine: nnlite vs PyTorch while other programs use the cores.

One command::

    python benchmarks/load_speed.py [--quick] [--two] [--json FILE.json]

In one run this trains the book's MLP (784-300-100-10, relu/softmax; SGD(0.01)
and Adam(1e-3); batch 32 and 256) with nnlite and PyTorch under loads it
creates itself and stops again:

* ``none``: nothing else running (of this script's);
* ``nice19``: one busy-loop process at nice 19 (the lowest priority);
* ``nice0``: one busy-loop process at nice 0 (the same priority as ours);
* ``nice0x2`` (with ``--two``): two such processes.

Each framework variant is a persistent worker process (started once, so
imports and compilation are not timed), asked in turn, interleaved, to train
a fresh model for ``--steps`` steps in one ``fit`` (PyTorch: the idiomatic
loop over pre-loaded tensors, no metrics; nnlite keeps its accuracy metric
on) on random 28×28 float32 images (a run that takes longer than
``--max-seconds`` stops there and its rate is that of the steps done):

``nnlite``          the default: threads chosen by nnlite (adaptive policy)
``nnlite-fixed``    all threads, the policy off (``NNLITE_ADAPTIVE_THREADS=0``)
``nnlite-1``        one thread (``NNLITE_NUM_THREADS=1``)
``pytorch``         PyTorch at its default thread count
``pytorch-1``       PyTorch on one thread (``torch.set_num_threads(1)``)

It prints samples/s per (load, config, variant) as the median of ``--repeats``
runs, nnlite/PyTorch, nnlite/PyTorch-1-thread, each variant's fraction of its
own idle speed, predict (10,000 images, batch 1024) per load, and the targets
met or missed: a Markdown table to paste into ``benchmarks/README.md``.
``--quick`` (fewer steps, one repeat, no ``nnlite-1``) takes 1-3 minutes.
The busy processes are stopped when the script ends, also on Ctrl-C.
Numbers are wall-clock throughput and depend on everything else the machine
runs; no test asserts any of them.
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

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CONFIGS = [("sgd", 32), ("adam", 32), ("sgd", 256), ("adam", 256)]
LR = {"sgd": 0.01, "adam": 1e-3}
#: load name → nice values of the busy processes it starts.
LOADS = {"none": [], "nice19": [19], "nice0": [0], "nice0x2": [0, 0]}
VARIANTS = ("nnlite", "nnlite-fixed", "nnlite-1", "pytorch", "pytorch-1")
QUICK_VARIANTS = ("nnlite", "nnlite-fixed", "pytorch", "pytorch-1")
#: Environment of each variant's worker (added to the caller's).
VARIANT_ENV = {
    "nnlite": {},
    "nnlite-fixed": {"NNLITE_ADAPTIVE_THREADS": "0"},
    "nnlite-1": {"NNLITE_NUM_THREADS": "1"},
    "pytorch": {},
    "pytorch-1": {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
}


# ====================================================================== workers
def random_images(n: int):
    import numpy as np
    rng = np.random.default_rng(0)
    x = rng.random((n, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, n).astype(np.int64)
    return x, y


class NnliteTrainer:
    """Trains the book's MLP with nnlite's ``fit``."""

    def __init__(self):
        import nnlite
        self.keras = nnlite

    def model(self, opt: str):
        keras = self.keras
        L = keras.layers
        model = keras.models.Sequential([
            L.Flatten(input_shape=[28, 28]), L.Dense(300, activation="relu"),
            L.Dense(100, activation="relu"), L.Dense(10, activation="softmax")])
        optimizer = {"sgd": keras.optimizers.SGD, "adam": keras.optimizers.Adam}[opt]
        model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      optimizer=optimizer(learning_rate=LR[opt]))
        return model

    def train(self, opt: str, bs: int, x, y, max_seconds: float) -> dict:
        self.keras.utils.set_random_seed(0)
        model = self.model(opt)
        seen: dict = {"steps": 0}
        t0 = time.perf_counter()

        class Watch(self.keras.callbacks.Callback):
            """Counts steps, stops after ``max_seconds``, notes the policy's state."""

            def on_train_batch_end(self, batch, logs=None):
                seen["steps"] += 1
                policy = getattr(self.model._fit_threads, "policy", None)
                if policy is not None:
                    seen.update(threads=policy.threads, switches=policy.switches)
                if time.perf_counter() - t0 > max_seconds:
                    self.model.stop_training = True

        model.fit(x, y, batch_size=bs, epochs=1, verbose=0, shuffle=True, callbacks=[Watch()])
        return {"seconds": time.perf_counter() - t0, "samples": seen.pop("steps") * bs, **seen}

    def predict(self, model, x) -> None:
        model.predict(x, batch_size=1024, verbose=0)


class TorchTrainer:
    """Trains the same MLP with PyTorch's idiomatic loop (no metrics: the strictest baseline)."""

    def __init__(self, threads: int | None):
        import torch
        self.torch = torch
        if threads:
            torch.set_num_threads(threads)

    def model(self, opt: str):
        from torch import nn
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100),
                             nn.ReLU(), nn.Linear(100, 10))

    def train(self, opt: str, bs: int, x, y, max_seconds: float) -> dict:
        torch = self.torch
        torch.manual_seed(0)
        t0 = time.perf_counter()
        model = self.model(opt)
        optimizer = (torch.optim.SGD(model.parameters(), lr=LR[opt]) if opt == "sgd" else
                     torch.optim.Adam(model.parameters(), lr=LR[opt], eps=1e-7))
        loss_fn = torch.nn.CrossEntropyLoss()
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        perm = torch.randperm(len(xt))
        xs, ys = xt[perm], yt[perm]
        steps = 0
        for start in range(0, len(xs), bs):
            optimizer.zero_grad()
            loss = loss_fn(model(xs[start:start + bs]), ys[start:start + bs])
            loss.backward()
            optimizer.step()
            steps += 1
            if time.perf_counter() - t0 > max_seconds:
                break
        return {"seconds": time.perf_counter() - t0, "samples": steps * bs}

    def predict(self, model, x) -> None:
        torch = self.torch
        xt = torch.from_numpy(x)
        with torch.inference_mode():
            torch.cat([torch.softmax(model(xt[i:i + 1024]), dim=1)
                       for i in range(0, len(xt), 1024)])


def worker_main(variant: str) -> None:
    """Answer one JSON request per stdin line: train / predict / quit."""
    from bench_utils import median_seconds  # benchmarks/ is on sys.path in a worker
    if variant.startswith("pytorch"):
        trainer = TorchTrainer(1 if variant == "pytorch-1" else None)
    else:
        trainer = NnliteTrainer()
    data: dict = {}
    predict_model = None
    print("READY", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request["do"] == "quit":
            break
        if request["do"] == "train":
            n = request["steps"] * request["bs"]
            if n not in data:
                data[n] = random_images(n)
            answer = trainer.train(request["opt"], request["bs"], *data[n],
                                   request.get("max_seconds", 1e9))
            answer["sps"] = answer["samples"] / answer["seconds"]
        else:  # predict: median of 3 over 10,000 images, batch 1024
            x, _ = data.setdefault("test", random_images(10000))
            if predict_model is None:
                predict_model = trainer.model("sgd")
                if variant.startswith("pytorch"):
                    predict_model.eval()
                trainer.predict(predict_model, x)
            seconds = median_seconds(lambda m=predict_model, x=x: trainer.predict(m, x), 3)
            answer = {"sps": len(x) / seconds}
        print("RESULT:" + json.dumps(answer), flush=True)


class Worker:
    """A persistent worker process for one variant."""

    def __init__(self, variant: str):
        env = dict(os.environ, **VARIANT_ENV[variant])
        env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
        self.variant = variant
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker",
                                      variant], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, cwd=REPO, env=env)
        self._read("READY")

    def _read(self, prefix: str) -> str:
        for line in self.proc.stdout:
            if line.startswith(prefix):
                return line[len(prefix):]
        raise RuntimeError(f"worker {self.variant} exited with {self.proc.wait()}")

    def ask(self, **request) -> dict:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self._read("RESULT:"))

    def close(self) -> None:
        try:
            self.ask(do="quit")
        except (RuntimeError, OSError, ValueError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# ======================================================================= loads
def start_busy(nices: list[int]) -> list[subprocess.Popen]:
    """One busy-loop process per entry, at that nice value."""
    procs = []
    for nice in nices:
        procs.append(subprocess.Popen(
            [sys.executable, "-c", "while True: pass"],
            preexec_fn=(lambda n=nice: os.nice(n)) if nice else None))
    time.sleep(0.3 if procs else 0.0)
    return procs


def stop_busy(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


# ====================================================================== report
def machine_info() -> dict:
    info = {"platform": platform.platform(), "python": platform.python_version(),
            "cpus": os.cpu_count()}
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in lines.splitlines()
                            if ln.startswith("Model name")), "")
        info["avx512"] = "avx512f" in lines
    except (OSError, subprocess.SubprocessError):
        pass
    info["loadavg_start"] = os.getloadavg()
    return info


def fmt(v) -> str:
    if v is None:
        return "—"
    return f"{v / 1000:.1f}k" if v >= 1000 else f"{v:.0f}"


def fmt_x(v) -> str:
    return "—" if v is None else f"{v:.2f}"


def ratio(a, b):
    return a / b if a and b else None


def summarize(results: dict, loads: list[str], variants: list[str]) -> dict:
    """Medians per (load, config, variant), ratios and fractions of idle speed."""
    rows = []
    for load in loads:
        for opt, bs in CONFIGS:
            key = f"{opt} b{bs}"
            rates = {v: statistics.median(results[load][key][v]) if results[load][key].get(v)
                     else None for v in variants}
            idle = {v: statistics.median(results["none"][key][v])
                    if results.get("none", {}).get(key, {}).get(v) else None for v in variants}
            rows.append({"load": load, "config": key, "sps": rates,
                         "vs_pytorch": ratio(rates.get("nnlite"), rates.get("pytorch")),
                         "vs_pytorch_1": ratio(rates.get("nnlite"), rates.get("pytorch-1")),
                         "of_idle": {v: ratio(rates[v], idle[v]) for v in variants}})
    return {"rows": rows}


def check_targets(summary: dict, predict: dict) -> list[dict]:
    targets = []

    def add(name, value, need):
        targets.append({"target": name, "value": value, "need": need,
                        "met": None if value is None else value >= need})

    for row in summary["rows"]:
        if row["load"] == "nice0":
            add(f"nice0 {row['config']}: nnlite/PyTorch", row["vs_pytorch"], 1.5)
            add(f"nice0 {row['config']}: nnlite/PyTorch 1 thread", row["vs_pytorch_1"], 1.0)
            add(f"nice0 {row['config']}: nnlite of its idle speed",
                row["of_idle"].get("nnlite"), 0.5)
        if row["load"] == "none":
            add(f"idle {row['config']}: nnlite/PyTorch", row["vs_pytorch"],
                1.5 if row["config"].endswith("b32") else 1.3)
    for load, rates in predict.items():
        add(f"{load} predict b1024: nnlite/PyTorch", ratio(rates.get("nnlite"),
                                                          rates.get("pytorch")), 1.0)
    return targets


def markdown(summary: dict, predict: dict, targets: list[dict], variants: list[str]) -> str:
    names = {"nnlite": "nnlite", "nnlite-fixed": "nnlite all threads", "nnlite-1": "nnlite 1 thr",
             "pytorch": "PyTorch", "pytorch-1": "PyTorch 1 thr"}
    head = ("| load | config | " + " | ".join(names[v] for v in variants)
            + " | nnlite/PyTorch | nnlite/PyTorch 1 thr | "
            + " | ".join(f"{names[v]} of idle" for v in variants if v in ("nnlite", "pytorch"))
            + " |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in summary["rows"]:
        lines.append(f"| {r['load']} | {r['config']} | "
                     + " | ".join(fmt(r["sps"][v]) for v in variants)
                     + f" | {fmt_x(r['vs_pytorch'])} | {fmt_x(r['vs_pytorch_1'])} | "
                     + " | ".join(fmt_x(r["of_idle"][v]) for v in variants
                                  if v in ("nnlite", "pytorch")) + " |")
    if predict:
        lines += ["", "| load | predict b1024 " + " | ".join(names[v] for v in variants)
                  + " | nnlite/PyTorch |", "|" + "---|" * (len(variants) + 2)]
        for load, rates in predict.items():
            lines.append(f"| {load} | " + " | ".join(fmt(rates.get(v)) for v in variants)
                         + f" | {fmt_x(ratio(rates.get('nnlite'), rates.get('pytorch')))} |")
    lines += ["", "| target | measured | needed | |", "|---|---|---|---|"]
    for t in targets:
        mark = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
        lines.append(f"| {t['target']} | {fmt_x(t['value'])} | ≥ {t['need']:g} | {mark} |")
    return "\n".join(lines)


# ======================================================================== main
def measure(workers: dict, loads: list[str], args) -> tuple[dict, dict]:
    """Every (load, repeat, config, variant), interleaved; busy processes per load."""
    results: dict = {load: {f"{o} b{b}": {} for o, b in CONFIGS} for load in loads}
    predict: dict = {}
    order = list(workers)
    turn = 0
    for load in loads:
        busy = start_busy(LOADS[load])
        try:
            for _ in range(args.repeats):
                for opt, bs in CONFIGS:
                    steps = args.steps if bs == 32 else args.steps_256
                    turn += 1
                    k = turn % len(order)
                    for variant in order[k:] + order[:k]:
                        answer = workers[variant].ask(do="train", opt=opt, bs=bs, steps=steps,
                                                      max_seconds=args.max_seconds)
                        results[load][f"{opt} b{bs}"].setdefault(variant, []).append(
                            answer["sps"])
                        if "threads" in answer:
                            results[load].setdefault("policy", []).append(
                                [f"{opt} b{bs}", answer["threads"], answer["switches"]])
            if not args.no_predict:
                predict[load] = {v: workers[v].ask(do="predict")["sps"] for v in order}
        finally:
            stop_busy(busy)
        print(f"  load {load:8s} done ({time.perf_counter() - args.started:.0f} s)", flush=True)
    return results, predict


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="fewer steps, one repeat, no nnlite-1 (under 3 min)")
    p.add_argument("--two", action="store_true", help="also two busy nice-0 processes")
    p.add_argument("--steps", type=int, default=0, help="steps per run at batch 32 (400)")
    p.add_argument("--steps-256", type=int, default=0, help="steps per run at batch 256 (200)")
    p.add_argument("--repeats", type=int, default=0, help="runs per cell, median (3)")
    p.add_argument("--variants", default="", help=f"comma list of {', '.join(VARIANTS)}")
    p.add_argument("--loads", default="", help="comma list of " + ", ".join(LOADS))
    p.add_argument("--max-seconds", type=float, default=0,
                   help="stop a run after this long, rate of the steps done (5; 2 quick)")
    p.add_argument("--no-predict", action="store_true")
    p.add_argument("--json", help="write everything measured to this file")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        worker_main(args.worker)
        return {}
    args.steps = args.steps or (150 if args.quick else 400)
    args.steps_256 = args.steps_256 or (50 if args.quick else 200)
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.max_seconds = args.max_seconds or (2.0 if args.quick else 5.0)
    variants = [v for v in (args.variants.split(",") if args.variants else
                            QUICK_VARIANTS if args.quick else VARIANTS) if v]
    loads = args.loads.split(",") if args.loads else (
        ["none", "nice19", "nice0"] + (["nice0x2"] if args.two else []))
    if "none" not in loads:
        loads.insert(0, "none")
    args.started = time.perf_counter()
    report = {"command": " ".join(["python", os.path.relpath(__file__, REPO)] + sys.argv[1:]),
              "machine": machine_info(), "steps_b32": args.steps, "steps_b256": args.steps_256,
              "max_seconds": args.max_seconds, "repeats": args.repeats, "variants": variants,
              "loads": loads}
    workers: dict = {}
    try:
        for v in variants:
            workers[v] = Worker(v)
            for opt, bs in CONFIGS:  # warm-up: compilation, first-touch page faults
                workers[v].ask(do="train", opt=opt, bs=bs, steps=20)
        print(f"workers ready ({time.perf_counter() - args.started:.0f} s)", flush=True)
        results, predict = measure(workers, loads, args)
    finally:
        for w in workers.values():
            w.close()
    report["results"], report["predict"] = results, predict
    report["machine"]["loadavg_end"] = os.getloadavg()
    summary = summarize(results, loads, variants)
    report["rows"] = summary["rows"]
    report["targets"] = check_targets(summary, predict)
    report["total_s"] = time.perf_counter() - args.started
    report["markdown"] = markdown(summary, predict, report["targets"], variants)
    m = report["machine"]
    print(f"\n{m.get('cpu', '?')}, {m['cpus']} CPUs, {m['platform']}, Python {m['python']}; "
          f"load average {m['loadavg_start'][0]:.2f} → {m['loadavg_end'][0]:.2f}; "
          f"{report['total_s']:.0f} s; samples/s, median of {args.repeats}\n")
    print(report["markdown"])
    from bench_utils import write_report  # benchmarks/ is on sys.path when run as a script
    write_report(report, args.json)
    return report


if __name__ == "__main__":
    main()
