"""``python -m nnlite <command>``: ``demo`` (train the book's MLP), ``bench`` (kernels),
``check`` (your kernels against the reference), ``info``."""

from __future__ import annotations

import sys

COMMANDS = {
    "demo": "train the Hands-On ML ch.10 MLP on Fashion-MNIST and plot its learning curves",
    "bench": "time every kernel on every backend (same as python -m nnlite.bench)",
    "info": "show the version and the kernel backends that are available",
    "check": "check your kernels (a .py file) against the reference: check FILE.py "
             "[--kernels a,b]",
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


def _check(argv: list[str]) -> int:
    """``check FILE.py [--kernels a,b]``: print the report; exit status 1 when a kernel
    fails, 2 when the file cannot be checked."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m nnlite check",
                                     description="Check your kernels against the reference.")
    parser.add_argument("source", help="a .py file defining kernels (or a backend's name)")
    parser.add_argument("--kernels", help="comma-separated kernel names (default: all in FILE)")
    args = parser.parse_args(argv)
    from .checking import check_kernels

    kernels = [k.strip() for k in args.kernels.split(",") if k.strip()] if args.kernels else None
    try:
        report = check_kernels(args.source, kernels)
    except (ValueError, TypeError) as exc:  # a file, a name or a signature nnlite refuses
        print(f"check: {exc}", file=sys.stderr)
        return 2
    except Exception:  # importing the file failed: show where
        import traceback
        traceback.print_exc()
        return 2
    return 0 if report.passed else 1


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
    elif command == "check":
        return _check(rest)
    else:
        print(f"unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
