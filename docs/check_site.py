"""Open pages of the built site in headless Chromium and check what a reader sees.

    python docs/check_site.py [docs/_build/html]

For each page below, Chromium loads it from disk (no network), runs its
JavaScript, and the rendered DOM (``--dump-dom``) is checked:

* equations: MathJax's output (``mjx-chtml`` elements) is there, there is no
  "Math Processing Error", and no raw LaTeX (``\\frac``, ``\\sigma`` …) is
  left in the page's text — MathJax 2 keeps the source only inside
  ``<script type="math/tex">`` elements, which are not shown (code blocks and
  printed outputs, ``<pre>``, show LaTeX source on purpose and are not checked);
* a tutorial page shows its figures: at least one ``<img>`` per figure the
  tutorial writes, each an existing, non-empty PNG of the site.

Exits 1 with one line per failure; 0 when everything is seen. Needs Chromium
(Debian: ``apt-get install -y chromium``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: page → the LaTeX commands its equations use (none may be left unrendered)
MATH_PAGES = {
    "api/optimizers.html": [r"\frac", r"\sqrt", r"\beta"],
    "api/layers.html": [r"\frac", r"\gamma", r"\varphi"],
    "topics/batch-normalization-and-clipping.html": [r"\frac", r"\gamma"],
    "tutorials/04_batch_norm_and_clipping.html": [r"\frac", r"\gamma"],
}
FIGURE_PAGES = {
    "tutorials/01_perceptron_and_mlp.html": "01_perceptron_and_mlp.py",
    "tutorials/04_batch_norm_and_clipping.html": "04_batch_norm_and_clipping.py",
}
FIGURE_NAME = re.compile(r'FIGURES\s*/\s*f?"([^"{}]+\.png)"')


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if path := shutil.which(name):
            return path
    sys.exit("check_site: Chromium not found (Debian: apt-get install -y chromium)")


def rendered_dom(browser: str, page: Path) -> str:
    """The page's DOM after its scripts ran (up to 30 s of virtual time)."""
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--virtual-time-budget=30000",
               "--dump-dom", page.resolve().as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0 or "<html" not in result.stdout:
        raise RuntimeError(f"chromium failed on {page}: {result.stderr[-500:]}")
    return result.stdout


def visible_text(dom: str) -> str:
    """The page's text outside scripts and ``<pre>`` blocks (code and printed outputs,
    where LaTeX source is shown on purpose, e.g. ``print(layer.equations)``)."""
    return re.sub(r"<(script|pre)\b.*?</\1>", "", dom, flags=re.S | re.I)


def check_math(dom: str, page: str, commands: list[str]) -> list[str]:
    problems = []
    rendered = len(re.findall(r'class="mjx-chtml', dom))
    if rendered == 0:
        problems.append(f"{page}: no equation rendered by MathJax (no mjx-chtml element)")
    if "Math Processing Error" in dom:
        problems.append(f"{page}: MathJax reports 'Math Processing Error'")
    text = visible_text(dom)
    for command in commands:
        if command in text:
            problems.append(f"{page}: raw LaTeX {command} left in the rendered page")
    return problems


def check_figures(dom: str, site: Path, page: str, tutorial: str) -> list[str]:
    source = (ROOT / "tutorials" / tutorial).read_text(encoding="utf-8")
    expected = set(FIGURE_NAME.findall(source))
    images = re.findall(r'<img\b[^>]*\bsrc="([^"]+\.png)"', dom)
    problems = []
    if len(images) < len(expected):
        problems.append(f"{page}: {len(images)} figures shown, the tutorial draws {len(expected)}")
    for src in images:
        file = (site / page).parent / src
        if not file.is_file() or file.stat().st_size < 1000:
            problems.append(f"{page}: figure {src} is missing or empty")
    return problems


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else ROOT / "docs" / "_build" / "html")
    browser = chromium()
    problems: list[str] = []
    doms: dict[str, str] = {}
    for page in {**MATH_PAGES, **FIGURE_PAGES}:
        if not (site / page).is_file():
            problems.append(f"{page}: not built")
            continue
        doms[page] = rendered_dom(browser, site / page)
    for page, commands in MATH_PAGES.items():
        if page in doms:
            problems += check_math(doms[page], page, commands)
    for page, tutorial in FIGURE_PAGES.items():
        if page in doms:
            problems += check_figures(doms[page], site, page, tutorial)
    for problem in problems:
        print("check_site:", problem)
    if not problems:
        print(f"check_site: {len(doms)} pages opened in {Path(browser).name}: equations "
              "rendered by MathJax, tutorial figures shown")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
