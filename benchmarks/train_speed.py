r"""Training speed of nnlite vs PyTorch vs Keras on the models learners train.

One command::

    python benchmarks/train_speed.py [--quick] [--threads 2] [--rounds 3] [--json FILE.json]

In one run, on the same data, machine and thread count, this trains with
each framework (nnlite with its default kernel backend, ``fit(verbose=0)``
with the accuracy metric on; PyTorch with an idiomatic loop over pre-loaded
tensors; Keras ``model.fit(verbose=0)`` where ``keras`` is installed, on
whatever backend it finds):

1. the book's MLP 784-300-100-10 (relu/softmax), SGD(0.01) and Adam(1e-3),
   batch 32 and 256;
2. the book's BN model (BN → 300 → BN → 100 → BN → 10, elu, he_normal),
   SGD(0.01), batch 32 and 256;
3. a deep net of 20 hidden layers × 100 units (elu, he_normal), Nadam, batch 32;
4. model 1 with Dropout(0.2) after Flatten and after each hidden layer, SGD, batch 32.

For each it reports training samples/s (median of ``--epochs`` epochs after
one warm-up epoch; an epoch is a fixed subset of ``--samples`` Fashion-MNIST
training images, 20,000 by default, to keep the run affordable), inference
samples/s (``predict`` on the 10,000 test images, batch 1024), and peak RSS.
Each (framework, model family) runs in its own subprocess, so the RSS is that
framework's alone; ``--rounds`` rounds of every framework run one after the
other per model family (each round starting with another framework) and the
rates reported are the medians over the rounds.  Also measured in the same
run: the machine's SGEMM GFLOP/s (NumPy's BLAS, 2048², same threads; at the
start and after each round of nnlite's model 1, median), the FLOP bound it
implies for model 1, start-up time (``import nnlite`` + building model 1 +
the first training step, in a fresh process with a warm kernel cache), and
RSS growth of a ``--rss-epochs``-epoch nnlite run.

``--quick`` uses small random data and one timed epoch (a smoke test; the
numbers mean nothing).  No timing is ever asserted by the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
#: The caller's OpenMP wait policy.  ``import nnlite`` sets OMP_WAIT_POLICY=PASSIVE
#: for its own process; the workers of the other frameworks must not inherit that
#: (it halves PyTorch's speed at batch 32), so each worker gets the caller's value.
CALLER_OMP_WAIT_POLICY = os.environ.get("OMP_WAIT_POLICY")
REPO = os.path.dirname(HERE)

#: (optimizer, batch size) per model family.
CONFIGS = {
    1: [("sgd", 32), ("adam", 32), ("sgd", 256), ("adam", 256)],
    2: [("sgd", 32), ("sgd", 256)],
    3: [("nadam", 32)],
    4: [("sgd", 32)],
}
FAMILY_NAMES = {
    1: "MLP 784-300-100-10 relu",
    2: "BN MLP (BN-300-BN-100-BN-10, elu)",
    3: "deep 20x100 elu, he_normal",
    4: "MLP + Dropout(0.2)",
}
FRAMEWORKS = ("nnlite", "pytorch", "keras")
#: Matmul FLOPs per sample of model 1, forward + backward (no ∂x for the first layer).
MODEL1_DIMS = [(784, 300), (300, 100), (100, 10)]
MODEL1_FLOPS = (2 * sum(a * b for a, b in MODEL1_DIMS) * 2
                + 2 * sum(a * b for a, b in MODEL1_DIMS[1:]))
LR = {"sgd": 0.01, "adam": 1e-3, "nadam": 1e-3}


def set_threads(n: int) -> None:
    """Thread count for every BLAS / OpenMP / numba pool (before they load)."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                "NUMBA_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ[var] = str(n)


