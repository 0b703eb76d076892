"""The lecture's hyperparameter search, on two workers and on dask.

The lecture tunes ``build_model(n_hidden, n_neurons, learning_rate,
input_shape=[8])`` wrapped in ``keras.wrappers.scikit_learn.KerasRegressor``
with ``RandomizedSearchCV(n_iter=10, cv=3)`` over ``reciprocal(3e-4, 3e-2)``
learning rates, 100 epochs and ``EarlyStopping(patience=10)``.  Three runs:

1. ``lecture``: the lecture's code exactly as written (``LECTURE_CODE``),
   in a fresh interpreter where the only nnlite import is
   ``import nnlite as keras``, after ``np.random.seed(42)`` as in the
   notebook;
2. ``n_jobs``: the same search with a fixed seed on two worker processes —
   ``KerasRegressor(build_model, random_state=42, verbose=0)``,
   ``RandomizedSearchCV(..., random_state=42, n_jobs=2)``;
3. ``dask``: run 2 inside ``joblib.parallel_backend("dask")`` on a
   ``dask.distributed.LocalCluster`` of two single-threaded worker processes
   (``pip install "nnlite[dask]"``).

Runs 2 and 3 must end with the same ``best_params_``; the script also
compares every candidate's mean CV score.

Data: California housing when scikit-learn's cache already holds it (it is
never downloaded here), otherwise scikit-learn's bundled diabetes set
restricted to its 8 clinical measurements (age and sex dropped) with a
standardized target, so that the lecture's ``input_shape=[8]`` fits
unchanged.  Split and scaled as in the lecture (``train_test_split`` twice,
``random_state=42``; ``StandardScaler`` fitted on the training part).

    nice python scripts/hyperparameter_search.py [--out search_results.json]
        [--only lecture n_jobs dask] [--epochs 100] [--n-iter 10]
        [--dataset auto|california|diabetes]

``--epochs`` / ``--n-iter`` replace the lecture's ``epochs=100`` /
``n_iter=10`` (the tests run it that way, small); the defaults run the
lecture's numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

#: The lecture's build function, character for character (``import nnlite as keras``).
BUILD_MODEL_CODE = '''
def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    for layer in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    optimizer = keras.optimizers.SGD(lr=learning_rate)
    model.compile(loss="mse", optimizer=optimizer)
    return model
'''

#: The lecture's search, character for character (its notebook cells, in order).
SEARCH_CODE = '''
keras_reg = keras.wrappers.scikit_learn.KerasRegressor(build_model)

keras_reg.fit(X_train, y_train, epochs=100,
             validation_data=(X_valid, y_valid),
             callbacks=[keras.callbacks.EarlyStopping(patience=10)])

from scipy.stats import reciprocal
from sklearn.model_selection import RandomizedSearchCV

param_distributions = {
    "n_hidden": [0, 1, 2, 3],
    "n_neurons": np.arange(1, 100).tolist(),
    "learning_rate": reciprocal(3e-4, 3e-2).rvs(1000).tolist(),
}

rnd_search_cv = RandomizedSearchCV(keras_reg, param_distributions, n_iter=10, cv=3, verbose=2)
rnd_search_cv.fit(X_train, y_train, epochs=100,
                 validation_data=(X_valid, y_valid),
                 callbacks=[keras.callbacks.EarlyStopping(patience=10)])

rnd_search_cv.best_params_
rnd_search_cv.best_score_
rnd_search_cv.best_estimator_
rnd_search_cv.score(X_test, y_test)
model = rnd_search_cv.best_estimator_.model
model
'''

LECTURE_CODE = BUILD_MODEL_CODE + SEARCH_CODE

_PRELUDE = '''
import json
import warnings
import numpy as np
import nnlite as keras
warnings.filterwarnings("ignore", message="The `lr` argument is deprecated")
_data = np.load({path!r})
X_train, X_valid, X_test, y_train, y_valid, y_test = (
    _data[k] for k in ("X_train", "X_valid", "X_test", "y_train", "y_valid", "y_test"))
np.random.seed(42)
'''

_EPILOGUE = '''
print("SEARCH_RESULT " + json.dumps({
    "best_params": rnd_search_cv.best_params_,
    "best_score": float(rnd_search_cv.best_score_),
    "test_score": float(rnd_search_cv.best_estimator_.score(X_test, y_test, verbose=0)),
    "model_type": type(model).__module__ + "." + type(model).__name__,
    "n_candidates": len(rnd_search_cv.cv_results_["params"]),
}))
'''

DATA_KEYS = ("X_train", "X_valid", "X_test", "y_train", "y_valid", "y_test")


# ---------------------------------------------------------------------- data
def _california():
    from sklearn.datasets import fetch_california_housing
    housing = fetch_california_housing(download_if_missing=False)
    return housing.data, housing.target


def _diabetes_8():
    from sklearn.datasets import load_diabetes
    X, y = load_diabetes(return_X_y=True)
    return X[:, 2:], (y - y.mean()) / y.std()  # bmi, bp, s1..s6: 8 features


def lecture_data(dataset: str = "auto") -> tuple[str, dict]:
    """``(name, {"X_train": …, …})`` split and scaled as in the lecture."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    name = dataset
    if dataset in ("auto", "california"):
        try:
            X, y = _california()
            name = "california_housing"
        except OSError:
            if dataset == "california":
                raise
            name = "diabetes_8"
    if name in ("diabetes", "diabetes_8"):
        X, y, name = *_diabetes_8(), "diabetes_8"
    X_train_full, X_test, y_train_full, y_test = train_test_split(X, y, random_state=42)
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full,
                                                          random_state=42)
    scaler = StandardScaler()
    X_train = scaler.fit_transform(X_train)
    values = (X_train, scaler.transform(X_valid), scaler.transform(X_test),
              y_train, y_valid, y_test)
    return name, dict(zip(DATA_KEYS, values))


