"""Sphinx extension for nnlite's documentation site.

* **Notebooks.** Before Sphinx reads its sources, every jupytext tutorial
  ``tutorials/NN_name.py`` becomes two notebooks: ``docs/tutorials/NN_name.ipynb``,
  the page (myst-nb executes it through a Jupyter kernel), and
  ``docs/tutorials/download/NN_name.ipynb``, the file learners download.
  Both start with a set-up cell that makes them run anywhere (see
  :data:`SETUP_CELL`), then a hidden cell that writes ``tutorial_utils.py``
  next to the notebook when it is not importable.  Each exercise
  ``exercises/NN_name.py`` becomes a download only,
  ``docs/tutorials/download/exercises/NN_name.ipynb`` (not executed: its
  learner cell raises until filled in), whose second cell writes
  ``exercise_utils.py``.
* ``{korean-glossary}`` — the table of Korean terms, read from the tutorials
  at build time (``korean_glossary.py``).
* ``{nnlite-equations} nnlite.layers.BatchNormalization`` — a class's
  ``Equations`` docstring section, rendered, with a link to its API entry.
* **MathJax offline.** MathJax 2 from Debian's ``libjs-mathjax`` (or the
  folder in ``$NNLITE_MATHJAX_DIR``) is copied into ``_static/mathjax`` of the
  built site, so equations render without a network; ``conf.py`` points
  ``mathjax_path`` there.
"""

from __future__ import annotations

import importlib
import inspect
import os
import shutil
from pathlib import Path

import jupytext
import korean_glossary
import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[2]
TUTORIALS = ROOT / "tutorials"
DOCS = ROOT / "docs"
NOTEBOOKS = DOCS / "tutorials"
DOWNLOADS = NOTEBOOKS / "download"
EXERCISES = ROOT / "exercises"
EXERCISE_DOWNLOADS = DOWNLOADS / "exercises"

#: MathJax 2 files the site needs (TeX input, CommonHTML output, its web fonts)
MATHJAX_FILES = ["MathJax.js", "config/TeX-AMS_CHTML-full.js", "jax/input/TeX",
                 "jax/output/CommonHTML", "jax/element", "extensions",
                 "fonts/HTML-CSS/TeX/woff", "localization/en"]
MATHJAX_CONFIG = "TeX-AMS_CHTML-full"

SETUP_CELL = '''\
# Set-up: this cell makes the notebook run anywhere (the nnlite repository,
# Jupyter, a fresh Colab session). It installs nnlite when it is missing
# (NNLITE_PIP_SPEC: what pip installs, e.g. a git URL or a downloaded sdist),
# and shows figures under the cells.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("nnlite") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    os.environ.get("NNLITE_PIP_SPEC", "nnlite")], check=True)
%matplotlib inline'''

def helper_cell(module: str, folder: str, what: str) -> str:
    """The hidden cell that writes ``module``.py (its text: ``.format(source=...)``) next
    to a downloaded notebook, unless it is importable (as in the repository)."""
    constant = module.upper()
    return (f"# {module}.py — the {folder}' shared set-up ({what}).\n"
            f"# In the repository it sits next to the {folder}; anywhere else this\n"
            "# cell writes it next to the notebook.\n"
            "import importlib\nfrom pathlib import Path\n\n"
            f"{constant} = {{source!r}}\n"
            f'if importlib.util.find_spec("{module}") is None:\n'
            f'    Path("{module}.py").write_text({constant}, encoding="utf-8")\n'
            "    importlib.invalidate_caches()")


UTILS_CELL = helper_cell("tutorial_utils", "tutorials",
                         "quick mode, figure folder, data loading")
EXERCISE_UTILS_CELL = helper_cell("exercise_utils", "exercises",
                                  "quick mode, the book's data and model")


# ------------------------------------------------------------------ notebooks
def tutorial_notebook(path: Path, utils_cell: str = UTILS_CELL,
                      utils_path: Path = TUTORIALS / "tutorial_utils.py"
                      ) -> nbformat.NotebookNode:
    """The notebook learners download: the set-up cells, then the tutorial (or the
    exercise, with ``EXERCISE_UTILS_CELL`` and ``exercise_utils.py``)."""
    notebook = jupytext.read(path, fmt="py:percent")
    utils = utils_path.read_text(encoding="utf-8")
    setup = nbformat.v4.new_code_cell(SETUP_CELL)
    setup.metadata["tags"] = ["setup"]
    helper = nbformat.v4.new_code_cell(utils_cell.format(source=utils))
    helper.metadata.update({"tags": ["hide-input"], "jupyter": {"source_hidden": True}})
    title = 1 if notebook.cells and notebook.cells[0].cell_type == "markdown" else 0
    notebook.cells[title:title] = [setup, helper]
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                       "name": "python3"}
    notebook.metadata.pop("jupytext", None)
    return notebook


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def write_notebooks(app: Sphinx) -> None:
    # each build's notebooks write tutorial_utils.py afresh, as in an empty folder
    (NOTEBOOKS / "tutorial_utils.py").unlink(missing_ok=True)
    for path in korean_glossary.tutorial_files(TUTORIALS):
        notebook = tutorial_notebook(path)
        _write_if_changed(DOWNLOADS / f"{path.stem}.ipynb", nbformat.writes(notebook) + "\n")
        links = nbformat.v4.new_markdown_cell(
            f"{{download}}`Download this notebook <download/{path.stem}.ipynb>` "
                        f"(or the jupytext script: {{download}}`{path.name} "
                        f"<../../tutorials/{path.name}>`). This page was executed in quick mode "
                        "(`NNLITE_TUTORIAL_QUICK=1`: less data, fewer epochs) when the site "
                        "was built.")
        page = nbformat.from_dict(notebook)
        page.cells.insert(1, links)
        _write_if_changed(NOTEBOOKS / f"{path.stem}.ipynb", nbformat.writes(page) + "\n")
    for path in sorted(EXERCISES.glob("[0-9][0-9]_*.py")):
        notebook = tutorial_notebook(path, EXERCISE_UTILS_CELL, EXERCISES / "exercise_utils.py")
        _write_if_changed(EXERCISE_DOWNLOADS / f"{path.stem}.ipynb",
                          nbformat.writes(notebook) + "\n")


