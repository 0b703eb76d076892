"""The documentation site's sources: the glossary misses no Korean term, the
notebooks run anywhere, the README stays short.

The site itself is built and opened in a browser by ``.ci/run`` (Sphinx
executes every tutorial notebook through a Jupyter kernel; then
``docs/check_site.py``).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import korean_glossary  # noqa: E402

TUTORIALS = ROOT / "tutorials"


def test_every_korean_term_of_the_tutorials_is_in_the_glossary():
    terms = korean_glossary.korean_terms(TUTORIALS)
    in_glossary = {term.korean for term in terms}
    words = " ".join(in_glossary)
    for path in korean_glossary.tutorial_files(TUTORIALS):
        missing = {run for run in korean_glossary.hangul_runs(path) if run not in words}
        assert not missing, f"{path.name}: Korean terms the glossary does not list: {missing}"
    assert all(term.english for term in terms), [t for t in terms if not t.english]


def test_glossary_links_the_terms_learners_look_up():
    names = {"batchnormalization": "nnlite.layers.BatchNormalization",
             "earlystopping": "nnlite.callbacks.EarlyStopping",
             "dropout": "nnlite.layers.Dropout"}
    terms = {t.korean: t for t in korean_glossary.korean_terms(TUTORIALS)}
    assert terms["배치 정규화"].english == "batch normalization (BN)"
    assert korean_glossary.nnlite_object(terms["배치 정규화"].english, names) == \
        "nnlite.layers.BatchNormalization"
    assert korean_glossary.nnlite_object(terms["조기 종료"].english, names) == \
        "nnlite.callbacks.EarlyStopping"
    for target in korean_glossary.OBJECTS.values():  # the hand-written links exist
        parts = target.split(".")
        for n in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:n]))
                break
            except ImportError:
                continue
        for part in parts[n:]:
            obj = getattr(obj, part)


@pytest.mark.skipif(importlib.util.find_spec("jupytext") is None,
                    reason="jupytext is in the docs extra: pip install -e '.[docs]'")
def test_notebook_first_cells_run_where_tutorial_utils_is_missing(tmp_path: Path):
    """A downloaded notebook, opened in an empty folder, writes tutorial_utils.py itself."""
    import nnlite_docs

    notebook = nnlite_docs.tutorial_notebook(TUTORIALS / "01_perceptron_and_mlp.py")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code[0].source == nnlite_docs.SETUP_CELL and "tutorial_utils" in code[1].source
    setup = code[0].source.replace("%matplotlib inline", "")  # an IPython magic
    script = "\n".join([setup, code[1].source, "import tutorial_utils",
                        "print(tutorial_utils.QUICK)"])
    env = {**os.environ, "NNLITE_TUTORIAL_QUICK": "1",
           "NNLITE_TUTORIAL_FIGURES": str(tmp_path / "figures"),
           "PYTHONPATH": str(ROOT)}  # nnlite importable, tutorials/ not on the path
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "True"
    assert (tmp_path / "tutorial_utils.py").read_text(encoding="utf-8") == \
        (TUTORIALS / "tutorial_utils.py").read_text(encoding="utf-8")


def test_readme_is_short_and_points_into_the_site():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) < 6 * 1024
    assert 'pip install -e ".[test]" && python -m nnlite demo' in readme
    assert "python -m sphinx -W -b html docs docs/_build/html" in readme
    assert (ROOT / "docs" / "_static" / "learning_curves.png").is_file()