# ======================================================================= helpers
def rss_mib() -> float:
    """Current resident set size (MiB), from /proc (0 where unavailable)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def peak_rss_mib() -> float:
    import resource
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 2**20


def load_arrays(path: str):
    import numpy as np
    d = np.load(path)
    return d["x"], d["y"], d["xt"], d["yt"]


def median_rate(times: list[float], n: int) -> float:
    return n / statistics.median(times)


# ======================================================================= nnlite
def nnlite_model(family: int, opt: str):
    import nnlite as keras
    L = keras.layers
    if family == 1:
        layers = [L.Flatten(input_shape=[28, 28]), L.Dense(300, activation="relu"),
                  L.Dense(100, activation="relu"), L.Dense(10, activation="softmax")]
    elif family == 2:
        layers = [L.Flatten(input_shape=[28, 28]), L.BatchNormalization(),
                  L.Dense(300, activation="elu", kernel_initializer="he_normal"),
                  L.BatchNormalization(),
                  L.Dense(100, activation="elu", kernel_initializer="he_normal"),
                  L.BatchNormalization(), L.Dense(10, activation="softmax")]
    elif family == 3:
        layers = [L.Flatten(input_shape=[28, 28])]
        layers += [L.Dense(100, activation="elu", kernel_initializer="he_normal")
                   for _ in range(20)]
        layers += [L.Dense(10, activation="softmax")]
    else:
        layers = [L.Flatten(input_shape=[28, 28]), L.Dropout(0.2),
                  L.Dense(300, activation="relu"), L.Dropout(0.2),
                  L.Dense(100, activation="relu"), L.Dropout(0.2),
                  L.Dense(10, activation="softmax")]
    model = keras.models.Sequential(layers)
    optimizer = {"sgd": lambda: keras.optimizers.SGD(learning_rate=LR["sgd"]),
                 "adam": lambda: keras.optimizers.Adam(learning_rate=LR["adam"]),
                 "nadam": lambda: keras.optimizers.Nadam(learning_rate=LR["nadam"])}[opt]()
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    return model


def epoch_timer(callback_base):
    """A callback (subclass of nnlite's or Keras' ``Callback``) timing each epoch.

    Wall time and RSS of each epoch; epoch hooks only, so no per-batch cost.
    """

    class EpochTimer(callback_base):
        def __init__(self):
            super().__init__()
            self.times, self.rss = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self._t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self._t0)
            self.rss.append(rss_mib())

    return EpochTimer()


def fit_and_time(model, timer, x, y, xt, batch_size: int, epochs: int,
                 with_predict: bool) -> dict:
    """Train 1 warm-up + ``epochs`` timed epochs with Keras' ``fit`` API (nnlite or Keras).

    Returns the median training samples/s, the per-epoch times and RSS, the last
    accuracy and, with ``with_predict``, the median predict samples/s (batch 1024).
    """
    hist = model.fit(x, y, batch_size=batch_size, epochs=1 + epochs, verbose=0,
                     callbacks=[timer])
    row = {"train_sps": median_rate(timer.times[1:], len(x)), "epoch_s": timer.times,
           "rss_per_epoch_mib": timer.rss, "accuracy": float(hist.history["accuracy"][-1])}
    if with_predict:
        model.predict(xt[:2048], batch_size=1024, verbose=0)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            model.predict(xt, batch_size=1024, verbose=0)
            times.append(time.perf_counter() - t0)
        row["predict_sps"] = median_rate(times, len(xt))
    return row


def nnlite_epoch_timer():
    import nnlite as keras
    return epoch_timer(keras.callbacks.Callback)


def run_nnlite(family: int, args, data) -> dict:
    import numpy as np

    import nnlite as keras
    from nnlite import _kernels
    x, y, xt, _ = data
    out: dict = {"backend": _kernels.get_backend(), "configs": {}}
    try:
        import numba
        numba.set_num_threads(min(args.threads, numba.config.NUMBA_NUM_THREADS))
    except Exception:  # pragma: no cover
        pass
    for k, (opt, bs) in enumerate(CONFIGS[family]):
        key = f"{opt} b{bs}"
        try:
            np.random.seed(k)
            keras.utils.random.set_random_seed(k)
            model = nnlite_model(family, opt)
            row = fit_and_time(model, nnlite_epoch_timer(), x, y, xt, bs, args.epochs,
                               with_predict=k == 0)
        except Exception as exc:  # a layer/optimizer not implemented yet, ...
            row = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        out["configs"][key] = row
    if family == 1 and args.rss_epochs:
        out["rss_check"] = nnlite_rss_check(args, data)
    if family == 1:  # the machine's rate right after the model-1 runs, same process
        from nnlite.bench import sgemm_gflops
        out["sgemm_gflops"] = sgemm_gflops(256 if args.quick else 2048)
    return out


def nnlite_rss_check(args, data) -> dict:
    """RSS after each epoch of a long model-1 SGD b32 run on a small subset."""
    x, y = data[0][:5000], data[1][:5000]
    model = nnlite_model(1, "sgd")
    timer = nnlite_epoch_timer()
    model.fit(x, y, batch_size=32, epochs=args.rss_epochs, verbose=0, callbacks=[timer])
    rss = timer.rss
    ref = rss[1] if len(rss) > 1 else rss[0]
    return {"epochs": len(rss), "samples": len(x), "rss_epoch2_mib": ref,
            "rss_last_mib": rss[-1], "growth_pct": 100 * (rss[-1] - ref) / ref}


# ====================================================================== pytorch
def torch_model(family: int):
    import torch
    from torch import nn

    def he(linear):
        nn.init.kaiming_normal_(linear.weight, nonlinearity="linear")
        nn.init.zeros_(linear.bias)
        return linear

    if family == 1:
        layers = [nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(),
                  nn.Linear(100, 10)]
    elif family == 2:  # Keras BN: momentum 0.99 (= 1 − torch's 0.01), epsilon 1e-3
        layers = [nn.Flatten(), nn.BatchNorm1d(784, eps=1e-3, momentum=0.01),
                  he(nn.Linear(784, 300)), nn.ELU(), nn.BatchNorm1d(300, eps=1e-3, momentum=0.01),
                  he(nn.Linear(300, 100)), nn.ELU(), nn.BatchNorm1d(100, eps=1e-3, momentum=0.01),
                  nn.Linear(100, 10)]
    elif family == 3:
        layers = [nn.Flatten()]
        d = 784
        for _ in range(20):
            layers += [he(nn.Linear(d, 100)), nn.ELU()]
            d = 100
        layers += [nn.Linear(100, 10)]
    else:
        layers = [nn.Flatten(), nn.Dropout(0.2), nn.Linear(784, 300), nn.ReLU(), nn.Dropout(0.2),
                  nn.Linear(300, 100), nn.ReLU(), nn.Dropout(0.2), nn.Linear(100, 10)]
    return torch.nn.Sequential(*layers)


def torch_optimizer(opt: str, params):
    import torch
    if opt == "sgd":
        return torch.optim.SGD(params, lr=LR["sgd"])
    if opt == "adam":
        return torch.optim.Adam(params, lr=LR["adam"], eps=1e-7)
    return torch.optim.NAdam(params, lr=LR["nadam"], eps=1e-7)


def torch_train(family: int, opt: str, bs: int, x, y, epochs: int, seed: int):
    """Idiomatic loop: shuffle the pre-loaded tensors once per epoch, slice batches.

    No per-batch metric bookkeeping (each small torch op costs ~5-10 µs at batch 32):
    the strictest baseline for nnlite, which keeps its loss and accuracy on.
    """
    import torch
    torch.manual_seed(seed)
    model = torch_model(family)
    optimizer = torch_optimizer(opt, model.parameters())
    loss_fn = torch.nn.CrossEntropyLoss()
    n = len(x)
    times, rss = [], []
    for _ in range(1 + epochs):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(n)
        xs, ys = x[perm], y[perm]
        for start in range(0, n, bs):
            xb, yb = xs[start:start + bs], ys[start:start + bs]
            optimizer.zero_grad()
            logits = model(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - t0)
        rss.append(rss_mib())
    with torch.no_grad():  # accuracy after training, outside the timed epochs
        acc = (model.eval()(x).argmax(1) == y).float().mean().item()
    return model, times, rss, acc


def torch_sgemm_gflops(n: int) -> float:
    """PyTorch's SGEMM rate, timed in its worker (which must not import nnlite.bench)."""
    import torch
    from bench_utils import median_seconds  # benchmarks/ is on sys.path in a worker
    a = torch.randn(n, n)
    torch.mm(a, a)
    return 2 * n**3 / median_seconds(lambda: torch.mm(a, a), 5) / 1e9


