"""Smoke test of ``benchmarks/train_speed.py``: it runs end to end (no timing asserted).

Tiny ``--quick`` mode on random data with nnlite only, so the script cannot
rot while the engine changes.  The real numbers are in ``benchmarks/README.md``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "benchmarks", "train_speed.py")


def _load_module():
    spec = importlib.util.spec_from_file_location("train_speed", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_model1_flop_count_matches_the_issue():
    bench = _load_module()
    # forward 2·Σ d_in·d_out, backward ∂W the same, ∂x for layers 2 and 3 only
    assert bench.MODEL1_FLOPS == 2 * 266_200 * 2 + 2 * (300 * 100 + 100 * 10) == 1_126_800


def test_quick_run_with_nnlite_only(tmp_path):
    out = tmp_path / "quick.json"
    proc = subprocess.run(
        [sys.executable, SCRIPT, "--quick", "--frameworks", "nnlite", "--no-startup",
         "--rss-epochs", "2", "--json", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report["data"]["source"] == "random"
    assert report["sgemm_gflops"] > 0 and report["model1_flop_bound_sps"] > 0
    rows = {(r["family"], r["config"]): r for r in report["rows"]}
    assert set(rows) == {(1, "sgd b32"), (1, "adam b32"), (1, "sgd b256"), (1, "adam b256"),
                         (2, "sgd b32"), (2, "sgd b256"), (3, "nadam b32"), (4, "sgd b32")}
    # model 1 with SGD needs only the core engine: it must train and predict
    assert rows[(1, "sgd b32")]["nnlite"] > 0
    model1 = report["results"]["nnlite"]["1"]
    assert model1["configs"]["sgd b32"]["predict_sps"] > 0
    assert model1["peak_rss_mib"] > 0
    assert model1["rss_check"]["epochs"] == 2
    # every other row either trained or says why not (a layer not written yet, ...)
    for row in rows.values():
        assert row["nnlite"] is not None or row["nnlite_error"]
    assert "| model | config | nnlite |" in report["markdown"]
    assert "nnlite/PyTorch" in proc.stdout
