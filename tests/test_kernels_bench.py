"""Smoke test of ``python -m nnlite.bench --quick`` (tiny shapes, no timing asserts)."""

from __future__ import annotations

import json

from nnlite import bench


def test_bench_quick_runs_and_writes_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert bench.main(["--quick", "--no-compile", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "dense fwd" in text and "Adam" in text and "dropout" in text
    data = json.loads(out.read_text())
    assert {row["family"] for row in data["rows"]} >= {"dense fwd", "BN fwd", "Adam"}