def run_pytorch(family: int, args, data) -> dict:
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    x, y, xt, _ = (torch.from_numpy(np.ascontiguousarray(a)) for a in data)
    y = y.long()
    out: dict = {"version": torch.__version__, "configs": {}}
    out["sgemm_gflops"] = torch_sgemm_gflops(2048)
    for k, (opt, bs) in enumerate(CONFIGS[family]):
        key = f"{opt} b{bs}"
        try:
            model, times, rss, acc = torch_train(family, opt, bs, x, y, args.epochs, k)
            row = {"train_sps": median_rate(times[1:], len(x)), "epoch_s": times,
                   "rss_per_epoch_mib": rss, "accuracy": acc}
            if opt != "sgd":  # Adam/Nadam state goes subnormal: also time with flush-to-zero
                torch.set_flush_denormal(True)
                _, times_ftz, _, _ = torch_train(family, opt, bs, x, y, args.epochs, k)
                torch.set_flush_denormal(False)
                row["train_sps_ftz"] = median_rate(times_ftz[1:], len(x))
            if k == 0:
                row["predict_sps"] = torch_predict_rate(model, xt)
        except Exception as exc:  # pragma: no cover
            row = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        out["configs"][key] = row
    return out


def torch_predict_rate(model, xt) -> float:
    import torch
    model.eval()

    def predict():
        with torch.inference_mode():
            return torch.cat([torch.softmax(model(xt[i:i + 1024]), dim=1)
                              for i in range(0, len(xt), 1024)])

    predict()
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        predict()
        times.append(time.perf_counter() - t0)
    return median_rate(times, len(xt))


