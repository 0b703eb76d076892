"""Sphinx configuration of nnlite's documentation site.

Build (from the repository root; warnings are errors)::

    pip install -e ".[docs]"
    python -m sphinx -W -b html docs docs/_build/html

Environment:

* ``NNLITE_DOCS_EXECUTE=off`` — do not execute the tutorial notebooks (a fast
  build to check the text; the tutorial pages then show no outputs).
* ``NNLITE_DOCS_MATHJAX=cdn`` — load MathJax from its CDN instead of the local
  copy (Debian's ``libjs-mathjax`` or ``$NNLITE_MATHJAX_DIR``).
* ``NNLITE_TUTORIAL_QUICK`` — 1 by default here: the notebooks run in quick mode.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))

import nnlite  # noqa: E402

# the notebooks' kernels inherit this environment
os.environ.setdefault("NNLITE_TUTORIAL_QUICK", "1")
os.environ.setdefault("NNLITE_TUTORIAL_FIGURES", str(DOCS / "_build" / "tutorial-figures"))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # tiny matrices in quick mode
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)

project = "nnlite"
author = "the nnlite authors"
copyright = "nnlite authors, MIT licence"
release = nnlite.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx.ext.intersphinx",
    "myst_nb",
    "nnlite_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "tutorials/download", "**.ipynb_checkpoints",
                    "tutorials/tutorial_utils.py"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["nnlite.css"]

# ---------------------------------------------------------------- docstrings
autodoc_default_options = {"members": True, "show-inheritance": True,
                           "member-order": "bysource"}
autodoc_typehints = "description"
autodoc_inherit_docstrings = False
autosummary_generate = False
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_custom_sections = [("Equations", "notes_style")]
napoleon_use_rtype = False
intersphinx_mapping = {}

# ---------------------------------------------------------------- math
nnlite_mathjax = os.environ.get("NNLITE_DOCS_MATHJAX", "local")
if nnlite_mathjax == "local":
    mathjax_path = "mathjax/MathJax.js?config=TeX-AMS_CHTML-full"
    # MyST marks its sections tex2jax_ignore and its own math with the class "math";
    # this tells MathJax 2 to render exactly that math (MyST configures only MathJax 3)
    mathjax2_config = {"CommonHTML": {"linebreaks": {"automatic": True}},
                       "messageStyle": "none",
                       "tex2jax": {"ignoreClass": "tex2jax_ignore|mathjax_ignore",
                                   "processClass": "tex2jax_process|mathjax_process|math"}}
    myst_update_mathjax = False

# ---------------------------------------------------------------- notebooks
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = os.environ.get("NNLITE_DOCS_EXECUTE", "force")
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

# ---------------------------------------------------------------- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"nnlite {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_last_updated_fmt = None
