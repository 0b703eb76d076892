"""benchmarks/kernel_targets.py: the kernels' speed targets judged on a bench run."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from nnlite.bench import Row

_SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "kernel_targets.py"
_spec = importlib.util.spec_from_file_location("kernel_targets", _SCRIPT)
kernel_targets = importlib.util.module_from_spec(_spec)
sys.modules["kernel_targets"] = kernel_targets  # dataclasses look their module up
_spec.loader.exec_module(kernel_targets)


def _row(family, shape, backend, us, frac_peak=0.5):
    return Row(family, shape, backend, us, 1.0, "GB/s", None, frac_peak, None)


def test_targets_compare_the_best_backend_with_pytorch_and_numpy():
    rows = [_row("Adam", "10000000", "numba", 9000.0, frac_peak=0.8),
            _row("Adam", "10000000", "cython", 20000.0),
            _row("Adam", "10000000", "torch", 8000.0),
            _row("Adam", "10000000", "numpy", 100000.0),
            _row("dropout fwd", "4096x4096", "numba", 10000.0, frac_peak=0.5),
            _row("dropout fwd", "4096x4096", "torch", 150000.0)]
    compile_times = {"cold_s": 12.0, "cold_cpu_s": 11.0, "warm_s": 0.5, "warm_cpu_s": 0.5}
    judged = kernel_targets.targets(rows, {"bandwidth_gbs": 20.0}, compile_times)
    found = {t.name: t for t in judged}
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


def test_targets_are_judged_from_a_bench_json(tmp_path, capsys):
    rows = [_row("Adam", "10000000", "numba", 9000.0, frac_peak=0.8),
            _row("Adam", "10000000", "numpy", 100000.0)]
    path = tmp_path / "bench.json"
    path.write_text(json.dumps({"peaks": {"bandwidth_gbs": 20.0}, "compile": None,
                                "rows": [vars(r) for r in rows]}))
    assert kernel_targets.main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "Adam 10M: speed-up over NumPy with temporaries" in out and " met " in out