# ======================================================================== keras
def keras_backend() -> str:
    """TensorFlow when installed, else the torch backend of Keras 3."""
    if "KERAS_BACKEND" not in os.environ:
        try:
            import tensorflow  # noqa: F401
            os.environ["KERAS_BACKEND"] = "tensorflow"
        except ImportError:
            os.environ["KERAS_BACKEND"] = "torch"
    return os.environ["KERAS_BACKEND"]


def keras_model(keras, family: int, opt: str):
    L = keras.layers
    inp = [L.Input(shape=(28, 28)), L.Flatten()]
    if family == 1:
        layers = inp + [L.Dense(300, activation="relu"), L.Dense(100, activation="relu"),
                        L.Dense(10, activation="softmax")]
    elif family == 2:
        layers = inp + [L.BatchNormalization(),
                        L.Dense(300, activation="elu", kernel_initializer="he_normal"),
                        L.BatchNormalization(),
                        L.Dense(100, activation="elu", kernel_initializer="he_normal"),
                        L.BatchNormalization(), L.Dense(10, activation="softmax")]
    elif family == 3:
        layers = inp + [L.Dense(100, activation="elu", kernel_initializer="he_normal")
                        for _ in range(20)] + [L.Dense(10, activation="softmax")]
    else:
        layers = inp + [L.Dropout(0.2), L.Dense(300, activation="relu"), L.Dropout(0.2),
                        L.Dense(100, activation="relu"), L.Dropout(0.2),
                        L.Dense(10, activation="softmax")]
    model = keras.models.Sequential(layers)
    optimizer = {"sgd": keras.optimizers.SGD, "adam": keras.optimizers.Adam,
                 "nadam": keras.optimizers.Nadam}[opt](learning_rate=LR[opt])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    return model


def run_keras(family: int, args, data) -> dict:
    backend = keras_backend()
    import keras
    if backend == "torch":
        import torch
        torch.set_num_threads(args.threads)
    elif backend == "tensorflow":  # pragma: no cover - not installable here
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    x, y, xt, _ = data
    out: dict = {"version": f"keras {keras.__version__} ({backend} backend)", "configs": {}}

    for k, (opt, bs) in enumerate(CONFIGS[family]):
        key = f"{opt} b{bs}"
        try:
            keras.utils.set_random_seed(k)
            model = keras_model(keras, family, opt)
            row = fit_and_time(model, epoch_timer(keras.callbacks.Callback), x, y, xt, bs,
                               args.epochs, with_predict=k == 0)
        except Exception as exc:  # pragma: no cover
            row = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        out["configs"][key] = row
    return out


# ======================================================================= worker
def worker(args) -> None:
    data = load_arrays(args.data)
    runner = {"nnlite": run_nnlite, "pytorch": run_pytorch, "keras": run_keras}[args.worker]
    result = runner(args.family, args, data)
    result["peak_rss_mib"] = peak_rss_mib()
    print("RESULT:" + json.dumps(result))


