"""``python -m nnlite.bench``: the quick run, the kernel warm-up and the target check
(tiny shapes; no timing asserts)."""

from __future__ import annotations

import json

from nnlite import bench
from nnlite._kernels import reference as ref


def test_bench_quick_runs_and_writes_json_and_plot(tmp_path, capsys):
    out, png = tmp_path / "bench.json", tmp_path / "bench.png"
    argv = ["--quick", "--no-compile", "--backend", "reference", "--backend", "numba",
            "--json", str(out), "--plot", str(png)]
    assert bench.main(argv) == 0
    text = capsys.readouterr().out
    for word in ("dense fwd", "dense bwd", "BN fwd", "BN bwd", "Adam", "dropout fwd",
                 "GFLOP/s", "GB/s", "measured peaks"):
        assert word in text, word
    data = json.loads(out.read_text())
    assert {row["family"] for row in data["rows"]} == {"dense fwd", "dense bwd", "BN fwd",
                                                       "BN bwd", "Adam", "dropout fwd"}
    assert {row["backend"] for row in data["rows"]} >= {"reference", "numba", "numpy"}
    ref_rows = [r for r in data["rows"] if r["backend"] == "reference"]
    assert all(r["x_ref"] == 1.0 and r["us"] > 0 for r in ref_rows)
    assert png.stat().st_size > 1000


class _Recorder:
    """Stands in for a backend module and records which kernels are called."""

    def __init__(self):
        self.called: set[str] = set()

    def __getattr__(self, name):
        self.called.add(name)
        return getattr(ref, name)


def test_compile_warm_up_calls_every_kernel():
    rec = _Recorder()
    bench.touch_all_kernels(rec)
    assert rec.called == set(ref.__all__)


def _row(family, shape, backend, us, frac_peak=0.5):
    return bench.Row(family, shape, backend, us, 1.0, "GB/s", None, frac_peak, None)


def test_targets_compare_the_best_backend_with_pytorch_and_numpy():
    rows = [_row("Adam", "10000000", "numba", 9000.0, frac_peak=0.8),
            _row("Adam", "10000000", "cython", 20000.0),
            _row("Adam", "10000000", "torch", 8000.0),
            _row("Adam", "10000000", "numpy", 100000.0),
            _row("dropout fwd", "4096x4096", "numba", 10000.0, frac_peak=0.5),
            _row("dropout fwd", "4096x4096", "torch", 150000.0)]
    compile_times = {"cold_s": 12.0, "cold_cpu_s": 11.0, "warm_s": 0.5, "warm_cpu_s": 0.5}
    found = {t.name: t for t in bench.targets(rows, {"bandwidth_gbs": 20.0}, compile_times)}
    adam = found["Adam 10000000: time / PyTorch"]
    assert adam.value == 9000 / 8000 and not adam.met and "numba" in adam.detail
    assert found["Adam 10M: speed-up over NumPy with temporaries"].value == 100000 / 9000
    assert found["Adam 10M: speed-up over NumPy with temporaries"].met
    assert found["dropout 4096x4096: speed-up over PyTorch"].met
    assert found["Adam 10000000: time / bandwidth bound"].met  # 1/0.8 = 1.25 ≤ 1.5
    assert not found["dropout fwd 4096x4096: time / bandwidth bound"].met  # 2.0 > 1.5
    assert not found["numba cold start, every kernel (wall s)"].met
    assert found["numba warm start, every kernel (wall s)"].met
    assert "BN fwd 4096x1024: time / PyTorch" not in found  # no rows, no verdict
