"""Grade an exercise: run it with its learner cell replaced — by the solution, by a
planted mistake, or by a learner's own cell — and read the check's verdict.

Every exercise ``NN_name.py`` is a jupytext percent script whose learner writes
one cell, tagged ``# %% tags=["learner"]``; the cell tagged ``check`` makes
``report`` with one call of ``nnlite.check_*``.  ``solutions/NN_name.py`` holds
that cell filled in; ``mistakes/NN_name.py`` holds cells headed
``# %% mistake="short_name" expect="words"``, each an edit of the solution whose
check must fail with ``words`` in its message.  A mistake cell is comments only:
what the mistake is, then one or more replacements, each found exactly once in
the solution (as edited by the replacements before it) or grading stops::

    # %% mistake="bias_gradient_averaged" expect="a mean over the batch"
    # Averages the bias gradient over the batch: the loss already divides by N.
    # replace: self.bias.grad[...] = grad_output.sum(axis=0)
    # with:    self.bias.grad[...] = grad_output.mean(axis=0)

Text after ``replace:`` / ``with:`` on the same line is one line (surrounding
spaces dropped); a bare ``# replace:`` or ``# with:`` starts a block of whole
lines, each written ``# `` + the line as it is (indentation kept), up to the next
``# replace:`` / ``# with:`` or the end of the cell.  An empty ``with:`` deletes.

Command line (from the repository root)::

    python exercises/grade.py                          # every exercise, solution and mistakes
    python exercises/grade.py 05_inverted_dropout      # one exercise
    python exercises/grade.py 05 submission.ipynb      # a learner's notebook (or .py)

A submission is graded by its learner cell only (the rest of the notebook is
taken from the exercise), with the check and then the training run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEARNER, CHECK = "learner", "check"
_CELL = re.compile(r"^# %%(?P<markdown> \[markdown\])?(?P<meta>.*)$")
_META = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\[[^\]]*\])')
#: what every skeleton's NotImplementedError says
NOT_YET = "not implemented yet"
#: what the check of an unmodified skeleton reports: the checks skip the cases that
#: raise NotImplementedError, and fail when every case does
SKELETON_FAILS_WITH = "NotImplementedError"


# ------------------------------------------------------------------ reading
@dataclass
class Cell:
    markdown: bool
    source: str
    meta: dict = field(default_factory=dict)

    @property
    def tags(self) -> list[str]:
        return self.meta.get("tags", [])


@dataclass
class Mistake:
    name: str
    expect: str
    code: str


@dataclass
class Verdict:
    """What the check cell said: ``passed`` and the report's text (or the error's)."""

    passed: bool
    message: str


def exercise_names() -> list[str]:
    return sorted(p.stem for p in HERE.glob("[0-9][0-9]_*.py"))


def exercise_path(name: str) -> Path:
    """``05`` or ``05_inverted_dropout`` → the exercise's path (clear error otherwise)."""
    matches = [n for n in exercise_names() if n == name or n.split("_")[0] == name]
    if len(matches) != 1:
        raise ValueError(f"no exercise {name!r}; the exercises are {exercise_names()}")
    return HERE / f"{matches[0]}.py"


def read_cells(text: str) -> list[Cell]:
    """The cells of a jupytext percent script (the text before the first one dropped)."""
    cells: list[Cell] = []
    for line in text.splitlines():
        head = _CELL.match(line)
        if head:
            meta = {key: json.loads(value) for key, value in _META.findall(head["meta"])}
            cells.append(Cell(bool(head["markdown"]), "", meta))
        elif cells:
            cells[-1].source += line + "\n"
    for cell in cells:
        cell.source = cell.source.strip("\n") + "\n"
    return cells


def _tagged(cells: list[Cell], tag: str, where: str) -> int:
    found = [k for k, cell in enumerate(cells) if tag in cell.tags]
    if len(found) != 1:
        raise ValueError(f"{where}: expected one cell tagged {tag!r}, found {len(found)}")
    return found[0]


