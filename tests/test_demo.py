"""The main job, ``python -m nnlite demo``: trains, prints a progress bar, writes the plot."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nnlite import __main__ as cli
from nnlite import datasets, demo
from nnlite.datasets import DatasetUnavailableError


def test_demo_on_digits_trains_and_writes_the_learning_curves(tmp_path, capsys):
    result = demo.main(["--dataset", "digits", "--epochs", "8", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "Total params: 50,610" in out                    # 64 → 300 → 100 → 10
    assert "Epoch 8/8" in out and "val_accuracy:" in out and "[====" in out
    assert "test accuracy:" in out
    assert result["dataset"] == "digits" and result["epochs"] == 8
    assert result["test_accuracy"] > 0.85
    assert (tmp_path / "learning_curves.png").stat().st_size > 10_000
    saved = json.loads((tmp_path / "history.json").read_text())
    assert set(saved["history"]) >= {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}


def test_demo_falls_back_to_digits_in_one_line(tmp_path, capsys, monkeypatch):
    def unavailable():
        raise DatasetUnavailableError("fashion_mnist: not found and download failed\ndetails")
    monkeypatch.setattr(datasets.fashion_mnist, "load_data", unavailable)
    result = demo.main(["--epochs", "1", "--out", str(tmp_path), "--verbose", "0"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("fashion_mnist unavailable (fashion_mnist: not found and download "
                        "failed); using scikit-learn's bundled digits instead")
    assert result["dataset"] == "digits"


def test_cli_usage_and_unknown_command(capsys):
    assert cli.main([]) == 0 and "demo" in capsys.readouterr().out
    assert cli.main(["nope"]) == 2 and "unknown command" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["info"]])
def test_cli_runs_as_a_module(argv):
    proc = subprocess.run([sys.executable, "-m", "nnlite", *argv], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "reference  available" in proc.stdout
