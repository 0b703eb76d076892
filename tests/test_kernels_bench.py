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
