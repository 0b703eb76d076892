"""The exercises in ``exercises/`` grade what they should.

For every exercise (``exercises/grade.py`` does the work):

* its unmodified skeleton fails the check, which says NotImplementedError (not a crash);
* each planted mistake (``exercises/mistakes/``) fails the check, and the check's
  message contains the words the mistake declares (``expect``);
* its solution (``exercises/solutions/``) passes the check, and the whole exercise
  then trains the book's model with the learner's code to a finite loss — in a
  Jupyter kernel when nbclient and ipykernel are installed (the docs extra), else
  in a plain Python.

Checks run in this process, up to the check cell (the CUDA exercise in a
subprocess: it switches numba's simulator on); whole runs in quick mode
(``NNLITE_TUTORIAL_QUICK=1``: 512 images, one epoch).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import nnlite

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
sys.path.insert(0, str(EXERCISES))

import grade  # noqa: E402

NAMES = grade.exercise_names()
KOREAN = re.compile(r"\(([\uac00-\ud7a3][\uac00-\ud7a3 ]*)[,)]")
checkers = pytest.mark.skipif(
    not hasattr(nnlite, "check_kernels"),
    reason="nnlite.check_kernels / check_layer / register_backend are not in this nnlite")


@pytest.fixture(scope="module", autouse=True)
def quick_mode():
    """Quick mode for every run (the kernels and subprocesses inherit it)."""
    before = os.environ.get("NNLITE_TUTORIAL_QUICK")
    os.environ["NNLITE_TUTORIAL_QUICK"] = "1"
    yield
    if before is None:
        del os.environ["NNLITE_TUTORIAL_QUICK"]
    else:
        os.environ["NNLITE_TUTORIAL_QUICK"] = before


def test_every_exercise_has_its_parts():
    assert len(NAMES) >= 10
    assert [n[:2] for n in NAMES] == [f"{k:02d}" for k in range(1, len(NAMES) + 1)]
    for name in NAMES:
        source = (EXERCISES / f"{name}.py").read_text(encoding="utf-8")
        assert source.startswith("# ---\n# jupyter:"), name
        cells = grade.read_cells(source)
        assert sum(grade.LEARNER in c.tags for c in cells) == 1, name
        assert sum(grade.CHECK in c.tags for c in cells) == 1, name
        check = next(c for c in cells if grade.CHECK in c.tags).source
        assert len(re.findall(r"\bcheck_(kernels|layer|optimizer)\(", check)) == 1, name
        assert grade.NOT_YET in grade.skeleton_code(name), name
        assert KOREAN.search(source), f"{name}: give the Korean term of the key concept"
        assert (EXERCISES / "solutions" / f"{name}.py").is_file(), name
        planted = grade.mistakes(name)
        assert len(planted) >= 2 and all(m.expect for m in planted), name
        assert len({m.name for m in planted}) == len(planted), name


def test_no_exercise_copies_an_equation():
    """The equations are printed from their class docstrings, never retyped."""
    import test_equations  # the one-copy rule's own helpers

    texts = {p: re.sub(r"\s+|#", "", p.read_text(encoding="utf-8"))
             for p in sorted(EXERCISES.rglob("*.py"))}
    for pieces in test_equations._homes().values():
        for piece in pieces:
            copies = [p.name for p, text in texts.items() if piece in text]
            assert not copies, (piece, copies)


def _one_exercise(tmp_path: Path, mistakes_text: str, monkeypatch) -> None:
    """A folder with one exercise ``01_demo`` and its solution, as ``grade`` reads it."""
    for folder in ("solutions", "mistakes"):
        (tmp_path / folder).mkdir()
    (tmp_path / "01_demo.py").write_text("# %% tags=[\"learner\"]\n", encoding="utf-8")
    (tmp_path / "solutions" / "01_demo.py").write_text(
        "def step(x, lr):\n    y = x - lr\n    return y\n", encoding="utf-8")
    (tmp_path / "mistakes" / "01_demo.py").write_text(mistakes_text, encoding="utf-8")
    monkeypatch.setattr(grade, "HERE", tmp_path)


def test_a_mistake_is_the_solution_with_its_replacements(tmp_path: Path, monkeypatch):
    _one_exercise(tmp_path, '# %% mistake="sign" expect="sign flipped"\n'
                  "# The step climbs.\n"
                  "# replace: x - lr\n# with:    x + lr\n"
                  "# replace:\n#     return y\n# with:\n#     y = -y\n#\n#     return y\n",
                  monkeypatch)
    [mistake] = grade.mistakes("01")
    assert (mistake.name, mistake.expect) == ("sign", "sign flipped")
    assert mistake.code == "def step(x, lr):\n    y = x + lr\n    y = -y\n\n    return y\n"


@pytest.mark.parametrize("replace, problem", [("x * lr", "not in"), ("lr", "2 times in")])
def test_a_mistake_whose_text_is_not_found_once_fails_loudly(
        tmp_path: Path, monkeypatch, replace: str, problem: str):
    _one_exercise(tmp_path, '# %% mistake="sign" expect="sign flipped"\n'
                  f"# replace: {replace}\n# with:    x + lr\n", monkeypatch)
    expected = (re.escape(f"01_demo.py, mistake 'sign': the text to replace is {problem} "
                          "the solution") + ".*" + re.escape(repr(replace)))
    with pytest.raises(ValueError, match=expected):
        grade.mistakes("01")


@pytest.mark.parametrize("body, problem", [
    ("# replace: x - lr\n", "pairs of '# replace:' then '# with:'"),
    ("# with: x\n# replace: x - lr\n", "pairs of '# replace:' then '# with:'"),
    ("y = 1\n", "comments only"),
    ("# replace: x - lr\n# with: x + lr\n# why\n", "follows a one-line replace/with"),
])
def test_a_mistake_cell_that_cannot_be_read_fails_loudly(
        tmp_path: Path, monkeypatch, body: str, problem: str):
    _one_exercise(tmp_path, '# %% mistake="sign" expect="sign flipped"\n' + body, monkeypatch)
    with pytest.raises(ValueError, match=re.escape(problem)):
        grade.mistakes("01")


@pytest.mark.skipif(importlib.util.find_spec("jupytext") is None,
                    reason="jupytext is in the docs extra: pip install -e '.[docs]'")
def test_downloaded_notebook_keeps_the_learner_cell_and_writes_its_helper(tmp_path: Path):
    import nbformat

    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    import nnlite_docs

    name = NAMES[3]
    notebook = nnlite_docs.tutorial_notebook(EXERCISES / f"{name}.py",
                                             nnlite_docs.EXERCISE_UTILS_CELL,
                                             EXERCISES / "exercise_utils.py")
    nbformat.write(notebook, tmp_path / "work.ipynb")
    assert grade.submitted_code(tmp_path / "work.ipynb") == grade.skeleton_code(name)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert code[0] == nnlite_docs.SETUP_CELL and "exercise_utils" in code[1]
    subprocess.run([sys.executable, "-c", "import importlib.util\n" + code[1]], cwd=tmp_path,
                   check=True, timeout=60)
    assert (tmp_path / "exercise_utils.py").read_text(encoding="utf-8") == \
        (EXERCISES / "exercise_utils.py").read_text(encoding="utf-8")


@checkers
@pytest.mark.parametrize("name", NAMES)
def test_check_fails_on_skeleton_and_mistakes_and_passes_on_solution(name: str):
    verdicts = grade.check_variants(name)
    skeleton = verdicts.pop("skeleton")
    assert not skeleton.passed, skeleton.message
    assert grade.SKELETON_FAILS_WITH in skeleton.message, skeleton.message
    solution = verdicts.pop("solution")
    assert solution.passed, solution.message
    for mistake in grade.mistakes(name):
        verdict = verdicts[mistake.name]
        assert not verdict.passed, f"{mistake.name} passed the check:\n{verdict.message}"
        assert mistake.expect in verdict.message, (
            f"{mistake.name}: the check's message does not contain {mistake.expect!r}:\n"
            f"{verdict.message}")


@pytest.fixture(scope="module")
def solution_runs() -> dict[str, grade.Run]:
    return grade.run_exercises({name: grade.solution_code(name) for name in NAMES})


@checkers
@pytest.mark.parametrize("name", NAMES)
def test_solution_trains_the_book_model(name: str, solution_runs):
    run = solution_runs[name]
    assert run.error is None, run.error[-4000:]
    assert re.search(r"epoch 1: loss \d+\.\d+, validation loss \d", run.output), run.output