def scaled_code(code: str, epochs: int, n_iter: int) -> str:
    """``code`` with the lecture's ``epochs=100`` / ``n_iter=10`` replaced."""
    assert code.count("epochs=100") == 2 and code.count("n_iter=10") == 1
    return code.replace("epochs=100", f"epochs={epochs}").replace("n_iter=10",
                                                                    f"n_iter={n_iter}")


# ---------------------------------------------------------------------- runs
def run_lecture(data: dict, epochs: int = 100, n_iter: int = 10, timeout: float = 3600):
    """The lecture's code in a fresh interpreter; returns its results and output."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.npz")
        np.savez(path, **data)
        program = _PRELUDE.format(path=path) + scaled_code(LECTURE_CODE, epochs, n_iter) \
            + _EPILOGUE
        done = subprocess.run([sys.executable, "-c", program], capture_output=True,
                              text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"the lecture's code failed:\n{done.stderr[-4000:]}")
    line = next(s for s in done.stdout.splitlines() if s.startswith("SEARCH_RESULT "))
    return json.loads(line.split(" ", 1)[1]), done.stdout + done.stderr


def seeded_search(n_jobs: int, epochs: int = 100, n_iter: int = 10, seed: int = 42):
    """The lecture's search with a fixed seed (estimator, candidates, CV)."""
    from scipy.stats import reciprocal
    from sklearn.model_selection import RandomizedSearchCV

    import nnlite as keras

    namespace = {"keras": keras}
    exec(BUILD_MODEL_CODE, namespace)  # the lecture's build_model, pickled by value
    keras_reg = keras.wrappers.scikit_learn.KerasRegressor(namespace["build_model"],
                                                           random_state=seed, verbose=0)
    param_distributions = {
        "n_hidden": [0, 1, 2, 3],
        "n_neurons": np.arange(1, 100).tolist(),
        "learning_rate": reciprocal(3e-4, 3e-2).rvs(1000, random_state=seed).tolist(),
    }
    search = RandomizedSearchCV(keras_reg, param_distributions, n_iter=n_iter, cv=3,
                                random_state=seed, n_jobs=n_jobs)
    fit_kwargs = {"epochs": epochs,
                  "callbacks": [keras.callbacks.EarlyStopping(patience=10)]}
    return search, fit_kwargs


def summary(search, data: dict, seconds: float) -> dict:
    return {"best_params": search.best_params_, "best_score": float(search.best_score_),
            "test_score": float(search.score(data["X_test"], data["y_test"])),
            "mean_test_score": [float(s) for s in search.cv_results_["mean_test_score"]],
            "seconds": round(seconds, 1)}


def run_n_jobs(data: dict, epochs: int, n_iter: int) -> dict:
    search, fit_kwargs = seeded_search(2, epochs, n_iter)
    start = time.perf_counter()
    search.fit(data["X_train"], data["y_train"],
               validation_data=(data["X_valid"], data["y_valid"]), **fit_kwargs)
    return summary(search, data, time.perf_counter() - start)


def run_dask(data: dict, epochs: int, n_iter: int) -> dict:
    try:
        import joblib
        from dask.distributed import Client, LocalCluster
    except ImportError as error:
        raise SystemExit(f"the dask run needs dask.distributed: pip install "
                         f"'nnlite[dask]' ({error})") from error
    search, fit_kwargs = seeded_search(-1, epochs, n_iter)
    start = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster):
        started = time.perf_counter()
        with joblib.parallel_backend("dask"):
            search.fit(data["X_train"], data["y_train"],
                       validation_data=(data["X_valid"], data["y_valid"]), **fit_kwargs)
    result = summary(search, data, time.perf_counter() - started)
    result["cluster_start_seconds"] = round(started - start, 1)
    return result


# ---------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="search_results.json")
    parser.add_argument("--only", nargs="+", default=["lecture", "n_jobs", "dask"],
                        choices=["lecture", "n_jobs", "dask"])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--n-iter", type=int, default=10)
    parser.add_argument("--dataset", default="auto",
                        choices=["auto", "california", "diabetes"])
    args = parser.parse_args(argv)

    name, data = lecture_data(args.dataset)
    results = {"dataset": name, "n_train": len(data["X_train"]), "epochs": args.epochs,
               "n_iter": args.n_iter}
    print(f"data: {name}, {len(data['X_train'])} training samples, "
          f"{data['X_train'].shape[1]} features")
    if "lecture" in args.only:
        start = time.perf_counter()
        results["lecture"], _ = run_lecture(data, args.epochs, args.n_iter)
        results["lecture"]["seconds"] = round(time.perf_counter() - start, 1)
        print("lecture (unchanged):", json.dumps(results["lecture"]))
    for run in ("n_jobs", "dask"):
        if run in args.only:
            results[run] = (run_n_jobs if run == "n_jobs" else run_dask)(
                data, args.epochs, args.n_iter)
            print(f"{run}:", json.dumps(results[run]))
    if "n_jobs" in results and "dask" in results:
        a, b = results["n_jobs"], results["dask"]
        results["same_best_params"] = a["best_params"] == b["best_params"]
        results["max_abs_score_difference"] = float(np.max(np.abs(
            np.subtract(a["mean_test_score"], b["mean_test_score"]))))
        print("same best_params on n_jobs=2 and dask:", results["same_best_params"],
              "| max |Δ mean CV score|:", results["max_abs_score_difference"])
    with open(args.out, "w") as f:
        json.dump(results, f, indent=2)
    return results


if __name__ == "__main__":
    main()
