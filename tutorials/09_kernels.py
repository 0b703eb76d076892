# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 9. One equation, four implementations (하나의 수식, 네 가지 구현)
#
# Every hot loop of nnlite — dense layers, batch norm, dropout, losses, the
# optimizer updates — is a **kernel (커널)** written four times:
#
# | backend | how it runs |
# |---|---|
# | `reference` | NumPy, reads like the equation; the **specification (명세)** |
# | `numba` | the same loop in Python, compiled to machine code by Numba's **JIT (실시간 컴파일)** |
# | `cython` | the same loop in Cython, compiled to C at install time, OpenMP threads |
# | `cuda` | the same loop as a GPU kernel (numba.cuda), one thread per element |
#
# The layers and optimizers never call a backend directly: they call
# `nnlite._kernels.<name>`, which forwards to the active backend.  This
# tutorial takes one equation — the **Adam update** — through the four
# implementations, checks that they agree, measures their speed, and shows
# how the choice of backend changes the speed of a whole training run.
# `NNLITE_TUTORIAL_QUICK=1` uses small sizes and short timings.

# %%
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from tutorial_utils import FIGURES, QUICK, load_fashion_mnist, pick, seconds_bars

import nnlite as keras
from nnlite import _kernels, bench, plot

status = keras.backends()
for name, state in status.items():
    print(f"{name:10s} {state}")
BACKENDS = [name for name, state in status.items() if state == "available"]
print("active backend:", keras.get_backend(), "— usable here:", BACKENDS)

# %% [markdown]
# ## 9.1 The equation (수식)
#
# Adam keeps, per weight, a decaying mean m of the gradients and a decaying
# mean v (the book's s) of their squares.  Its equations, the book's form and
# the folded one the kernels compute, are in `Adam`'s docstring:

# %%
print(keras.optimizers.Adam.equations)

# %% [markdown]
# The kernels compute the folded form (the bias corrections in one scalar
# α_t, as Keras does).  Here are the four implementations, read straight
# from nnlite's source files.
# The reference works on whole arrays; the three others loop over the
# elements — a loop that Numba and Cython compile and split across CPU
# threads (`prange`), and that CUDA runs as thousands of GPU threads
# (`cuda.grid(1)` is this thread's index).

# %%
KERNELS = Path(_kernels.__file__).parent


def show(path: Path, name: str) -> None:
    """Print the definition of ``name`` (with its decorators) from a source file."""
    if not path.exists():
        print(f"({path.name} is not installed with this copy of nnlite)")
        return
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(k for k, text in enumerate(lines) if re.match(rf"c?p?def {name}\(", text))
    start, end = line, line + 1
    while start > 0 and lines[start - 1].startswith("@"):
        start -= 1
    while end < len(lines) and (not lines[end] or lines[end][0] in " \t)"):
        end += 1
    print(f"--- {path.relative_to(KERNELS.parent.parent)}")
    print("\n".join(lines[start:end]).rstrip(), end="\n\n")


show(KERNELS / "reference" / "optimizers.py", "adam_update")
show(KERNELS / "numba_cpu" / "optimizers.py", "_adam")
show(KERNELS / "_cython" / "optimizers.pyx", "_adam")
show(KERNELS / "cuda" / "optimizers.py", "_adam")

# %% [markdown]
# The compiled versions also fuse AdamW's weight decay and AMSGrad into the
# same pass and flush subnormal numbers to zero (they are very slow on CPUs).
# Each loop sits in the module of the same name in its backend folder, next
# to the public function that checks the arguments, computes α_t and calls
# it, with the reference's signature: `adam_update(param, grad, m, v, lr,
# beta1, beta2, eps, t)`, updating its arrays **in place**.

# %% [markdown]
# ## 9.2 Do they agree? (결과 비교)
#
# The reference is the specification: every backend must give the same
# numbers, up to float32 rounding (the order of operations differs, and a
# compiled loop may use fused multiply-adds).  The test suite checks this for
# every kernel; here is Adam after 10 steps.

# %%
def adam_state(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(n).astype(np.float32),            # θ
            (rng.standard_normal(n) * 1e-2).astype(np.float32),   # g
            np.zeros(n, np.float32), np.zeros(n, np.float32)]     # m, v


def run_adam(backend: str, n: int = 10_000, steps: int = 10):
    param, grad, m, v = adam_state(n)
    kernel = _kernels.get_kernel("adam_update", backend)
    for t in range(1, steps + 1):
        kernel(param, grad, m, v, 1e-3, 0.9, 0.999, 1e-7, t)
    return param


reference = run_adam("reference")
for backend in BACKENDS:
    diff = np.abs(run_adam(backend) - reference).max()
    print(f"{backend:10s} max |θ − θ_reference| = {diff:.2e}")

# %% [markdown]
# Dropout is the strictest case: the **random mask** itself must be the same
# bit for bit, whatever the backend, so that a model trains identically
# everywhere.  nnlite draws it from a counter-based generator (SplitMix64 of
# the seed, the training step and the element's index) rather than from a
# stateful random-number generator:

# %%
masks = {b: _kernels.get_kernel("dropout_mask", b)((64, 300), 42, 7, 0.2) for b in BACKENDS}
print({b: bool(np.array_equal(mask, masks["reference"])) for b, mask in masks.items()},
      f"— {1 - masks['reference'].mean():.3f} of the units dropped (rate 0.2)")

# %% [markdown]
# ## 9.3 How fast? (속도)
#
# `nnlite.bench.median_time` times a call many times and keeps the median.
# Adam reads four arrays and writes three: it is **memory-bound (메모리 대역폭
# 제한)** — the time is the time to stream the arrays through memory, and
# the NumPy reference loses by making several passes (one per operation,
# with temporary arrays), where a compiled loop makes one.

# %%
sizes = pick([1_000, 30_000, 300_000], [1_000, 10_000, 100_000, 1_000_000, 10_000_000])
budget = pick(0.02, 0.3)


def adam_call(backend: str, n: int):
    """A zero-argument function doing one Adam step on n weights with ``backend``."""
    param, grad, m, v = adam_state(n)
    kernel = _kernels.get_kernel("adam_update", backend)
    return lambda: kernel(param, grad, m, v, 1e-3, 0.9, 0.999, 1e-7, 10)


times = {b: [bench.median_time(adam_call(b, n), min_repeats=3, budget_s=budget, warmup=1)
             for n in sizes] for b in BACKENDS}
for backend, ts in times.items():
    print(f"{backend:10s}", "  ".join(f"n={n:>9,d}: {t * 1e6:9.1f} µs"
                                      for n, t in zip(sizes, ts)))

fig = Figure(figsize=(7, 4.5))
ax = fig.subplots()
for k, (backend, ts) in enumerate(times.items()):
    ax.plot(sizes, np.array(ts) * 1e6, marker="o", color=f"C{k}", label=backend)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel(plot.label("number of weights", "가중치 수"))
ax.set_ylabel(plot.label("time per Adam step (µs)", "시간"))
ax.set_title("adam_update, float32, one call")
ax.grid(True, which="both", alpha=0.4)
ax.legend()
fig.tight_layout()
fig.savefig(FIGURES / "09_adam_scaling.png", dpi=100)
fig

# %% [markdown]
# For small arrays every backend pays a fixed cost per call (Python, thread
# start-up); for large ones the compiled loops win by a factor that depends
# on your memory bandwidth and core count.
#
# Other kernel families behave differently.  The dense layer's forward pass
# is a **matrix product (행렬 곱)** — every backend hands it to the same BLAS
# library, and fuses only the bias and activation that follow — so the gain
# there is small.  Batch norm and dropout are memory-bound like Adam.  The
# benchmark functions of `nnlite.bench` build each case; we time them on
# every backend and divide the reference's time by each backend's
# (`python -m nnlite.bench` runs the full benchmark, against PyTorch too).

# %%
def cases(backend: str) -> dict:
    """{label: zero-argument call} of four kernel families, arguments as in the reference."""
    rng = np.random.default_rng(0)
    n, d_in, d_out = pick((64, 256, 128), (256, 784, 300))
    x = rng.standard_normal((n, d_in)).astype(np.float32)
    W = (rng.standard_normal((d_in, d_out)) * 0.05).astype(np.float32)
    b, out = np.zeros(d_out, np.float32), np.empty((n, d_out), np.float32)
    h = rng.standard_normal(pick((256, 128), (4096, 1024))).astype(np.float32)
    gamma, beta = np.ones(h.shape[1], np.float32), np.zeros(h.shape[1], np.float32)
    k = {name: _kernels.get_kernel(name, backend)
         for name in ("dense_forward", "bn_forward_train", "dropout_forward")}
    return {f"dense forward\n{n}×{d_in}→{d_out}": lambda: k["dense_forward"](x, W, b, "relu",
                                                                             0.0, out),
            f"batch norm\n{h.shape[0]}×{h.shape[1]}": lambda: k["bn_forward_train"](
                h, gamma, beta, 1e-3),
            f"dropout\n{h.shape[0]}×{h.shape[1]}": lambda: k["dropout_forward"](h, 42, 7, 0.2),
            f"Adam\n{sizes[-1]:,d} weights": adam_call(backend, sizes[-1])}


timings = {b: {label: bench.median_time(call, 3, budget, 1) for label, call in cases(b).items()}
           for b in BACKENDS}
labels = list(timings["reference"])
speedups = {b: [timings["reference"][k] / timings[b][k] for k in labels] for b in BACKENDS}
for b, values in speedups.items():
    print(f"{b:10s}", "  ".join(f"{k.splitlines()[0]} ×{v:.1f}" for k, v in zip(labels, values)))
fig = Figure(figsize=(10, 4.5))
ax = fig.subplots()
width = 0.8 / len(BACKENDS)
for k, (backend, values) in enumerate(speedups.items()):
    bars = ax.bar(np.arange(len(labels)) + k * width, values, width, label=backend,
                  color=f"C{k}")
    ax.bar_label(bars, fmt="{:.1f}", fontsize=7)
