"""``KernelTable``: which backend runs each kernel, a dict that prints as a table."""

from __future__ import annotations


class KernelTable(dict):
    """``{kernel name: backend name}``, printed one kernel per line, grouped by family.

    >>> table = KernelTable({"dense_forward": "mine"}, {"dense_forward": "dense"})
    >>> table["dense_forward"]
    'mine'
    >>> print(table)
    family      kernel                  backend
    dense       dense_forward           mine
    """

    def __init__(self, backends: dict[str, str], families: dict[str, str]):
        super().__init__(backends)
        self.families = {name: families.get(name, "") for name in backends}

    def __str__(self) -> str:
        lines = [f"{'family':<12}{'kernel':<24}backend"]
        order = sorted(self, key=lambda name: self.families[name])  # stable: kernel order kept
        lines += [f"{self.families[name]:<12}{name:<24}{self[name]}" for name in order]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython / Jupyter
        printer.text(str(self))
