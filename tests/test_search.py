"""Hyperparameter search: the lecture's RandomizedSearchCV, n_jobs=2, and a dask cluster.

The lecture's code (``scripts/hyperparameter_search.py``: ``LECTURE_CODE``, its
``build_model`` + ``KerasRegressor`` + ``RandomizedSearchCV(n_iter, cv=3)``)
runs character for character in a fresh interpreter after nothing but
``import nnlite as keras``, on California housing when scikit-learn's cache
has it and otherwise on the bundled diabetes set (8 features, like
housing).  Only ``epochs=100`` and ``n_iter=10`` are made small here; the
script runs the lecture's numbers.

The dask test needs ``dask[distributed]`` (in the ``test`` extra; skipped
without it) and uses an in-process ``LocalCluster(processes=False)`` (about
1 s to start): workers are threads, so it also checks that seeded fits in
threads of one process give what worker processes give.  Set
``NNLITE_RUN_SLOW=1`` to also run the search on a cluster of two worker
*processes* (10–30 s on a busy 2-core machine).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import joblib
import numba
import numpy as np
import pytest
from scipy.stats import reciprocal
from sklearn.datasets import load_diabetes, load_iris
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import nnlite as keras
from nnlite.utils import threads
from nnlite.wrappers import KerasClassifier, NNRegressor

_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "hyperparameter_search.py"
_spec = importlib.util.spec_from_file_location("hyperparameter_search", _SCRIPT)
search_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(search_script)

LECTURE_PARAMS = {"n_hidden", "n_neurons", "learning_rate"}
needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="dask.distributed is not installed (pip install "
                                       "'nnlite[dask]'; it is in the test extra)")


def test_lecture_code_runs_unchanged_after_import_nnlite_as_keras():
    name, data = search_script.lecture_data("auto")
    result, output = search_script.run_lecture(data, epochs=5, n_iter=3, timeout=600)
    assert set(result["best_params"]) == LECTURE_PARAMS
    assert result["n_candidates"] == 3
    assert np.isfinite(result["best_score"]) and result["best_score"] < 0  # −MSE
    assert np.isfinite(result["test_score"]) and result["test_score"] < 0
    assert result["model_type"] == "nnlite.models.sequential.Sequential"
    assert "[CV] END" in output and "learning_rate=" in output  # verbose=2 of the search


def test_scaled_code_changes_only_epochs_and_n_iter():
    code = search_script.scaled_code(search_script.LECTURE_CODE, epochs=5, n_iter=3)
    assert code.count("epochs=5,") == 2 and "n_iter=3," in code
    assert code.replace("epochs=5,", "epochs=100,").replace("n_iter=3,", "n_iter=10,") \
        == search_script.LECTURE_CODE


def test_lecture_data_falls_back_to_eight_diabetes_features():
    name, data = search_script.lecture_data("diabetes")
    assert name == "diabetes_8"
    assert data["X_train"].shape[1] == 8  # the lecture's input_shape=[8]
    assert len(data["X_train"]) + len(data["X_valid"]) + len(data["X_test"]) == 442
    np.testing.assert_allclose(data["X_train"].mean(axis=0), 0, atol=1e-12)  # scaled


# ---------------------------------------------------------- seeded searches
def _lecture_search(n_jobs):
    """The lecture's search, seeded, small: returns (search, fit arguments)."""
    search, fit_kwargs = search_script.seeded_search(n_jobs, epochs=5, n_iter=3)
    _, data = search_script.lecture_data("diabetes")
    fit_kwargs = {**fit_kwargs, "validation_data": (data["X_valid"], data["y_valid"])}
    return search, (data["X_train"], data["y_train"]), fit_kwargs


def _nn_search(n_jobs):
    """A small, seeded search over routed parameters of NNRegressor in a Pipeline."""
    pipe = make_pipeline(StandardScaler(), NNRegressor(optimizer="sgd", epochs=5,
                                                       random_state=42))
    space = {"nnregressor__model__n_hidden": [0, 1, 2],
             "nnregressor__model__n_neurons": list(range(1, 50)),
             "nnregressor__optimizer__learning_rate": reciprocal(3e-4, 3e-2)}
    X, y = load_diabetes(return_X_y=True)
    y = (y - y.mean()) / y.std()
    return (RandomizedSearchCV(pipe, space, n_iter=4, cv=3, random_state=0, n_jobs=n_jobs),
            (X, y), {})


