r"""Reads the equations of a class from its docstring and prints them.

Every layer, activation, loss and optimizer writes its equations **once**, in
its own class docstring, under a section titled ``Equations``, as reST
``.. math::`` blocks with prose around them (the form Sphinx renders)::

    class Dense(Layer):
        r'''``units`` neurons, each connected to every input.

        Equations
        ---------
        Forward:

        .. math:: z = xW + b, \qquad a = \varphi(z)
        '''

``layer.equations`` (and ``optimizer.equations``, ``loss.equations``,
``activation.equations``, or the same on the class:
``keras.layers.Dense.equations``) is that section turned into a short
markdown text for a terminal or a notebook: a title line, then the prose,
each equation on its own line between ``$…$``.

>>> import nnlite as keras
>>> print(keras.layers.Dense(3, activation="relu").equations.splitlines()[0])
**Dense** — `units` neurons, each connected to every input: a = φ(xW + b).

A class whose docstring has no such section inherits the equations of its
nearest base class that has one; :func:`equations_for` returns ``""`` when
no class in the chain has any.
"""

from __future__ import annotations

import inspect
import re

__all__ = ["Equations", "equations_for", "equations_section", "render", "math_blocks",
           "owner_of_equations", "SECTION"]

#: the title of the docstring section that holds a class's equations
SECTION = "Equations"

_UNDERLINE = re.compile(r"^(-{3,}|={3,})$")
_MATH_DIRECTIVE = ".. math::"
_ROLE = re.compile(r":(?:class|mod|func|meth|attr|data|obj):`~?([^`]+)`")
_MATH_ROLE = re.compile(r":math:`([^`]+)`")


# ----------------------------------------------------------------- reading
def _own_docstring(cls: type) -> str:
    """The docstring written in ``cls`` itself (not inherited), cleaned."""
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def _is_header(lines: list[str], i: int) -> bool:
    """True when line i is a section title underlined by line i + 1."""
    return (i + 1 < len(lines) and lines[i].strip() != ""
            and not lines[i].startswith(" ")
            and _UNDERLINE.match(lines[i + 1].strip()) is not None)


def equations_section(docstring: str) -> str:
    """The lines of the ``Equations`` section of a (cleaned) docstring, or ``""``."""
    lines = docstring.splitlines()
    start = next((i + 2 for i in range(len(lines))
                  if lines[i].strip() == SECTION and _is_header(lines, i)), None)
    if start is None:
        return ""
    end = next((i for i in range(start, len(lines)) if _is_header(lines, i)), len(lines))
    return "\n".join(lines[start:end]).strip("\n")


def summary_line(docstring: str) -> str:
    """The first paragraph of a docstring, on one line."""
    paragraph = docstring.strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def owner_of_equations(cls: type) -> type | None:
    """The first class of ``cls``'s MRO whose own docstring has an Equations section."""
    for klass in cls.__mro__:
        if equations_section(_own_docstring(klass)):
            return klass
    return None


# --------------------------------------------------------------- rendering
def _inline(text: str) -> str:
    """reST inline markup → markdown: :math:`x` → $x$, :class:`~a.B` → B, ``x`` → `x`."""
    text = _MATH_ROLE.sub(r"$\1$", text)
    text = _ROLE.sub(lambda m: m.group(1).rsplit(".", 1)[-1], text)
    return text.replace("``", "`")


def _read_math_block(lines: list[str], i: int) -> tuple[list[str], int]:
    """The equations of the ``.. math::`` block starting at line i, and the next line.

    The block is the directive's own line plus the indented (or blank) lines
    after it; blank lines separate equations, as in Sphinx.
    """
    body = [lines[i][len(_MATH_DIRECTIVE):]]
    i += 1
    while i < len(lines) and (lines[i].strip() == "" or lines[i].startswith(" ")):
        body.append(lines[i])
        i += 1
    equations, current = [], []
    for line in body + [""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            equations.append(" ".join(current))
            current = []
    return equations, i


def math_blocks(section: str) -> list[str]:
    """Every equation of a section's ``.. math::`` blocks, each on one line."""
    lines, i, found = section.splitlines(), 0, []
    while i < len(lines):
        if lines[i].startswith(_MATH_DIRECTIVE):
            equations, i = _read_math_block(lines, i)
            found += equations
        else:
            i += 1
    return found


def _render_lines(section: str) -> list[str]:
    """Prose paragraphs on one line each; each equation as an indented ``$…$`` line."""
    lines, i, out, paragraph = section.splitlines(), 0, [], []

    def flush():
        if paragraph:
            out.append(_inline(" ".join(paragraph)))
            paragraph.clear()

    while i < len(lines):
        line = lines[i]
        if line.startswith(_MATH_DIRECTIVE):
            flush()
            equations, i = _read_math_block(lines, i)
            out += [f"  ${equation}$" for equation in equations]
            continue
        if line.strip():
            paragraph.append(line.strip())
        else:
            flush()
        i += 1
    flush()
    return out


def render(name: str, docstring: str) -> str:
    """The markdown text of ``docstring``'s Equations section, titled ``**name** — summary``.

    ``""`` when the docstring has no Equations section.
    """
    docstring = inspect.cleandoc(docstring or "")
    section = equations_section(docstring)
    if not section:
        return ""
    title = f"**{name}** — {_inline(summary_line(docstring))}"
    return "\n".join([title] + _render_lines(section))


# --------------------------------------------------------------- the API
def _class_text(cls: type, name: str | None = None) -> str:
    owner = owner_of_equations(cls)
    if owner is None:
        return ""
    return render(name or owner.__name__, _own_docstring(owner))


def _activation_text(activation) -> str:
    """An activation's equations, titled with its name (``relu``, ``gelu``, …)."""
    text = _class_text(type(activation), getattr(activation, "__name__", None))
    return text or getattr(activation, "equation", "") or ""  # a user function's own text


def equations_for(obj) -> str:
    """Markdown/LaTeX equations of a layer, activation, loss or optimizer (or its class).

    A layer with an ``activation`` other than linear gets the activation's
    equations appended, so ``Dense(10, activation="relu").equations`` says
    what φ and φ' are.
    """
    if hasattr(obj, "uses_kernel") and not isinstance(obj, type):  # an activation
        return _activation_text(obj)
    cls = obj if isinstance(obj, type) else type(obj)
    text = _class_text(cls)
    activation = None if isinstance(obj, type) else getattr(obj, "activation", None)
    if text and activation is not None and getattr(activation, "__name__", "") != "linear":
        extra = _activation_text(activation)
        if extra:
            text = f"{text}\nwith φ = {extra}"
    return text


class Equations:
    """Descriptor: ``Class.equations`` and ``instance.equations``, read from the docstring.

    A subclass may still define ``equations = "..."`` itself; that text wins.
    """

    def __get__(self, obj, owner=None) -> str:
        return equations_for(owner if obj is None else obj)