def framework_available(fw: str) -> str | None:
    """None when ``fw`` can be imported, else the reason."""
    module = {"nnlite": "nnlite", "pytorch": "torch", "keras": "keras"}[fw]
    import importlib.util
    if importlib.util.find_spec(module) is None:
        return f"{module} is not installed"
    if fw == "keras":  # Keras 3 needs a backend: TensorFlow or torch
        if importlib.util.find_spec("tensorflow") is None and \
                importlib.util.find_spec("torch") is None:
            return "keras has no backend (neither tensorflow nor torch installed)"
    return None


def worker_env() -> dict:
    """This process's environment with the caller's OpenMP wait policy (see above)."""
    env = dict(os.environ)
    env.pop("OMP_WAIT_POLICY", None)
    if CALLER_OMP_WAIT_POLICY is not None:
        env["OMP_WAIT_POLICY"] = CALLER_OMP_WAIT_POLICY
    return env


def spawn_worker(fw: str, family: int, args, data_path: str, rss_epochs: int) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", fw, "--family", str(family),
           "--data", data_path, "--threads", str(args.threads), "--epochs", str(args.epochs),
           "--rss-epochs", str(rss_epochs), "--numba-threads", str(args.numba_threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=worker_env())
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("RESULT:"):
            return json.loads(line[len("RESULT:"):])
    return {"error": f"worker exited with {proc.returncode}: {proc.stderr[-600:]}"}


def merge_rounds(rounds: list[dict]) -> dict:
    """One result per (framework, family) from several rounds: medians of the rates.

    ``train_sps``, ``train_sps_ftz`` and ``predict_sps`` become the median over
    the rounds that produced them (each round's value, itself a median of
    epochs, is kept in ``*_rounds``); peak RSS is the largest of the rounds.
    """
    ok = [r for r in rounds if "configs" in r]
    if not ok:
        return rounds[0]
    merged = dict(ok[0])
    merged["rounds"] = len(ok)
    merged["peak_rss_mib"] = max(r.get("peak_rss_mib", 0.0) for r in ok)
    rates = [r["sgemm_gflops"] for r in ok if r.get("sgemm_gflops")]
    if rates:
        merged["sgemm_gflops_rounds"] = rates
    configs = {}
    for key in ok[0]["configs"]:
        rows = [r["configs"].get(key, {}) for r in ok]
        row = dict(rows[0])
        for name in ("train_sps", "train_sps_ftz", "predict_sps"):
            values = [c[name] for c in rows if c.get(name)]
            if values:
                row[name] = statistics.median(values)
                row[f"{name}_rounds"] = values
        if "train_sps" in row:
            row.pop("error", None)
        configs[key] = row
    merged["configs"] = configs
    return merged


# ====================================================================== machine
def machine_info() -> dict:
    info = {"platform": platform.platform(), "python": platform.python_version(),
            "nproc": os.cpu_count()}
    try:
        info["lscpu"] = subprocess.run(["lscpu"], capture_output=True, text=True,
                                       timeout=10).stdout.splitlines()[:15]
    except (OSError, subprocess.SubprocessError):
        info["lscpu"] = []
    try:
        info["loadavg_start"] = os.getloadavg()
    except OSError:
        pass
    return info


def sgemm_gflops(n: int) -> float:
    """NumPy SGEMM rate (the BLAS nnlite uses), from ``nnlite.bench.sgemm_gflops``.

    Measured in a subprocess with the workers' threads and OpenMP wait policy:
    this process does not import nnlite (it sets its own OpenMP policy on import).
    """
    code = f"from nnlite.bench import sgemm_gflops; print(sgemm_gflops({n}))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, env=worker_env(), check=True)
    return float(proc.stdout.split()[-1])


STARTUP_CODE = r"""
import time
t0 = time.perf_counter()
import numpy as np
import nnlite as keras
t_import = time.perf_counter() - t0
model = keras.models.Sequential([keras.layers.Flatten(input_shape=[28, 28]),
    keras.layers.Dense(300, activation="relu"), keras.layers.Dense(100, activation="relu"),
    keras.layers.Dense(10, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
x = np.random.default_rng(0).random((32, 28, 28), dtype=np.float32)
y = np.arange(32) % 10
model.fit(x, y, batch_size=32, epochs=1, verbose=0)
print(t_import, time.perf_counter() - t0)
"""


