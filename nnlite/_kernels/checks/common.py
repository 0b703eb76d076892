"""The building blocks of the kernel argument checks (see ``checks/__init__.py``).

Each helper compares a few shapes or a dtype and, only when they are wrong,
raises ``ValueError("<kernel>: <argument> must ..., got ...")``.  None of
them reads array data, so a check costs a few hundred nanoseconds.
"""

from __future__ import annotations

import operator
from typing import NoReturn

import numpy as np


def fail(kernel: str, message: str) -> NoReturn:
    """Raise the ValueError every check raises: ``"<kernel>: <message>"``."""
    raise ValueError(f"{kernel}: {message}")


def shape_is(kernel: str, name: str, a: np.ndarray, shape: tuple, why: str) -> None:
    """``a.shape`` must be ``shape``; ``why`` says where that shape comes from."""
    if a.shape != shape:
        fail(kernel, f"{name} must have shape {shape} ({why}), got shape {a.shape}")


def same_shape(kernel: str, name: str, a: np.ndarray, like_name: str, like: np.ndarray) -> None:
    """``a`` must have the shape of the argument ``like``."""
    if a.shape != like.shape:
        fail(kernel, f"{name} must have the shape of {like_name}, {like.shape}, "
                     f"got shape {a.shape}")


def out_shape(kernel: str, name: str, out: np.ndarray | None, shape: tuple, why: str) -> None:
    """An optional output array (None: the kernel allocates it) must have ``shape``."""
    if out is not None:
        shape_is(kernel, name, out, shape, why)


def matrix(kernel: str, name: str, a: np.ndarray, layout: str) -> None:
    """``a`` must be 2-D; ``layout`` names its axes, e.g. ``"(rows, d_in)"``."""
    if a.ndim != 2:
        fail(kernel, f"{name} must be a 2-D array {layout}, got shape {a.shape}")


def per_column(kernel: str, name: str, a: np.ndarray, x_name: str, x: np.ndarray) -> None:
    """``a`` must hold one value per column of the 2-D array ``x``."""
    if a.shape != (x.shape[1],):
        fail(kernel, f"{name} must have shape ({x.shape[1]},), one value per column of "
                     f"{x_name} (shape {x.shape}), got shape {a.shape}")


def floats(kernel: str, name: str, a: np.ndarray) -> None:
    """``a`` must be a float array (it is updated in place, or read as floats)."""
    if a.dtype.kind != "f":
        fail(kernel, f"{name} must be a float array, got dtype {a.dtype} "
                     f"(convert it with .astype(np.float32))")


def bools(kernel: str, name: str, a: np.ndarray, what: str) -> None:
    """``a`` must be a bool array (the compiled kernels read it byte by byte)."""
    if a.dtype != np.bool_:
        fail(kernel, f"{name} must be a bool array ({what}), got dtype {a.dtype}")


def broadcasts_into(kernel: str, name: str, shape: tuple, x_name: str, x_shape: tuple) -> None:
    """``shape`` must broadcast to ``x_shape`` without growing it (axes 1 or equal).

    Leading axes of size 1 are ignored, as NumPy's broadcasting ignores them.
    """
    trailing = tuple(shape)
    while trailing and trailing[0] == 1:
        trailing = trailing[1:]
    fits = len(trailing) <= len(x_shape) and all(
        d == 1 or d == e for d, e in zip(trailing, x_shape[len(x_shape) - len(trailing):]))
    if not fits:
        fail(kernel, f"{name} of shape {tuple(shape)} does not broadcast to {x_name}'s shape "
                     f"{tuple(x_shape)}: each of its axes (aligned at the right) must be 1 "
                     f"or equal to {x_name}'s")


def count(kernel: str, name: str, value) -> int:
    """A non-negative integer (an array size or dimension); returned as an int."""
    try:
        n = operator.index(value)
    except TypeError:
        fail(kernel, f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if n < 0:
        fail(kernel, f"{name} must be ≥ 0, got {n}")
    return n


def in_range(kernel: str, name: str, value: float, low: float, high: float) -> None:
    """``low ≤ value ≤ high`` (NaN fails)."""
    if not low <= value <= high:
        fail(kernel, f"{name} must be in [{low}, {high}], got {value!r}")


def at_least(kernel: str, name: str, value: float, low: float) -> None:
    """``value ≥ low`` (NaN fails)."""
    if not value >= low:
        fail(kernel, f"{name} must be ≥ {low}, got {value!r}")
