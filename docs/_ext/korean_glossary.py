"""The Korean terms the tutorials carry, read from the tutorials themselves.

The tutorials write the Korean term beside each key concept, in three forms::

    **batch normalization (배치 정규화, BN)**      a term in the text
    ## 4.4 Gradient clipping (그레이디언트 클리핑)   a section title
    plot.label("test error rate", "테스트 오차율")  a figure label

:func:`korean_terms` finds all of them, so the glossary page is built from the
tutorials at every documentation build and cannot drift from them;
:func:`hangul_runs` lists every run of Hangul in a tutorial, so a test can
check that none was missed.  Plain Python (no Sphinx): the tests import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HANGUL = "\uac00-\ud7a3"
_RUN = re.compile(f"[{HANGUL}][{HANGUL}0-9 &]*[{HANGUL}]|[{HANGUL}]")
_PAREN = re.compile(r"\(([^()]*[" + HANGUL + r"][^()]*)\)")
_LABEL = re.compile(r'label\(\s*f?"([^"]+)"\s*,\s*"([^"]*[' + HANGUL + r'][^"]*)"\s*\)')
_SECTION_NUMBER = re.compile(r"^[\d.]+\s+")
_BOUNDARY = re.compile(r"(\*\*|\||#|: |; |\. |, |\(|^)(?!.*(\*\*|\||#|: |; |\. |, |\())", re.S)

#: English terms whose nnlite object cannot be guessed from the name alone
OBJECTS = {
    "activation functions": "nnlite.activations",
    "auxiliary output": "nnlite.models.Model",
    "backpropagation": "nnlite.models.Model.fit",
    "cache the frozen layers": "nnlite.layers.Layer",
    "callbacks": "nnlite.callbacks.Callback",
    "clone": "nnlite.models.clone_model",
    "dead ReLU": "nnlite.layers.LeakyReLU",
    "decision boundary": "nnlite.plot.decision_boundary",
    "explode": "nnlite.optimizers.Optimizer",
    "explodes": "nnlite.optimizers.Optimizer",
    "freeze": "nnlite.layers.Layer",
    "unfreeze": "nnlite.layers.Layer",
    "functional API": "nnlite.models.Model",
    "GELU": "nnlite.activations.gelu",
    "Glorot": "nnlite.initializers.GlorotUniform",
    "gradient clipping": "nnlite.optimizers.Optimizer",
    "He": "nnlite.initializers.HeNormal",
    "LeCun": "nnlite.initializers.LecunNormal",
    "learning rate": "nnlite.optimizers.schedules",
    "loss": "nnlite.losses",
    "mean squared error": "nnlite.losses.MeanSquaredError",
    "Mish": "nnlite.activations.mish",
    "moving averages": "nnlite.layers.BatchNormalization",
    "multilayer perceptron": "nnlite.models.Sequential",
    "multiple inputs": "nnlite.models.Model",
    "numerical gradients": "nnlite.utils.check_gradients",
    "perceptron": "nnlite.perceptron.Perceptron",
    "perceptron learning rule": "nnlite.perceptron.perceptron_update",
    "regression MLP": "nnlite.models.Sequential",
    "save and restore": "nnlite.models.load_model",
    "self-normalizing": "nnlite.activations.selu",
    "sigmoid": "nnlite.activations.sigmoid",
    "softmax": "nnlite.activations.softmax",
    "subclassing API": "nnlite.models.Model",
    "Swish": "nnlite.activations.swish",
    "TensorBoard": "nnlite.callbacks.TensorBoard",
    "weight initialization": "nnlite.initializers.VarianceScaling",
}


@dataclass(frozen=True)
class Term:
    korean: str
    english: str
    tutorial: str  # the tutorial's file stem, e.g. "04_batch_norm_and_clipping"


def tutorial_files(folder: Path) -> list[Path]:
    return sorted(Path(folder).glob("[0-9][0-9]_*.py"))


def markdown_text(source: str) -> str:
    """The markdown cells of a jupytext percent file, without their ``# `` prefix."""
    cells, keep = [], False
    for line in source.splitlines():
        if line.startswith("# %%"):
            keep = "[markdown]" in line
            cells.append("")
        elif keep:
            cells[-1] += line[2:] + "\n" if line.startswith("# ") else "\n"
    return "\n".join(cells)


def _english_before(text: str) -> str:
    """The phrase that ends where the parenthesis starts."""
    line = text.rsplit("\n\n", 1)[-1].replace("\n", " ").rstrip()
    heading = text.rsplit("\n", 1)[-1]
    if heading.startswith("#"):  # a section title: its words since the last ")"
        phrase = re.split(r"[)#]", heading)[-1]
    elif line.endswith("**"):  # "**Hyperband** (하이퍼밴드)"
        phrase = line[:-2].rsplit("**", 1)[-1]
    else:
        match = _BOUNDARY.search(line)
        phrase = line[match.end():] if match else line
    phrase = _SECTION_NUMBER.sub("", phrase.strip(" *`#"))
    return re.sub(r"^(and\s+)?(the|a|an|why|model)\s+", "", phrase, flags=re.I).strip(" *:")


def _split(inside: str) -> tuple[str, str]:
    """Korean and other parts of a parenthesis.

    ``"배치 정규화, BN"`` → ("배치 정규화", "BN"); ``"**scale, 스케일**"`` → ("스케일", "scale").
    """
    parts = [p.strip(" *") for p in inside.split(",")]
    korean = ", ".join(" ".join(p.split()) for p in parts if re.search(f"[{HANGUL}]", p))
    other = ", ".join(p for p in parts if p and not re.search(f"[{HANGUL}]", p))
    return korean, other


def korean_terms(folder: Path) -> list[Term]:
    """Every (Korean, English) pair the tutorials in ``folder`` write, in order, no repeats."""
    terms: dict[tuple[str, str], Term] = {}
    for path in tutorial_files(folder):
        source = path.read_text(encoding="utf-8")
        text = markdown_text(source)
        for match in _PAREN.finditer(text):
            korean, other = _split(match.group(1))
            if match.group(1).lstrip().startswith("**"):  # "(**scale, 스케일**)"
                english = other
            else:
                english = _english_before(text[:match.start()])
                if other and english.lower() != other.lower():
                    english = f"{english} ({other})" if english else other
            terms.setdefault((korean, english.lower()), Term(korean, english, path.stem))
        for english, korean in _LABEL.findall(source):
            english = english.strip()
            terms.setdefault((korean.strip(), english.lower()),
                             Term(korean.strip(), english, path.stem))
    return list(terms.values())


def hangul_runs(path: Path) -> set[str]:
    """Every run of Hangul words in a tutorial file."""
    return {m.group(0).strip() for m in _RUN.finditer(path.read_text(encoding="utf-8"))}


def nnlite_object(english: str, names: dict[str, str]) -> str | None:
    """The public nnlite object a term stands for, or ``None``.

    ``names`` maps a squeezed lower-case name (``"batchnormalization"``) to the
    object's dotted path; the hand-written :data:`OBJECTS` come first.
    """
    base = re.sub(r"\s*\(.*\)$", "", english).strip()
    if base in OBJECTS:
        return OBJECTS[base]
    return names.get(re.sub(r"[^a-z0-9]", "", base.lower()))