def startup_times() -> dict:
    """import + build + first step in fresh processes; the last run has a warm cache."""
    runs = []
    for _ in range(3):
        proc = subprocess.run([sys.executable, "-c", STARTUP_CODE], capture_output=True,
                              text=True, cwd=REPO)
        try:
            t_import, t_total = map(float, proc.stdout.split()[-2:])
        except ValueError:
            return {"error": proc.stderr[-400:]}
        runs.append({"import_s": t_import, "total_s": t_total})
    return {"runs": runs, "warm_total_s": min(r["total_s"] for r in runs[1:]),
            "warm_import_s": min(r["import_s"] for r in runs[1:])}


def prepare_data(args, path: str) -> dict:
    import numpy as np
    if args.quick or args.random_data:
        rng = np.random.default_rng(0)
        n, nt = (args.samples or 256), 512
        x = rng.random((n, 28, 28), dtype=np.float32)
        xt = rng.random((nt, 28, 28), dtype=np.float32)
        y, yt = rng.integers(0, 10, n).astype(np.uint8), rng.integers(0, 10, nt).astype(np.uint8)
        source = "random"
    else:
        from nnlite.datasets import fashion_mnist
        (x_all, y_all), (xt, yt) = fashion_mnist.load_data()
        n = args.samples or 20000
        x = (x_all[:n] / np.float32(255)).astype(np.float32)
        y = y_all[:n]
        xt = (xt / np.float32(255)).astype(np.float32)
        source = "Fashion-MNIST"
    np.savez(path, x=x, y=y, xt=xt, yt=yt)
    return {"source": source, "train_samples_per_epoch": len(x), "test_samples": len(xt)}


# ======================================================================= report
def ratio(a, b):
    return a / b if a and b else None


def fmt_k(v) -> str:
    return "—" if v is None else f"{v / 1000:.1f}k"


def fmt_x(v) -> str:
    return "—" if v is None else f"{v:.2f}×"


def collect_rows(results: dict) -> list[dict]:
    rows = []
    for family, configs in CONFIGS.items():
        for opt, bs in configs:
            key = f"{opt} b{bs}"
            row = {"family": family, "config": key}
            for fw in FRAMEWORKS:
                r = results.get(fw, {}).get(str(family), {})
                c = r.get("configs", {}).get(key, {}) if isinstance(r, dict) else {}
                row[fw] = c.get("train_sps")
                row[f"{fw}_error"] = c.get("error") or r.get("error")
                if fw == "pytorch":
                    row["pytorch_ftz"] = c.get("train_sps_ftz")
            row["vs_pytorch"] = ratio(row["nnlite"], row["pytorch"])
            row["vs_pytorch_ftz"] = ratio(row["nnlite"], row["pytorch_ftz"])
            row["vs_keras"] = ratio(row["nnlite"], row["keras"])
            rows.append(row)
    return rows


def check_targets(report: dict) -> list[dict]:
    """The issue's targets, each with the measured value and met/missed."""
    rows = {(r["family"], r["config"]): r for r in report["rows"]}
    targets = []

    def add(name, value, need, higher=True):
        met = None if value is None else (value >= need if higher else value <= need)
        targets.append({"target": name, "value": value, "need": need, "met": met})

    for key, need in (("sgd b32", 1.5), ("adam b32", 1.5), ("sgd b256", 1.3),
                      ("adam b256", 1.3)):
        r = rows[(1, key)]
        add(f"model 1 {key}: nnlite/PyTorch", r["vs_pytorch"], need)
        if key == "adam b32":
            add("model 1 adam b32: nnlite/PyTorch-with-FTZ", r["vs_pytorch_ftz"], need)
            add("model 1 adam b32: nnlite samples/s", r["nnlite"], 27000)
        add(f"model 1 {key}: nnlite/Keras", r["vs_keras"], 3.0)
    for key in ("sgd b256", "adam b256"):
        add(f"model 1 {key}: fraction of FLOP bound", ratio(rows[(1, key)]["nnlite"],
                                                            report["model1_flop_bound_sps"]), 0.6)
    for family in (2, 3, 4):
        for opt, bs in CONFIGS[family]:
            r = rows[(family, f"{opt} b{bs}")]
            add(f"model {family} {opt} b{bs}: nnlite/PyTorch", r["vs_pytorch"], 1.2)
    for family in CONFIGS:
        nn_res = report["results"].get("nnlite", {}).get(str(family), {})
        trained = any("train_sps" in c for c in nn_res.get("configs", {}).values())
        nn_rss = nn_res.get("peak_rss_mib") if trained else None  # not if nnlite failed
        pt_rss = report["results"].get("pytorch", {}).get(str(family), {}).get("peak_rss_mib")
        add(f"model {family}: peak RSS nnlite/PyTorch", ratio(nn_rss, pt_rss), 1.0, higher=False)
    rss = report["results"].get("nnlite", {}).get("1", {}).get("rss_check")
    if rss:
        add(f"RSS growth over {rss['epochs']} epochs (%)", rss["growth_pct"], 5.0, higher=False)
    for family in CONFIGS:
        nn_p = report["predict"].get(family, {}).get("nnlite")
        pt_p = report["predict"].get(family, {}).get("pytorch")
        add(f"model {family}: predict b1024 nnlite/PyTorch", ratio(nn_p, pt_p), 1.0)
    add("start-up (import + build + first step, warm cache), s",
        report["startup"].get("warm_total_s"), 2.0, higher=False)
    return targets


