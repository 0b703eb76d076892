"""Keras Tuner (``import keras_tuner as kt``) tuning nnlite models.

Install the optional extra, ``pip install "nnlite[tuner]"`` (keras-tuner,
Keras 3 and jax for Keras' ``numpy`` backend; no TensorFlow).  Then the
book's chapter-10 code runs as printed after ``import nnlite as tf``:
``kt.RandomSearch``, ``kt.Hyperband``, ``kt.BayesianOptimization``,
``kt.HyperModel`` subclasses, ``get_best_models`` (nnlite models with the
best epoch's weights), TensorBoard logs per trial.

``import nnlite`` imports neither Keras nor Keras Tuner; it registers an
import hook (:mod:`.import_hook`) that adapts Keras Tuner when the program
imports it (:mod:`.adapter` says what is adapted and why).  :func:`enable`
does the same explicitly and returns the ``keras_tuner`` module.
"""

from __future__ import annotations

from types import ModuleType

from .keras_backend import INSTALL_HINT, choose_keras_backend

__all__ = ["INSTALL_HINT", "choose_keras_backend", "enable"]


def enable() -> ModuleType:
    """Import Keras Tuner adapted to nnlite models (``kt = nnlite.tuner.enable()``).

    Raises ImportError naming ``pip install "nnlite[tuner]"`` when Keras
    Tuner or a Keras backend is missing.
    """
    from . import import_hook
    import_hook.install()
    import keras_tuner  # adapted by the hook, or already adapted by install()

    return keras_tuner
