"""Utilities (``keras.utils``): seeding, one-hot labels, progress bar, gradient check,
MC dropout, plot_model, ``Sequence`` / ``PyDataset`` (batches by index).

``plot_model`` is imported on first use (it needs matplotlib, ~0.5 s to import).
"""

from .categorical import to_categorical
from .gradient_check import check_gradients
from .mc_dropout import mc_predict
from .progbar import Progbar
from .py_dataset import PyDataset, Sequence
from .random import set_random_seed

__all__ = ["set_random_seed", "to_categorical", "Progbar", "check_gradients", "mc_predict",
           "plot_model", "Sequence", "PyDataset"]


def __getattr__(name: str):
    if name == "plot_model":  # (its module is not named plot_model: that would shadow it)
        from .vis_utils import plot_model
        return plot_model
    raise AttributeError(f"module 'nnlite.utils' has no attribute {name!r}")
