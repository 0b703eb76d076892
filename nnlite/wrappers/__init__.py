"""scikit-learn estimators (``keras.wrappers``).

* :mod:`nnlite.wrappers.scikit_learn` — ``KerasRegressor(build_fn, **sk_params)``
  and ``KerasClassifier``, the tf.keras 2 wrappers the book uses
  (``keras.wrappers.scikit_learn.KerasRegressor(build_model)``).
* :class:`NNRegressor` / :class:`NNClassifier` — the modern scikeras style
  (``model=``, ``optimizer__learning_rate=``, ``random_state=``, …).

All four work with ``Pipeline``, ``cross_val_score``, ``GridSearchCV`` and
``RandomizedSearchCV`` (``n_jobs``, or ``joblib.parallel_backend("dask")``
on a cluster); see the README section "Hyperparameter search and scale-out".
"""

from . import scikit_learn
from .default_model import mlp
from .nn_classifier import NNClassifier
from .nn_regressor import NNRegressor
from .scikit_learn import KerasClassifier, KerasRegressor

__all__ = ["scikit_learn", "KerasRegressor", "KerasClassifier", "NNRegressor", "NNClassifier",
           "mlp"]
