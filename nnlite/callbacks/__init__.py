"""Callbacks (``keras.callbacks``)."""

from .callback import Callback, CallbackList
from .history import History
from .progbar_logger import ProgbarLogger

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
