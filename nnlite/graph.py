"""Symbolic tensors and nodes: how the functional API records a layer graph.

Calling a layer on a :class:`SymbolicTensor` (e.g. the result of
``Input(shape=[8])``) records a :class:`Node` — (layer, inputs, output) — and
returns a new symbolic tensor with the inferred shape.  A model is the DAG of
nodes between its inputs and outputs, run in topological order forward and
in reverse for backprop.
"""

from __future__ import annotations

import itertools

_ids = itertools.count()


class SymbolicTensor:
    """A placeholder with a shape (``None`` for the batch axis) and a history."""

    def __init__(self, shape: tuple, node: Node | None = None, name: str = ""):
        self.shape = tuple(shape)
        self.node = node
        self.name = name
        self.id = next(_ids)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<SymbolicTensor '{self.name}' shape={self.shape}>"


class Node:
    """One call of ``layer`` on ``inputs`` producing ``output``."""

    def __init__(self, layer, inputs: list[SymbolicTensor], output_shape: tuple):
        self.layer = layer
        self.inputs = list(inputs)
        self.output = SymbolicTensor(output_shape, node=self, name=layer.name)

    @property
    def parents(self) -> list[Node]:
        return [t.node for t in self.inputs if t.node is not None]


def topological_nodes(outputs: list[SymbolicTensor]) -> list[Node]:
    """All nodes that ``outputs`` depend on, each after the nodes it reads."""
    order: list[Node] = []
    seen: set[int] = set()

    def visit(node: Node) -> None:  # iterative DFS would be longer; graphs are small
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parents:
            visit(parent)
        order.append(node)

    for t in outputs:
        if t.node is None:
            raise ValueError(f"{t!r} was not produced by a layer or Input()")
        visit(t.node)
    return order


def flatten(x) -> list:
    """A list of the items of ``x`` (a single item becomes a one-item list)."""
    return list(x) if isinstance(x, (list, tuple)) else [x]
