"""``plot_model``: draw a model's layer graph to a PNG with matplotlib alone.

``keras.utils.plot_model(model, "model.png", show_shapes=True)`` needs pydot
and graphviz; nnlite lays the graph out itself: each layer goes on the row
of its depth (the longest path from an input), layers of one row side by
side, an arrow for every connection — enough for Sequential models and the
book's wide & deep networks.  Returns the matplotlib Figure (a notebook
shows it), and writes ``to_file`` unless it is ``None``.

Keras defaults: ``to_file="model.png"``, ``show_shapes=False``,
``show_layer_names=True``, ``rankdir="TB"`` (top to bottom; ``"LR"`` draws
left to right), ``dpi=96``.
"""

from __future__ import annotations

import os

from matplotlib.figure import Figure

__all__ = ["plot_model"]


def _shape_text(shape) -> str:
    if isinstance(shape, list):
        return "[" + ", ".join(_shape_text(s) for s in shape) + "]"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def _graph(model):
    """Nodes {name: (label class, input shape, output shape)} and edges [(src, dst)]."""
    nodes: dict[str, list] = {}
    edges: list[tuple[str, str]] = []
    rows = model.layer_rows()
    out_shapes = {layer.name: shape for layer, shape, _ in rows}
    for t in model.inputs:  # Sequential models list no InputLayer: add it
        name = t.node.layer.name
        if name not in out_shapes:
            nodes[name] = ["InputLayer", t.shape, t.shape]
            out_shapes[name] = t.shape
    for layer, shape, inbound in rows:
        cls = type(layer).__name__
        if cls == "InputLayer":
            nodes[layer.name] = [cls, shape, shape]
            continue
        in_shapes = [out_shapes[n] for n in inbound]
        nodes[layer.name] = [cls, in_shapes if len(in_shapes) != 1 else in_shapes[0], shape]
        edges += [(src, layer.name) for src in inbound]
    return nodes, edges


def _depths(nodes: dict, edges: list) -> dict[str, int]:
    depth = {n: 0 for n in nodes}
    for _ in range(len(nodes)):  # longest path; the graph is acyclic
        changed = False
        for src, dst in edges:
            if depth[dst] < depth[src] + 1:
                depth[dst], changed = depth[src] + 1, True
        if not changed:
            break
    return depth


def _label(name: str, info: list, show_shapes: bool, show_layer_names: bool,
           show_layer_activations: bool, layer) -> str:
    cls, in_shape, out_shape = info
    text = f"{name}: {cls}" if show_layer_names else cls
    act = getattr(layer, "activation", None)
    if show_layer_activations and act is not None:
        text += f"\nactivation: {getattr(act, '__name__', act)}"
    if show_shapes:
        text += f"\ninput: {_shape_text(in_shape)}\noutput: {_shape_text(out_shape)}"
    return text


def plot_model(model, to_file="model.png", show_shapes: bool = False,
               show_dtype: bool = False, show_layer_names: bool = True, rankdir: str = "TB",
               expand_nested: bool = False, dpi: int = 96,
               show_layer_activations: bool = False) -> Figure:
    """Draw ``model``'s layers and connections; save to ``to_file`` (None: don't save).

    Each box reads ``name: Class`` (and, with ``show_shapes``, the input and
    output shapes, ``None`` for the batch axis); arrows follow the data.
    """
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"plot_model: rankdir must be 'TB' or 'LR', got {rankdir!r}")
    if not getattr(model, "built", True) or not model.layers:
        raise ValueError("plot_model: the model has no layers yet; build it first (give the "
                         "first layer an input_shape or call it on data)")
    nodes, edges = _graph(model)
    depth = _depths(nodes, edges)
    levels: dict[int, list[str]] = {}
    for name in nodes:
        levels.setdefault(depth[name], []).append(name)
    width = max(len(v) for v in levels.values())
    layers = {layer.name: layer for layer in model.layers}
    lines = 1 + 2 * show_shapes + show_layer_activations
    step_y, step_x = 0.45 + 0.22 * lines, 3.3 + 0.9 * show_shapes
    along, across = (len(levels), width)
    size = (across * step_x, along * step_y) if rankdir == "TB" else \
        (along * step_x, across * step_y * 1.4)
    fig = Figure(figsize=(max(size[0], 3.0), max(size[1], 1.5)))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    boxes = {}
    for level, names in levels.items():
        for k, name in enumerate(names):
            offset = k - (len(names) - 1) / 2
            main = 1 - (level + 0.5) / len(levels)
            cross = 0.5 + offset / width
            xy = (cross, main) if rankdir == "TB" else (1 - main, 1 - cross)
            text = _label(name, nodes[name], show_shapes, show_layer_names,
                          show_layer_activations, layers.get(name))
            boxes[name] = ax.text(*xy, text, ha="center", va="center", fontsize=9,
                                  family="monospace",
                                  bbox=dict(boxstyle="round,pad=0.4", fc="#eef3fb",
                                            ec="#4a6fa5"))
    src_at, dst_at = ((0.5, 0), (0.5, 1)) if rankdir == "TB" else ((1, 0.5), (0, 0.5))
    for src, dst in edges:
        ax.annotate("", xy=dst_at, xycoords=boxes[dst], xytext=src_at,
                    textcoords=boxes[src],
                    arrowprops=dict(arrowstyle="-|>", color="#333333", shrinkA=4, shrinkB=4))
    fig.nodes, fig.edges = nodes, edges
    if to_file is not None:
        folder = os.path.dirname(os.fspath(to_file))
        if folder:
            os.makedirs(folder, exist_ok=True)
        fig.savefig(to_file, dpi=dpi, bbox_inches="tight")
    return fig