SEARCHES = {"lecture": _lecture_search, "nn_pipeline": _nn_search}


def _run(kind, n_jobs):
    search, data, fit_kwargs = SEARCHES[kind](n_jobs)
    return search.fit(*data, **fit_kwargs)


@pytest.fixture(scope="module")
def two_process_searches():
    """Both searches with n_jobs=2 (joblib's loky worker processes)."""
    return {kind: _run(kind, 2) for kind in SEARCHES}


def _assert_same_search(a, b):
    assert a.best_params_ == b.best_params_
    np.testing.assert_allclose(a.cv_results_["mean_test_score"],
                               b.cv_results_["mean_test_score"], rtol=1e-6)


def test_lecture_search_on_two_processes(two_process_searches):
    search = two_process_searches["lecture"]
    assert set(search.best_params_) == LECTURE_PARAMS
    assert len(search.cv_results_["params"]) == 3 and search.best_score_ < 0
    model = search.best_estimator_.model
    assert isinstance(model, keras.models.Sequential)
    _, data = search_script.lecture_data("diabetes")
    X_test, y_test = data["X_test"], data["y_test"]
    assert search.score(X_test, y_test) == pytest.approx(
        -model.evaluate(X_test, y_test, verbose=0), rel=1e-5)


def test_search_in_two_processes_equals_sequential(two_process_searches):
    _assert_same_search(two_process_searches["nn_pipeline"], _run("nn_pipeline", 1))


def test_classifier_grid_search_on_iris_with_two_jobs():
    def iris_model(n_neurons=8, learning_rate=0.1):
        model = keras.models.Sequential([
            keras.layers.InputLayer(input_shape=[4]),
            keras.layers.Dense(n_neurons, activation="relu"),
            keras.layers.Dense(3, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
        return model

    X, y = load_iris(return_X_y=True)
    clf = make_pipeline(StandardScaler(), KerasClassifier(iris_model, epochs=15, verbose=0,
                                                          random_state=0))
    grid = GridSearchCV(clf, {"kerasclassifier__n_neurons": [2, 16],
                              "kerasclassifier__learning_rate": [1e-3, 0.1]},
                        cv=3, n_jobs=2)
    grid.fit(X, y)
    assert grid.best_params_["kerasclassifier__learning_rate"] == 0.1
    assert grid.best_score_ > 0.8  # accuracy
    assert grid.predict(X[:5]).shape == (5,)


# -------------------------------------------------------------------- dask
def _thread_budget():
    with threads.limit_threads(threads.worker_thread_budget()):
        return threads.worker_thread_budget(), numba.get_num_threads()


def _on_dask(processes: bool):
    distributed = pytest.importorskip("dask.distributed")  # installed but broken
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=processes,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        with joblib.parallel_backend("dask"):
            budgets = joblib.Parallel(n_jobs=-1)(joblib.delayed(_thread_budget)()
                                                for _ in range(2))
            return {kind: _run(kind, -1) for kind in SEARCHES}, budgets


def _check_dask(processes, two_process_searches):
    on_dask, budgets = _on_dask(processes)
    for kind in SEARCHES:
        _assert_same_search(on_dask[kind], two_process_searches[kind])
    assert budgets == [(1, 1), (1, 1)]  # one numba/BLAS thread per single-threaded worker


@needs_dask
def test_dask_backend_gives_the_same_best_params(two_process_searches):
    _check_dask(False, two_process_searches)


@needs_dask
@pytest.mark.skipif(os.environ.get("NNLITE_RUN_SLOW") != "1",
                    reason="starts two dask worker processes; set NNLITE_RUN_SLOW=1")
def test_dask_worker_processes_give_the_same_best_params(two_process_searches):
    _check_dask(True, two_process_searches)
