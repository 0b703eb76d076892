"""``model.summary()`` in the tf.keras 2 table format."""

from __future__ import annotations


def _row(fields: list[str], positions: list[int]) -> str:
    """Each field starts one space after the previous column's start, cut to fit."""
    line = ""
    for field, end in zip(fields, positions):
        room = end - len(line) - 1
        line = (line + " " + str(field)[:max(room - 1, 1)]).ljust(end)
    return line


def _shape(shape) -> str:
    if isinstance(shape, list):
        return "[" + ", ".join(str(tuple(s)) for s in shape) + "]"
    return str(tuple(shape))


def summary_lines(model) -> list[str]:
    """The lines of the summary table (also used by tests)."""
    functional = not model.__class__.__name__ == "Sequential"
    width = 98 if functional else 65
    positions = [32, 53, 65, 98] if functional else [29, 55, 65]
    header = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if functional
                                                           else [])
    lines = [f'Model: "{model.name}"', "_" * width, _row(header, positions), "=" * width]
    rows = model.layer_rows()
    for k, (layer, out_shape, inbound) in enumerate(rows):
        shown = [out_shape] if type(layer).__name__ == "InputLayer" else out_shape
        fields = [f"{layer.name} ({type(layer).__name__})", _shape(shown),
                  str(layer.count_params())]
        if functional:
            fields.append(str([f"{name}[0][0]" for name in inbound]))
        lines.append(_row(fields, positions))
        if k < len(rows) - 1:
            lines.append(" " * width)
    trainable = sum(w.size for w in model.trainable_weights)
    total = sum(w.size for w in model.weights)
    lines += ["=" * width, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}", "_" * width]
    return lines