ax.set_xticks(np.arange(len(labels)) + width * (len(BACKENDS) - 1) / 2, labels, fontsize=8)
ax.axhline(1, color="k", linewidth=0.6)
ax.set_ylabel(plot.label("speed-up over the NumPy reference", "속도 향상"))
ax.set_title("kernel speed by backend (higher is faster)")
ax.legend()
fig.tight_layout()
fig.savefig(FIGURES / "09_speedups.png", dpi=100)
fig

# %% [markdown]
# ## 9.4 The CUDA backend and its simulator (CUDA 시뮬레이터)
#
# On a machine with an NVIDIA GPU, `cuda` appears among the usable
# backends above and is timed like the others.  There the arrays must be
# copied to the GPU and back for each call from NumPy, so the GPU only wins
# on large arrays — or when the data stays on the device.
#
# Without a GPU the CUDA kernels can still be **run and tested**: Numba's CUDA
# simulator (`NUMBA_ENABLE_CUDASIM=1`, set before numba is imported)
# executes each GPU thread as a Python thread on the CPU.  It is thousands of
# times slower than a GPU — fine for checking correctness on tiny arrays,
# useless for speed; nnlite never picks it automatically.  We run it in a
# separate Python process, since the variable must be set before numba
# loads:

# %%
SIMULATOR_CHECK = r"""
import time, numpy as np
from nnlite import _kernels
rng = np.random.default_rng(0)
arrays = [rng.standard_normal(64).astype(np.float32) for _ in range(2)] + [
    np.zeros(64, np.float32), np.zeros(64, np.float32)]
ref = [a.copy() for a in arrays]
t0 = time.perf_counter()
_kernels.get_kernel("adam_update", "cuda")(*arrays, 1e-3, 0.9, 0.999, 1e-7, 1)
elapsed = time.perf_counter() - t0
_kernels.get_kernel("adam_update", "reference")(*ref, 1e-3, 0.9, 0.999, 1e-7, 1)
same_mask = np.array_equal(_kernels.get_kernel("dropout_mask", "cuda")((8, 8), 42, 7, 0.2),
                           _kernels.get_kernel("dropout_mask", "reference")((8, 8), 42, 7, 0.2))
print(f"simulated CUDA Adam on 64 weights: {elapsed * 1e3:.1f} ms, "
      f"max |diff| vs reference {np.abs(arrays[0] - ref[0]).max():.1e}, "
      f"dropout mask identical: {same_mask}")
"""
if "cuda" in BACKENDS:
    print("a real GPU is available: the cuda backend was timed above")
else:
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "PYTHONWARNINGS": "ignore"}
    result = subprocess.run([sys.executable, "-c", SIMULATOR_CHECK], env=env,
                            capture_output=True, text=True, timeout=300)
    print(result.stdout.strip() or result.stderr.strip()[-2000:])

# %% [markdown]
# ## 9.5 A whole training run per backend
#
# `keras.set_backend(name)` switches every kernel at once (the environment
# variable `NNLITE_BACKEND` does it at start-up; the default, `"auto"`, picks
# the fastest CPU backend that works).  The same model, the same seed, the
# same dropout masks, one epoch on Fashion-MNIST with each backend: the
# losses agree to two or three digits (float32 rounding differs between
# implementations and accumulates over hundreds of steps), the times do
# not.  The first call of a Numba kernel compiles it (a few seconds, then
# cached on disk); the timings below are of a second epoch.

# %%
(X_train, y_train), _, _, _ = load_fashion_mnist(n_train=pick(2000, 20000), n_valid=0,
                                                 n_test=0)
previous = keras.get_backend()
epoch_time, final_loss = {}, {}
try:
    for backend in BACKENDS:
        keras.set_backend(backend)
        keras.backend.clear_session()
        keras.utils.set_random_seed(42)
        model = keras.models.Sequential([
            keras.layers.Flatten(input_shape=[28, 28]),
            keras.layers.Dense(300, activation="relu", kernel_initializer="he_normal"),
            keras.layers.BatchNormalization(),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal"),
            keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
        model.fit(X_train, y_train, epochs=1, verbose=0, shuffle=False)  # warm-up
        t0 = time.perf_counter()
        history = model.fit(X_train, y_train, epochs=1, verbose=0, shuffle=False)
        epoch_time[backend] = time.perf_counter() - t0
        final_loss[backend] = history.history["loss"][-1]
finally:
    keras.set_backend(previous)
for backend in BACKENDS:
    print(f"{backend:10s} epoch {epoch_time[backend]:.2f} s, loss {final_loss[backend]:.6f}")

seconds_bars(epoch_time, plot.label("time per epoch (s)", "에포크당 시간"),
             f"300-100 MLP with BN and dropout, {len(X_train)} images, Adam",
             FIGURES / "09_training_time.png", figsize=(6, 4))

# %%
if QUICK:
    print("(quick mode: tiny sizes, so fixed per-call costs dominate these timings)")

# %% [markdown]
# **What you saw.** One equation, four spellings: array operations
# (NumPy), a loop compiled just in time (Numba), a loop compiled ahead of
# time (Cython), a loop run by one GPU thread per element (CUDA).  They agree
# to float32 rounding — the dropout masks bit for bit — and the loops win
# wherever NumPy would make several passes over memory.
