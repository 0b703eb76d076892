"""What Keras Tuner needs changed to tune nnlite models: three methods of its ``Tuner``.

Keras Tuner (1.4) calls only Keras-style methods on the model it builds —
``fit`` (through ``HyperModel.fit``), ``save_weights``/``load_weights`` on
``<trial>/checkpoint.weights.h5`` (nnlite writes its own zip format under
any file name), ``get_build_config``/``build_from_config``, ``built`` and
``trainable_weights`` — and passes Keras callbacks (``SaveBestEpoch``,
``TunerCallback``) that nnlite's ``fit`` calls like its own.  Three places
check Keras *types* instead, and are adapted here:

1. ``Tuner._try_build`` rejects a model that is not a ``keras.Model``:
   replaced by the same steps accepting an nnlite model too.  Like Keras'
   ``clear_session`` there, nnlite's restarts automatic layer names, so
   every trial's model has the same names (``dense``, ``dense_1``, …).
2. ``tuner_utils.validate_trial_results``, ``convert_to_metrics_dict`` and
   ``get_best_step`` take a trial's result (what ``fit`` returned) only if it
   is a ``keras.callbacks.History``: an nnlite ``History`` is copied into
   one first (the same ``history`` dict, so the same numbers).
3. ``Tuner._configure_tensorboard_dir`` gives each trial its own TensorBoard
   folder, ``<log_dir>/<trial_id>/execution<k>``, but only for the
   TensorFlow backend: nnlite's ``TensorBoard`` callbacks get the same folder
   whatever the backend.

Everything else — oracles, hyperparameters, Hyperband brackets, trial files,
``get_best_models`` — is Keras Tuner's own code, unchanged.
"""

from __future__ import annotations

import functools
import gc

_MARK = "_nnlite_adapted"


def _is_nnlite_model(model) -> bool:
    from ..models import Model
    return isinstance(model, Model)


def _try_build(self, hp):
    """``Tuner._try_build`` (Keras Tuner 1.4) that also accepts an nnlite model."""
    from keras_tuner.src import errors
    from keras_tuner.src.backend import keras
    from keras_tuner.src.engine.tuner import maybe_compute_model_size

    from .. import backend

    keras.backend.clear_session()
    backend.clear_session()
    gc.collect()
    model = self._build_hypermodel(hp)
    if not isinstance(model, keras.Model) and not _is_nnlite_model(model):
        raise errors.FatalTypeError(
            "Expected the model-building function, or HyperModel.build() to return a Keras "
            f"or nnlite Model instance. Received: {model} of type {type(model)}.")
    size = maybe_compute_model_size(model)
    if self.max_model_size and size > self.max_model_size:
        raise errors.FailedTrialError(f"Oversized model: {size} parameters. Skip model.")
    return model


def as_keras_history(results):
    """An nnlite ``History`` (or a list of them) as ``keras.callbacks.History``; else unchanged."""
    from keras_tuner.src.backend import keras

    from ..callbacks import History
    if isinstance(results, list):
        return [as_keras_history(item) for item in results]
    if not isinstance(results, History):
        return results
    history = keras.callbacks.History()
    history.history = {key: list(values) for key, values in results.history.items()}
    history.epoch = list(results.epoch)
    history.params = dict(results.params)
    return history


def _taking_nnlite_history(function):
    @functools.wraps(function)
    def wrapper(results, *args, **kwargs):
        return function(as_keras_history(results), *args, **kwargs)
    return wrapper


def _wrap_tensorboard_dir(original):
    @functools.wraps(original)
    def _configure_tensorboard_dir(self, callbacks, trial, execution=0):
        from keras_tuner.src.backend import config

        from ..callbacks import TensorBoard
        if config.backend() == "tensorflow":  # Keras Tuner moves every "TensorBoard" itself
            return original(self, callbacks, trial, execution)
        for callback in callbacks:
            if isinstance(callback, TensorBoard):
                callback.log_dir = self._get_tensorboard_dir(callback.log_dir,
                                                             trial.trial_id, execution)
        return original(self, callbacks, trial, execution)
    return _configure_tensorboard_dir


def adapt_keras_tuner() -> None:
    """Make Keras Tuner's ``Tuner`` (and so every tuner) accept nnlite models; idempotent."""
    from keras_tuner.src.engine import tuner_utils
    from keras_tuner.src.engine.tuner import Tuner

    if getattr(Tuner, _MARK, False):
        return
    Tuner._try_build = _try_build
    for name in ("validate_trial_results", "convert_to_metrics_dict", "get_best_step"):
        setattr(tuner_utils, name, _taking_nnlite_history(getattr(tuner_utils, name)))
    Tuner._configure_tensorboard_dir = _wrap_tensorboard_dir(Tuner._configure_tensorboard_dir)
    setattr(Tuner, _MARK, True)

