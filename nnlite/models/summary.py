"""``model.summary()`` in the tf.keras 2 table format."""

from __future__ import annotations


def _row(fields: list[str], positions: list[int]) -> str:
    """One table row as tf.keras >= 2.9 prints it (``layer_utils.print_row``).

    Column k spans [positions[k-1], positions[k]) with two spaces kept free
    (none after the last column); text that does not fit continues on the
    next line, broken after ``'),'``, ``'],'`` … when possible, so the lines
    are joined with newlines.
    """
    left = [str(field) for field in fields]
    lines = []
    while any(left):
        line = ""
        for col, end in enumerate(positions[:len(left)]):
            start = positions[col - 1] if col > 0 else 0
            space = 2 if col != len(positions) - 1 else 0
            cutoff = end - start - space
            fit = left[col][:cutoff]
            breaks = [fit.find(b) + len(b) for b in ("),", "},", "],", "',") if b in fit]
            if breaks:
                cutoff = min(breaks)
                fit = fit[:cutoff]
            line += (" " if col == 0 else "") + fit + " " * space
            left[col] = left[col][cutoff:]
            line += " " * (end - len(line))
        lines.append(line)
    return "\n".join(lines)


def _shape(shape) -> str:
    if isinstance(shape, list):
        return "[" + ", ".join(str(tuple(s)) for s in shape) + "]"
    return str(tuple(shape))


def summary_lines(model, show_trainable: bool = False) -> list[str]:
    """The lines of the summary table (also used by tests).

    ``show_trainable`` adds tf.keras' 11-character "Trainable" column (Y/N).
    """
    functional = not model.__class__.__name__ == "Sequential"
    width = 98 if functional else 65
    positions = [32, 53, 65, 98] if functional else [29, 55, 65]
    header = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if functional
                                                           else [])
    if show_trainable:
        width += 11
        positions.append(width)
        header.append("Trainable")
    lines = [f'Model: "{model.name}"', "_" * width, _row(header, positions), "=" * width]
    rows = model.layer_rows()
    for layer, out_shape, inbound in rows:
        shown = [out_shape] if type(layer).__name__ == "InputLayer" else out_shape
        fields = [f"{layer.name} ({type(layer).__name__})", _shape(shown),
                  str(layer.count_params())]
        if functional:
            fields.append(str([f"{name}[0][0]" for name in inbound]))
        if show_trainable:
            fields.append("Y" if layer.trainable else "N")
        lines.extend(_row(fields, positions).split("\n"))
        lines.append(" " * width)  # tf.keras 2 leaves a blank row after every layer
    trainable = sum(w.size for w in model.trainable_weights)
    total = sum(w.size for w in model.weights)
    lines += ["=" * width, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}", "_" * width]
    return lines
