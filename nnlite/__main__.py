"""``python -m nnlite <command>``: ``demo`` (train the book's MLP), ``bench`` (kernels)."""

from __future__ import annotations

import sys

COMMANDS = {
    "demo": "train the Hands-On ML ch.10 MLP on Fashion-MNIST and plot its learning curves",
    "bench": "time every kernel on every backend (same as python -m nnlite.bench)",
    "info": "show the version and the kernel backends that are available",
}


def _usage() -> str:
    lines = ["usage: python -m nnlite <command> [options]", "", "commands:"]
    lines += [f"  {name:<6} {text}" for name, text in COMMANDS.items()]
    return "\n".join(lines)


def _info() -> None:
    import nnlite
    print(f"nnlite {nnlite.__version__}; active backend: {nnlite.get_backend()}")
    for name, status in nnlite.backends().items():
        print(f"  {name:<10} {status}")


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0
    command, rest = argv[0], argv[1:]
    if command == "demo":
        from .demo import main as demo
        demo(rest)
    elif command == "bench":
        from .bench import main as bench
        bench(rest)
    elif command == "info":
        _info()
    else:
        print(f"unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
