"""The kernels' speed targets, judged on a run of ``python -m nnlite.bench``.

    python -m nnlite.bench --json bench.json      # measure (several minutes)
    python benchmarks/kernel_targets.py bench.json

Each target compares the fastest nnlite CPU backend with PyTorch, with NumPy
or with the machine's measured bandwidth; numba's start-up times are judged
too.  The measuring lives in the package (``nnlite.bench``); the targets,
which are the project's goals and not a property of the kernels, live here.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from nnlite.bench import BASELINES, Row


@dataclass
class Target:
    """One speed target: ``value`` compared with ``limit``."""

    name: str
    value: float
    limit: float
    higher_is_better: bool
    detail: str

    @property
    def met(self) -> bool:
        return self.value >= self.limit if self.higher_is_better else self.value <= self.limit


def _best(rows: list[Row], family: str, shape: str) -> Row | None:
    """The fastest nnlite CPU backend's row for (family, shape)."""
    mine = [r for r in rows if (r.family, r.shape) == (family, shape)
            and r.backend not in BASELINES and r.backend != "cuda"]
    return min(mine, key=lambda r: r.us) if mine else None


def _row(rows: list[Row], family: str, shape: str, backend: str) -> Row | None:
    return next((r for r in rows if (r.family, r.shape, r.backend) == (family, shape, backend)),
                None)


def targets(rows: list[Row], peaks: dict[str, float],
            compile_times: dict[str, float] | None) -> list[Target]:
    """The targets that this run can judge (full shapes; torch where needed)."""
    out: list[Target] = []
    le = dict(higher_is_better=False)
    for fam, shape in [(f, s) for f in ("dense fwd", "dense bwd")
                       for s in ("32x784x300", "256x784x300", "1024x1024x1024")] + \
                      [(f, s) for f in ("BN fwd", "BN bwd") for s in ("256x300", "4096x1024")] + \
                      [("Adam", "266610 (MLP)"), ("Adam", "10000000")]:
        best, torch = _best(rows, fam, shape), _row(rows, fam, shape, "torch")
        if best and torch:
            out.append(Target(f"{fam} {shape}: time / PyTorch", best.us / torch.us, 1.0,
                              detail=f"{best.backend} {best.us:.0f} µs vs {torch.us:.0f} µs",
                              **le))
    best, numpy = _best(rows, "Adam", "10000000"), _row(rows, "Adam", "10000000", "numpy")
    if best and numpy:
        out.append(Target("Adam 10M: speed-up over NumPy with temporaries", numpy.us / best.us,
                          10.0, True, f"{best.backend} {best.us:.0f} µs vs {numpy.us:.0f} µs"))
    best, torch = _best(rows, "dropout fwd", "4096x4096"), _row(rows, "dropout fwd",
                                                                "4096x4096", "torch")
    if best and torch:
        out.append(Target("dropout 4096x4096: speed-up over PyTorch", torch.us / best.us, 10.0,
                          True, f"{best.backend} {best.us:.0f} µs vs {torch.us:.0f} µs"))
    for fam, shape in (("BN fwd", "4096x1024"), ("BN bwd", "4096x1024"), ("Adam", "10000000"),
                       ("dropout fwd", "4096x4096")):
        best = _best(rows, fam, shape)
        if best:
            out.append(Target(f"{fam} {shape}: time / bandwidth bound", 1.0 / best.frac_peak,
                              1.5, detail=f"{best.backend} {best.rate:.1f} GB/s of "
                              f"{peaks['bandwidth_gbs']:.1f}", **le))
    if compile_times:
        for label, limit in (("cold", 10.0), ("warm", 1.0)):
            out.append(Target(f"numba {label} start, every kernel (wall s)",
                              compile_times[f"{label}_s"], limit, detail=(
                                  f"load + first calls, {'no ' if label == 'cold' else ''}cache;"
                                  f" CPU {compile_times[f'{label}_cpu_s']:.1f} s"), **le))
    return out


def format_targets(found: list[Target]) -> str:
    lines = ["targets (best nnlite CPU backend):"]
    for t in found:
        op = "≥" if t.higher_is_better else "≤"
        mark = "met" if t.met else "NOT met"
        lines.append(f"  {t.name:<48}{t.value:>8.2f} {op} {t.limit:<5g} {mark:<8} ({t.detail})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__)
        return 2
    with open(args[0]) as fh:
        run = json.load(fh)
    rows = [Row(**row) for row in run["rows"]]
    print(format_targets(targets(rows, run["peaks"], run.get("compile"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
