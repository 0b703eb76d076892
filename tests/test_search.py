"""Hyperparameter search: the book's RandomizedSearchCV, n_jobs=2, and a dask cluster.

The lecture's code (``build_model`` + ``KerasRegressor`` +
``RandomizedSearchCV(n_iter, cv=3)``) runs as written with
``import nnlite as keras``, on scikit-learn's bundled diabetes data
(California housing needs a download).  Epochs and ``n_iter`` are tiny to
keep the file fast; ``scripts/issue7_search.py`` runs the full search.

The dask test uses an in-process ``LocalCluster(processes=False)`` (about 1 s
to start); set ``NNLITE_RUN_SLOW=1`` to also run the search on a cluster of
two worker *processes* (15–30 s to start on a busy 2-core machine).
"""

from __future__ import annotations

import os

import joblib
import numpy as np
import pytest
from scipy.stats import reciprocal
from sklearn.datasets import load_diabetes, load_iris
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import nnlite as keras
from nnlite.wrappers import KerasClassifier, NNRegressor

HAS_EARLY_STOPPING = hasattr(keras.callbacks, "EarlyStopping")


def _housing_like_split():
    """Diabetes, split and scaled like the book's California housing (y standardized)."""
    X, y = load_diabetes(return_X_y=True)
    y = (y - y.mean()) / y.std()
    X_train_full, X_test, y_train_full, y_test = train_test_split(X, y, random_state=42)
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full,
                                                          random_state=42)
    scaler = StandardScaler()
    X_train = scaler.fit_transform(X_train)
    return (X_train, scaler.transform(X_valid), scaler.transform(X_test),
            y_train, y_valid, y_test)


X_train, X_valid, X_test, y_train, y_valid, y_test = _housing_like_split()


# The book's code, verbatim except input_shape=[10] (diabetes has 10 features).
def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[10]):  # noqa: B006
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    for layer in range(n_hidden):  # noqa: B007
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    optimizer = keras.optimizers.SGD(lr=learning_rate)
    model.compile(loss="mse", optimizer=optimizer)
    return model


class StopAfter(keras.callbacks.Callback):
    """Stand-in for EarlyStopping while it does not exist: stop after n epochs."""

    def __init__(self, n):
        super().__init__()
        self.n = n

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 >= self.n:
            self.model.stop_training = True


@pytest.mark.filterwarnings("ignore:The `lr` argument is deprecated")
def test_book_randomized_search_runs_unchanged():
    keras_reg = keras.wrappers.scikit_learn.KerasRegressor(build_model)
    callback = keras.callbacks.EarlyStopping(patience=2) if HAS_EARLY_STOPPING \
        else StopAfter(3)
    keras_reg.fit(X_train, y_train, epochs=3, validation_data=(X_valid, y_valid),
                  callbacks=[callback])
    param_distributions = {
        "n_hidden": [0, 1, 2, 3],
        "n_neurons": np.arange(1, 100).tolist(),
        "learning_rate": reciprocal(3e-4, 3e-2).rvs(1000, random_state=42).tolist(),
    }
    rnd_search_cv = RandomizedSearchCV(keras_reg, param_distributions, n_iter=3, cv=3,
                                       verbose=2, random_state=42, n_jobs=2)
    rnd_search_cv.fit(X_train, y_train, epochs=5, validation_data=(X_valid, y_valid),
                      callbacks=[callback])
    assert set(rnd_search_cv.best_params_) == {"n_hidden", "n_neurons", "learning_rate"}
    assert np.isfinite(rnd_search_cv.best_score_) and rnd_search_cv.best_score_ < 0  # −MSE
    model = rnd_search_cv.best_estimator_.model
    assert isinstance(model, keras.models.Sequential)
    test_score = rnd_search_cv.score(X_test, y_test)
    assert test_score == pytest.approx(-model.evaluate(X_test, y_test, verbose=0), rel=1e-5)


def _iris_model(n_neurons=8, learning_rate=0.1):
    model = keras.models.Sequential([
        keras.layers.InputLayer(input_shape=[4]),
        keras.layers.Dense(n_neurons, activation="relu"),
        keras.layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    return model


def test_classifier_grid_search_on_iris_with_two_jobs():
    X, y = load_iris(return_X_y=True)
    clf = make_pipeline(StandardScaler(), KerasClassifier(_iris_model, epochs=15, verbose=0,
                                                          random_state=0))
    grid = GridSearchCV(clf, {"kerasclassifier__n_neurons": [2, 16],
                              "kerasclassifier__learning_rate": [1e-3, 0.1]},
                        cv=3, n_jobs=2)
    grid.fit(X, y)
    assert grid.best_params_["kerasclassifier__learning_rate"] == 0.1
    assert grid.best_score_ > 0.8  # accuracy
    assert grid.predict(X[:5]).shape == (5,)


def _nn_search(n_jobs=2):
    """A small, seeded search over routed parameters of NNRegressor in a Pipeline."""
    pipe = make_pipeline(StandardScaler(), NNRegressor(optimizer="sgd", epochs=5,
                                                       random_state=42))
    space = {"nnregressor__model__n_hidden": [0, 1, 2],
             "nnregressor__model__n_neurons": list(range(1, 50)),
             "nnregressor__optimizer__learning_rate": reciprocal(3e-4, 3e-2)}
    return RandomizedSearchCV(pipe, space, n_iter=4, cv=3, random_state=0, n_jobs=n_jobs)


@pytest.fixture(scope="module")
def loky_search():
    X, y = load_diabetes(return_X_y=True)
    y = (y - y.mean()) / y.std()
    return _nn_search(n_jobs=2).fit(X, y), X, y


def test_search_in_two_processes_equals_sequential(loky_search):
    parallel, X, y = loky_search
    sequential = _nn_search(n_jobs=1).fit(X, y)
    assert parallel.best_params_ == sequential.best_params_
    np.testing.assert_allclose(parallel.cv_results_["mean_test_score"],
                               sequential.cv_results_["mean_test_score"], rtol=1e-6)


def _dask_search(processes: bool, X, y):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=processes,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        with joblib.parallel_backend("dask"):
            return _nn_search(n_jobs=-1).fit(X, y)


def test_dask_backend_gives_the_same_best_params(loky_search):
    parallel, X, y = loky_search
    on_dask = _dask_search(False, X, y)
    assert on_dask.best_params_ == parallel.best_params_
    np.testing.assert_allclose(on_dask.cv_results_["mean_test_score"],
                               parallel.cv_results_["mean_test_score"], rtol=1e-6)


@pytest.mark.skipif(os.environ.get("NNLITE_RUN_SLOW") != "1",
                    reason="starts two dask worker processes; set NNLITE_RUN_SLOW=1")
def test_dask_worker_processes_give_the_same_best_params(loky_search):
    parallel, X, y = loky_search
    on_dask = _dask_search(True, X, y)
    assert on_dask.best_params_ == parallel.best_params_
