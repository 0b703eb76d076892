"""Keras' default names: a class name in snake_case (``LeakyReLU`` → ``leaky_re_lu``)."""

from __future__ import annotations

import re


def snake_case(name: str) -> str:
    """``BatchNormalization`` → ``batch_normalization``, ``PReLU`` → ``p_re_lu``,
    ``WideAndDeepModel`` → ``wide_and_deep_model`` (Keras' ``to_snake_case``)."""
    name = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