def solution_code(name: str) -> str:
    return (HERE / "solutions" / exercise_path(name).name).read_text(encoding="utf-8")


_EDIT = re.compile(r"^# (?P<kind>replace|with):(?P<rest>.*)$")


def read_replacements(source: str, where: str) -> list[tuple[str, str]]:
    """The ``(old, new)`` pairs a mistake cell lists (see the module docstring)."""
    blocks: list[tuple[str, list[str]]] = []
    open_block: list[str] | None = None  # the lines of a bare "# replace:" / "# with:"
    for line in source.splitlines():
        edit = _EDIT.match(line)
        if not line.strip():  # a blank line ends a block
            open_block = None
            continue
        if not line.startswith("#"):
            raise ValueError(f"{where}: a mistake cell holds comments only, found {line!r}")
        if edit:
            rest = edit["rest"].strip()
            blocks.append((edit["kind"], [rest] if rest else []))
            open_block = None if rest else blocks[-1][1]
        elif open_block is not None:
            open_block.append(line[2:] if line.startswith("# ") else line[1:])
        elif blocks:
            raise ValueError(f"{where}: {line!r} follows a one-line replace/with; the "
                             "explanation goes first, a block starts with a bare '# replace:'")
    kinds = [kind for kind, _ in blocks]
    if not kinds or kinds != ["replace", "with"] * (len(kinds) // 2):
        raise ValueError(f"{where}: expected pairs of '# replace:' then '# with:', "
                         f"found {kinds or 'none'}")
    texts = ["\n".join(lines).strip("\n") for _, lines in blocks]
    return list(zip(texts[::2], texts[1::2]))


def apply_replacements(solution: str, replacements: list[tuple[str, str]],
                       where: str) -> str:
    """The solution with each ``old`` (found exactly once) replaced by ``new``, in order."""
    for old, new in replacements:
        found = solution.count(old) if old else 0
        if found != 1:
            raise ValueError(f"{where}: the text to replace is "
                             f"{'not in' if not found else f'{found} times in'} the solution "
                             f"(edit the mistake to match the solution): {old!r}")
        solution = solution.replace(old, new)
    return solution


def mistakes(name: str) -> list[Mistake]:
    """The planted mistakes, each the solution with its replacements made."""
    path = HERE / "mistakes" / exercise_path(name).name
    solution = solution_code(name)
    planted = []
    for cell in read_cells(path.read_text(encoding="utf-8")):
        if "mistake" not in cell.meta:
            continue
        where = f"{path.relative_to(HERE)}, mistake {cell.meta['mistake']!r}"
        replacements = read_replacements(cell.source, where)
        code = apply_replacements(solution, replacements, where)
        planted.append(Mistake(cell.meta["mistake"], cell.meta["expect"], code))
    return planted


def skeleton_code(name: str) -> str:
    cells = read_cells(exercise_path(name).read_text(encoding="utf-8"))
    return cells[_tagged(cells, LEARNER, name)].source


def submitted_code(path: Path) -> str:
    """The learner cell of a learner's notebook (``.ipynb``) or jupytext script."""
    if path.suffix == ".ipynb":
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = [Cell(c["cell_type"] == "markdown", "".join(c["source"]).strip("\n") + "\n",
                      c.get("metadata", {})) for c in notebook["cells"]]
    else:
        cells = read_cells(path.read_text(encoding="utf-8"))
    return cells[_tagged(cells, LEARNER, str(path))].source


def code_cells(name: str, code: str | None = None, upto_check: bool = False) -> list[str]:
    """The exercise's code cells, the learner cell replaced by ``code`` (if given),
    up to and including the check cell when ``upto_check``."""
    cells = read_cells(exercise_path(name).read_text(encoding="utf-8"))
    learner, check = _tagged(cells, LEARNER, name), _tagged(cells, CHECK, name)
    if code is not None:
        cells[learner] = Cell(False, code, cells[learner].meta)
    if upto_check:
        cells = cells[:check + 1]
    return [cell.source for cell in cells if not cell.markdown]


# ------------------------------------------------------------------ checking
def needs_own_process(name: str) -> bool:
    """True when the exercise switches numba's CUDA simulator on (it must be on before
    numba is imported, and would stay on here) and this process is not already in it."""
    if "NUMBA_ENABLE_CUDASIM" not in exercise_path(name).read_text(encoding="utf-8"):
        return False
    if "numba" not in sys.modules:  # it will be imported in the simulator only if asked
        return os.environ.get("NUMBA_ENABLE_CUDASIM") != "1"
    from numba import config
    return not config.ENABLE_CUDASIM


@contextlib.contextmanager
def _exercise_folder_importable() -> Iterator[None]:
    sys.path.insert(0, str(HERE))
    try:
        yield
    finally:
        sys.path.remove(str(HERE))


def check_here(name: str, code: str) -> Verdict:
    """Run the exercise up to its check cell in this process, with ``code`` as the
    learner cell.  A skeleton's NotImplementedError is a failed check; any other
    exception propagates (a crash, not a verdict)."""
    namespace = {"__name__": "__main__"}
    with _exercise_folder_importable(), contextlib.redirect_stdout(io.StringIO()):
        try:
            for k, source in enumerate(code_cells(name, code, upto_check=True)):
                exec(compile(source, f"<{name} cell {k}>", "exec"), namespace)
        except NotImplementedError as exc:
            return Verdict(False, f"NotImplementedError: {exc}")
    report = namespace["report"]
    return Verdict(bool(report.passed), str(report))


def check_variants(name: str) -> dict[str, Verdict]:
    """Verdicts of the skeleton, the solution and every planted mistake, by name
    (``skeleton``, ``solution``, then the mistakes' names)."""
    if needs_own_process(name):
        env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
        proc = subprocess.run([sys.executable, __file__, name, "--json"], env=env,
                              capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(f"grading {name} in a subprocess failed:\n{proc.stderr[-3000:]}")
        return {k: Verdict(**v) for k, v in json.loads(proc.stdout.splitlines()[-1]).items()}
    variants = {"skeleton": skeleton_code(name), "solution": solution_code(name)}
    variants.update({m.name: m.code for m in mistakes(name)})
    return {label: check_here(name, code) for label, code in variants.items()}


def check_submission(name: str, code: str) -> Verdict:
    """The verdict on one learner cell (in a subprocess when the exercise needs one)."""
    name = exercise_path(name).stem
    if not needs_own_process(name):
        return check_here(name, code)
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
    script = (f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import grade; "
              f"v = grade.check_here({name!r}, sys.stdin.read()); print(json.dumps(v.__dict__))")
    proc = subprocess.run([sys.executable, "-c", script], input=code, env=env,
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"grading {name} in a subprocess failed:\n{proc.stderr[-3000:]}")
    return Verdict(**json.loads(proc.stdout.splitlines()[-1]))


# ------------------------------------------------------------------ whole runs
def kernel_available() -> bool:
    """Can notebooks run in a Jupyter kernel here (nbclient, nbformat, ipykernel)?"""
    try:
        import ipykernel  # noqa: F401
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class Run:
    """What a whole exercise printed, and the error that stopped it (None: it finished)."""

    output: str
    error: str | None


def _groups(names: list[str]) -> list[list[str]]:
    """Exercises that may share one Python, and each one that switches the CUDA
    simulator on (numba must be imported after it) alone."""
    fresh = [n for n in names if "NUMBA_ENABLE_CUDASIM" in exercise_path(n).read_text("utf-8")]
    shared = [n for n in names if n not in fresh]
    return ([shared] if shared else []) + [[n] for n in fresh]


def _in_kernel(items: dict[str, list[str]], timeout: int) -> dict[str, Run]:
    """One notebook in one Jupyter kernel: each exercise after ``%reset -f`` (a fresh
    namespace; imported modules, and so the loaded data, stay); errors recorded."""
    import nbclient
    import nbformat

    cells, owner = [], []
    for name, sources in items.items():
        for source in ["%reset -f", *sources]:
            cells.append(nbformat.v4.new_code_cell(source))
            owner.append(name)
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nbclient.NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            allow_errors=True,
                            resources={"metadata": {"path": str(HERE)}}).execute()
    runs = {name: Run("", None) for name in items}
    for cell, name in zip(notebook.cells, owner):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and runs[name].error is None:
                runs[name].error = "\n".join([*out.get("traceback", []),
                                              f"{out['ename']}: {out['evalue']}"])
            runs[name].output += out.get("text", "")
    return runs


_SCRIPT = """
import contextlib, io, json, sys, traceback
results = {}
for name, sources in json.loads(sys.stdin.read()).items():
    namespace, printed, error = {"__name__": "__main__"}, io.StringIO(), None
    try:
        with contextlib.redirect_stdout(printed):
            for k, source in enumerate(sources):
                exec(compile(source, f"<{name} cell {k}>", "exec"), namespace)
    except BaseException:
        error = traceback.format_exc()
    results[name] = {"output": printed.getvalue(), "error": error}
print(json.dumps(results))
"""


def _in_subprocess(items: dict[str, list[str]], timeout: int) -> dict[str, Run]:
    """One fresh Python running each exercise in its own namespace; errors recorded."""
    proc = subprocess.run([sys.executable, "-c", _SCRIPT], input=json.dumps(items), cwd=HERE,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(
                              [str(HERE), os.environ.get("PYTHONPATH", "")])},
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"running {list(items)} failed:\n{proc.stderr[-4000:]}")
    return {k: Run(**v) for k, v in json.loads(proc.stdout.splitlines()[-1]).items()}