def markdown(report: dict) -> str:
    lines = ["| model | config | nnlite | PyTorch | PyTorch FTZ | Keras | nnlite/PyTorch "
             "| nnlite/Keras |", "|---|---|---|---|---|---|---|---|"]
    for r in report["rows"]:
        nn = fmt_k(r["nnlite"]) if r["nnlite"] else "n/a"
        lines.append(f"| {r['family']} | {r['config']} | {nn} | {fmt_k(r['pytorch'])} | "
                     f"{fmt_k(r['pytorch_ftz'])} | {fmt_k(r['keras'])} | "
                     f"{fmt_x(r['vs_pytorch'])}"
                     + (f" ({fmt_x(r['vs_pytorch_ftz'])} vs FTZ)" if r["vs_pytorch_ftz"] else "")
                     + f" | {fmt_x(r['vs_keras'])} |")
    lines += ["", "| model | predict b1024 nnlite | PyTorch | Keras | peak RSS nnlite | PyTorch "
              "| Keras |", "|---|---|---|---|---|---|---|"]
    for family in CONFIGS:
        p = report["predict"].get(family, {})
        rss = [report["results"].get(fw, {}).get(str(family), {}).get("peak_rss_mib")
               for fw in FRAMEWORKS]
        lines.append(f"| {family} | {fmt_k(p.get('nnlite'))} | {fmt_k(p.get('pytorch'))} | "
                     f"{fmt_k(p.get('keras'))} | "
                     + " | ".join("—" if v is None else f"{v:.0f} MiB" for v in rss) + " |")
    lines += ["", "| target | measured | needed | |", "|---|---|---|---|"]
    for t in report["targets"]:
        v = t["value"]
        shown = "—" if v is None else f"{v:.3g}"
        mark = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
        sign = "≥" if "RSS" not in t["target"] and "start-up" not in t["target"] else "≤"
        lines.append(f"| {t['target']} | {shown} | {sign} {t['need']:g} | {mark} |")
    return "\n".join(lines)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny random data, 1 timed epoch")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", help="write the full results to this file")
    p.add_argument("--samples", type=int, default=0,
                   help="training images per epoch (default 20000; 256 with --quick)")
    p.add_argument("--epochs", type=int, default=0, help="timed epochs (default 3; 1 quick)")
    p.add_argument("--rounds", type=int, default=0,
                   help="rounds of every framework per model, medians reported "
                        "(default 3; 1 quick)")
    p.add_argument("--rss-epochs", type=int, default=-1,
                   help="epochs of the nnlite RSS-growth run (default 50; 3 quick; 0 = off)")
    p.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    p.add_argument("--models", default="1,2,3,4")
    p.add_argument("--random-data", action="store_true")
    p.add_argument("--numba-threads", type=int, default=0,
                   help="numba's pool only (default: --threads); an experiment knob")
    p.add_argument("--no-startup", action="store_true")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--family", type=int, help=argparse.SUPPRESS)
    p.add_argument("--data", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.epochs = args.epochs or (1 if args.quick else 3)
    args.rounds = args.rounds or (1 if args.quick else 3)
    if args.rss_epochs < 0:
        args.rss_epochs = 3 if args.quick else 50
    set_threads(args.threads)
    if args.numba_threads:
        os.environ["NUMBA_NUM_THREADS"] = str(args.numba_threads)
    if args.worker:
        if args.worker != "nnlite":
            assert "nnlite" not in sys.modules  # nnlite changes OpenMP settings on import
        worker(args)
        return {}

    started = time.perf_counter()
    report: dict = {"command": " ".join([os.path.relpath(__file__, REPO)] + sys.argv[1:]),
                    "threads": args.threads, "numba_threads": args.numba_threads or args.threads,
                    "machine": machine_info(),
                    "timed_epochs": args.epochs, "warmup_epochs": 1, "rounds": args.rounds}
    fws = [f.strip() for f in args.frameworks.split(",") if f.strip()]
    families = [int(m) for m in args.models.split(",")]
    report["sgemm_gflops_start"] = sgemm_gflops(256 if args.quick else 2048)
    print(f"SGEMM (NumPy, {args.threads} threads): {report['sgemm_gflops_start']:.0f} GFLOP/s "
          f"({MODEL1_FLOPS / 1e6:.2f} MFLOP per model-1 sample)", flush=True)
    report["startup"] = {} if args.no_startup else startup_times()
    if report["startup"].get("warm_total_s") is not None:
        print(f"start-up (import + build + first step, warm): "
              f"{report['startup']['warm_total_s']:.2f} s", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        data_path = os.path.join(tmp, "data.npz")
        report["data"] = prepare_data(args, data_path)
        results: dict = {fw: {} for fw in fws}
        reasons = {fw: framework_available(fw) for fw in fws}
        runnable = [fw for fw in fws if not reasons[fw]]
        for fw in fws:
            if reasons[fw]:
                results[fw] = {str(f): {"error": reasons[fw]} for f in families}
        # Frameworks side by side in time, round after round (the load drifts), each
        # round starting with another framework; the reported rate is the median.
        for family in families:
            rounds: dict = {fw: [] for fw in runnable}
            for r in range(args.rounds):
                k = r % max(len(runnable), 1)
                for fw in runnable[k:] + runnable[:k]:
                    t0 = time.perf_counter()
                    rounds[fw].append(spawn_worker(fw, family, args, data_path,
                                                   args.rss_epochs if r == 0 else 0))
                    print(f"  round {r + 1}/{args.rounds} {fw:8s} model {family}: "
                          f"{time.perf_counter() - t0:6.1f} s", flush=True)
            for fw in runnable:
                results[fw][str(family)] = merge_rounds(rounds[fw])
    report["results"] = results
    # The FLOP bound: median of the SGEMM rates measured in this run (at the start and
    # in each round's nnlite model-1 worker, right after its training).
    rates = [report["sgemm_gflops_start"]] + [
        r for r in results.get("nnlite", {}).get("1", {}).get("sgemm_gflops_rounds", [])]
    report["sgemm_gflops_all"] = rates
    report["sgemm_gflops"] = statistics.median(rates)
    report["model1_flops_per_sample"] = MODEL1_FLOPS
    report["model1_flop_bound_sps"] = report["sgemm_gflops"] * 1e9 / MODEL1_FLOPS
    print(f"SGEMM median of {len(rates)} measurements: {report['sgemm_gflops']:.0f} GFLOP/s "
          f"→ model 1 bound {report['model1_flop_bound_sps'] / 1000:.0f}k samples/s",
          flush=True)
    report["rows"] = [r for r in collect_rows(results) if r["family"] in families]
    report["predict"] = {}
    for family in families:
        first = "{} b{}".format(*CONFIGS[family][0])
        report["predict"][family] = {
            fw: results.get(fw, {}).get(str(family), {}).get("configs", {}).get(first, {})
            .get("predict_sps") for fw in fws}
    report["targets"] = check_targets(report) if families == [1, 2, 3, 4] else []
    report["nnlite_backend"] = results.get("nnlite", {}).get("1", {}).get("backend")
    try:
        report["machine"]["loadavg_end"] = os.getloadavg()
    except OSError:
        pass
    report["total_s"] = time.perf_counter() - started
    report["markdown"] = markdown(report)
    print(report["markdown"])
    errors = sorted({f"{fw}: {r[f'{fw}_error']}" for r in report["rows"] for fw in fws
                     if r.get(f"{fw}_error")})
    for e in errors:
        print("  n/a —", e)
    from bench_utils import write_report  # benchmarks/ is on sys.path when run as a script
    write_report(report, args.json)
    return report


if __name__ == "__main__":
    main()
