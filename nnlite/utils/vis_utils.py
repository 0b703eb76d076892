"""``plot_model``: draw a model's layer graph to a PNG with matplotlib alone.

(The module has Keras' name, ``vis_utils``: a module named ``plot_model``
would replace the function as ``keras.utils.plot_model`` once imported.)

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


def _cross_positions(levels: dict[int, list[str]], edges: list,
                     width: int) -> dict[str, float]:
    """Position of each box across the flow, in (0, 1): under the mean of its parents
    (so chains stay straight and branches stay apart), at least 1/width apart."""
    parents: dict[str, list[str]] = {}
    for src, dst in edges:
        parents.setdefault(dst, []).append(src)
    pos: dict[str, float] = {}
    gap = 1 / width
    for level in sorted(levels):
        names = levels[level]
        even = {n: 0.5 + (k - (len(names) - 1) / 2) * gap for k, n in enumerate(names)}
        wanted = {n: (sum(pos[p] for p in parents[n]) / len(parents[n])
                      if parents.get(n) else even[n]) for n in names}
        row = sorted(names, key=lambda n: wanted[n])
        xs = [wanted[row[0]]]
        for n in row[1:]:
            xs.append(max(wanted[n], xs[-1] + gap))
        shift = max(0.0, xs[-1] - (1 - gap / 2)) or min(0.0, xs[0] - gap / 2)
        pos.update({n: x - shift for n, x in zip(row, xs)})
    return pos


def _blocked(src: str, dst: str, depth: dict, levels: dict, pos: dict, width: int) -> bool:
    """True when the straight arrow src → dst would run through a box of a level between."""
    d0, d1 = depth[src], depth[dst]
    for level in range(d0 + 1, d1):
        x = pos[src] + (pos[dst] - pos[src]) * (level - d0) / (d1 - d0)
        if any(abs(pos[n] - x) < 0.45 / width for n in levels.get(level, [])):
            return True
    return False


def _arrow(ax, src_box, dst_box, rankdir: str, rad: float | None) -> None:
    """An arrow from one box to another.  With ``rad`` (an arrow that skips levels) it
    bends around the boxes in between: out of the side of ``src_box``, into the side of
    ``dst_box``."""
    if rad is None:
        src_at, dst_at = ((0.5, 0), (0.5, 1)) if rankdir == "TB" else ((1, 0.5), (0, 0.5))
        style = "arc3"
    else:
        src_at = dst_at = (1, 0.5) if rankdir == "TB" else (0.5, 0)
        style = f"arc3,rad={-rad if rankdir == 'TB' else rad:.3f}"
    ax.annotate("", xy=dst_at, xycoords=dst_box, xytext=src_at, textcoords=src_box,
                arrowprops=dict(arrowstyle="-|>", color="#333333", shrinkA=4, shrinkB=4,
                                connectionstyle=style))

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
    cross_at = _cross_positions(levels, edges, width)
    bends = {(src, dst): depth[dst] - depth[src] for src, dst in edges
             if _blocked(src, dst, depth, levels, cross_at, width)}
    lines = 1 + 2 * show_shapes + show_layer_activations
    step_y, step_x = 0.45 + 0.22 * lines, 3.3 + 0.9 * show_shapes
    step_along, step_across = (step_y, step_x) if rankdir == "TB" else (step_x, 1.4 * step_y)
    across = width + 0.6 * bool(bends)  # room beside the boxes for the bent arrows
    size = (across * step_across, len(levels) * step_along)
    fig = Figure(figsize=(max(size[0 if rankdir == "TB" else 1], 3.0),
                          max(size[1 if rankdir == "TB" else 0], 1.5)))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    layers = {layer.name: layer for layer in model.layers}
    boxes = {}
    for level, names in levels.items():
        main = 1 - (level + 0.5) / len(levels)
        for name in names:
            cross = cross_at[name] * width / across
            xy = (cross, main) if rankdir == "TB" else (1 - main, 1 - cross)
            text = _label(name, nodes[name], show_shapes, show_layer_names,
                          show_layer_activations, layers.get(name))
            boxes[name] = ax.text(*xy, text, ha="center", va="center", fontsize=9,
                                  family="monospace",
                                  bbox=dict(boxstyle="round,pad=0.4", fc="#eef3fb",
                                            ec="#4a6fa5"))
    for src, dst in edges:
        span = bends.get((src, dst))
        # an arc bulges by rad × its length: aim for about half a box width
        rad = None if span is None else min(0.8, 0.45 * step_across / (span * step_along))
        _arrow(ax, boxes[src], boxes[dst], rankdir, rad)
    fig.nodes, fig.edges = nodes, edges
    if to_file is not None:
        folder = os.path.dirname(os.fspath(to_file))
        if folder:
            os.makedirs(folder, exist_ok=True)
        fig.savefig(to_file, dpi=dpi, bbox_inches="tight")
    return fig