def run_exercises(codes: dict[str, str], timeout: int = 600) -> dict[str, Run]:
    """Run whole exercises, each with its learner cell replaced by ``codes[name]``:
    in a Jupyter kernel when one is installed, else in a plain Python; the exercises
    share one process, each in a fresh namespace (the CUDA one gets its own)."""
    run = _in_kernel if kernel_available() else _in_subprocess
    runs: dict[str, Run] = {}
    for group in _groups(list(codes)):
        runs.update(run({n: code_cells(n, codes[n]) for n in group}, timeout))
    return runs


# ------------------------------------------------------------------ command line
def _grade_exercise(name: str) -> bool:
    ok = True
    for label, verdict in check_variants(name).items():
        expected_pass = label == "solution"
        expect = {m.name: m.expect for m in mistakes(name)}.get(label, SKELETON_FAILS_WITH)
        good = verdict.passed if expected_pass else (
            not verdict.passed and expect in verdict.message)
        ok &= good
        print(f"  {'ok  ' if good else 'FAIL'} {label:40s} "
              f"{'passed' if verdict.passed else 'failed'}"
              + ("" if expected_pass else f" (message names {expect!r}: "
                 f"{expect in verdict.message})"))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exercise", nargs="?", help="e.g. 05 or 05_inverted_dropout")
    parser.add_argument("submission", nargs="?", type=Path,
                        help="a learner's .ipynb or .py: grade its learner cell")
    parser.add_argument("--json", action="store_true",
                        help="print the verdicts of every variant as one JSON line")
    args = parser.parse_args(argv)
    if args.submission is not None:
        code = submitted_code(args.submission)
        try:
            verdict = check_submission(args.exercise, code)
        except Exception as exc:  # the learner's cell itself does not run
            print(f"the learner cell of {args.submission} raised {type(exc).__name__}: {exc}")
            return 1
        if not verdict.passed:
            print(verdict.message)
            return 1
        name = exercise_path(args.exercise).stem
        run = run_exercises({name: code})[name]
        print(run.output if run.error is None else run.error)
        return 0 if run.error is None else 1
    if args.json:
        verdicts = check_variants(exercise_path(args.exercise).stem)
        print(json.dumps({k: v.__dict__ for k, v in verdicts.items()}))
        return 0
    names = [exercise_path(args.exercise).stem] if args.exercise else exercise_names()
    ok = True
    for name in names:
        print(name)
        ok &= _grade_exercise(name)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
