"""Every tutorial runs top to bottom in quick mode and writes the figures it names.

``NNLITE_TUTORIAL_QUICK=1`` shrinks data and epochs; figures go to a
temporary ``NNLITE_TUTORIAL_FIGURES`` directory.  A tutorial names each figure
it writes as ``FIGURES / "NN_name.png"``; all of them must exist afterwards.
Matplotlib's "Glyph … missing from font" warning is an error: without a
Korean font every label must fall back to English (``nnlite.plot.label``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parent.parent / "tutorials"
TUTORIALS = sorted(FOLDER.glob("[0-9][0-9]_*.py"))
FIGURE_NAME = re.compile(r'FIGURES\s*/\s*f?"([^"{}]+\.png)"')
KOREAN_TERM = re.compile(r"\(([\uac00-\ud7a3][\uac00-\ud7a3 ]*)[,)]")


def test_there_are_tutorials_and_a_readme():
    assert [p.name[:2] for p in TUTORIALS][:9] == [f"{k:02d}" for k in range(1, 10)]
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for path in TUTORIALS:
        assert path.name in readme, f"{path.name} is not listed in tutorials/README.md"
        for figure in FIGURE_NAME.findall(path.read_text(encoding="utf-8")):
            assert figure[:-4] in readme, f"{figure} is not listed in tutorials/README.md"


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_tutorial_runs_in_quick_mode(path: Path, tmp_path: Path):
    source = path.read_text(encoding="utf-8")
    assert source.startswith("# ---\n# jupyter:") and "# %% [markdown]" in source
    assert len(set(KOREAN_TERM.findall(source))) >= 5, "give the Korean term of key concepts"
    expected = set(FIGURE_NAME.findall(source))
    assert expected, f"{path.name} writes no figure"
    assert all(name.startswith(path.name[:3]) for name in expected)
    env = {**os.environ, "NNLITE_TUTORIAL_QUICK": "1", "NNLITE_TUTORIAL_FIGURES": str(tmp_path),
           "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0",
           "PYTHONWARNINGS": "error:Glyph:UserWarning",
           # tiny matrices: one BLAS thread is faster, and does not oversubscribe the CPU
           "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    written = {p.name for p in tmp_path.glob("*.png")}
    assert expected <= written, f"missing figures: {sorted(expected - written)}"
