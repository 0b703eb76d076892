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
    # every model and configuration trains (Adam, Nadam, BatchNormalization, Dropout)
    for key, row in rows.items():
        assert row["nnlite"] and row["nnlite"] > 0, (key, row["nnlite_error"])
    assert len(report["sgemm_gflops_all"]) == 2  # at the start and after model 1's round
    assert "| model | config | nnlite |" in report["markdown"]
    assert "nnlite/PyTorch" in proc.stdout


def test_rounds_are_merged_into_medians():
    bench = _load_module()
    rounds = [{"version": "x", "peak_rss_mib": rss, "sgemm_gflops": g,
               "configs": {"sgd b32": {"train_sps": sps, "predict_sps": p},
                           "adam b32": {"error": "boom"}}}
              for rss, g, sps, p in ((100.0, 200.0, 10.0, 5.0), (120.0, 220.0, 30.0, 7.0),
                                     (110.0, 210.0, 20.0, 6.0))]
    merged = bench.merge_rounds(rounds + [{"error": "worker died"}])
    assert merged["rounds"] == 3 and merged["peak_rss_mib"] == 120.0
    assert merged["sgemm_gflops_rounds"] == [200.0, 220.0, 210.0]
    row = merged["configs"]["sgd b32"]
    assert row["train_sps"] == 20.0 and row["train_sps_rounds"] == [10.0, 30.0, 20.0]
    assert row["predict_sps"] == 6.0
    assert merged["configs"]["adam b32"] == {"error": "boom"}
    assert bench.merge_rounds([{"error": "no torch"}]) == {"error": "no torch"}


LOAD_SCRIPT = os.path.join(ROOT, "benchmarks", "load_speed.py")


def test_load_speed_runs_with_nnlite_only(tmp_path):
    """benchmarks/load_speed.py end to end: no busy process, a few steps, nnlite only."""
    out = tmp_path / "load.json"
    proc = subprocess.run(
        [sys.executable, LOAD_SCRIPT, "--variants", "nnlite,nnlite-1", "--loads", "none",
         "--steps", "4", "--steps-256", "2", "--repeats", "1", "--json", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(out.read_text())
    assert [(r["load"], r["config"]) for r in report["rows"]] == [
        ("none", "sgd b32"), ("none", "adam b32"), ("none", "sgd b256"), ("none", "adam b256")]
    for row in report["rows"]:
        assert row["sps"]["nnlite"] > 0 and row["sps"]["nnlite-1"] > 0
        assert row["of_idle"]["nnlite"] == 1.0 and row["vs_pytorch"] is None
    assert report["predict"]["none"]["nnlite"] > 0
    assert "| load | config | nnlite | nnlite 1 thr |" in report["markdown"]