# ------------------------------------------------------------------ MathJax
def mathjax_source() -> Path | None:
    for folder in (os.environ.get("NNLITE_MATHJAX_DIR"), "/usr/share/javascript/mathjax"):
        if folder and (Path(folder) / "MathJax.js").exists():
            return Path(folder)
    return None


def check_mathjax(app: Sphinx, config) -> None:
    if config.nnlite_mathjax == "local" and mathjax_source() is None:
        raise ConfigError(
            "MathJax for offline use was not found: install Debian's libjs-mathjax "
            "(apt-get install -y libjs-mathjax) or set NNLITE_MATHJAX_DIR to a MathJax 2 "
            "folder; or build with NNLITE_DOCS_MATHJAX=cdn to load it from the network")


def copy_mathjax(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    if app.config.nnlite_mathjax != "local":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for name in MATHJAX_FILES:
        src, dst = source / name, target / name
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)


# ------------------------------------------------------------------ directives
def parse_rest(directive: SphinxDirective, lines: list[str], source: str) -> list[nodes.Node]:
    """reST text as nodes, also inside a MyST page (docstrings are reST)."""
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    document = new_document(source, directive.state.document.settings)
    Parser().parse("\n".join(lines), document)
    return document.children


def _public_names() -> dict[str, str]:
    """Squeezed lower-case name → dotted path, for the glossary's links."""
    names: dict[str, str] = {}
    for module_name in ("nnlite.layers", "nnlite.callbacks", "nnlite.optimizers",
                        "nnlite.optimizers.schedules", "nnlite.initializers", "nnlite.losses",
                        "nnlite.regularizers", "nnlite.constraints", "nnlite.wrappers",
                        "nnlite.activations", "nnlite.utils"):
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", None) or dir(module):
            if not name.startswith("_"):
                names.setdefault(name.replace("_", "").lower(), f"{module_name}.{name}")
    return names


class KoreanGlossary(SphinxDirective):
    """The table of the tutorials' Korean terms, sorted in Korean order."""

    def run(self):
        for path in korean_glossary.tutorial_files(TUTORIALS):
            self.env.note_dependency(str(path))
        names = _public_names()
        rows = [".. list-table::", "   :header-rows: 1", "   :widths: 22 38 25 15", "",
                "   * - 한국어", "     - English", "     - nnlite", "     - tutorial"]
        terms = sorted(korean_glossary.korean_terms(TUTORIALS), key=lambda t: (t.korean, t.english))
        for term in terms:
            target = korean_glossary.nnlite_object(term.english, names)
            rows += [f"   * - {term.korean}", f"     - {term.english or '—'}",
                     f"     - :py:obj:`~{target}`" if target else "     - —",
                     f"     - :doc:`{term.tutorial[:2]} </tutorials/{term.tutorial}>`"]
        return [nodes.container("", *parse_rest(self, rows, "korean-glossary"),
                                classes=["korean-glossary"])]


class ClassEquations(SphinxDirective):
    """``{nnlite-equations} dotted.Name`` — the ``Equations`` section of a class docstring."""

    required_arguments = 1

    def run(self):
        from nnlite.equations import equations_section

        module_name, _, name = self.arguments[0].rpartition(".")
        cls = getattr(importlib.import_module(module_name), name)
        section = equations_section(inspect.cleandoc(cls.__doc__ or ""))
        if not section:
            raise self.error(f"{self.arguments[0]} has no Equations section in its docstring")
        lines = [f":py:obj:`{self.arguments[0]}` (API reference)", "", *section.splitlines()]
        return [nodes.container("", *parse_rest(self, lines, self.arguments[0]),
                                classes=["nnlite-equations"])]


def skip_generated_members(app, what, name, obj, skip, options):
    """scikit-learn's generated ``set_fit_request`` & co.: documented by scikit-learn."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app: Sphinx) -> dict:
    app.connect("autodoc-skip-member", skip_generated_members)
    app.add_config_value("nnlite_mathjax", "local", "html")
    app.connect("config-inited", check_mathjax)
    app.connect("builder-inited", write_notebooks)
    app.connect("build-finished", copy_mathjax)
    app.add_directive("korean-glossary", KoreanGlossary)
    app.add_directive("nnlite-equations", ClassEquations)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
