"""Utilities (``keras.utils``): seeding, progress bar."""

from .progbar import Progbar
from .random import set_random_seed

__all__ = ["set_random_seed", "Progbar"]
from .gradient_check import check_gradients  # noqa: E402

__all__ += ["check_gradients"]
from .plot_model import plot_model  # noqa: E402

__all__ += ["plot_model"]
from .mc_dropout import mc_predict  # noqa: E402

__all__ += ["mc_predict"]
