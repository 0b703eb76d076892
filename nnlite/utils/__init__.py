"""Utilities (``keras.utils``): seeding, progress bar."""

from .progbar import Progbar
from .random import set_random_seed

__all__ = ["set_random_seed", "Progbar"]
