"""scikit-learn wrappers: the estimator contract, routing, pickling, threads.

``KerasRegressor`` / ``KerasClassifier`` follow tf.keras 2; ``NNRegressor`` /
``NNClassifier`` follow scikeras and pass ``sklearn.utils.estimator_checks``
except the checks listed in ``EXPECTED_FAILED_CHECKS`` (with the reason).
Data: scikit-learn's bundled diabetes, iris and breast-cancer sets.
"""

from __future__ import annotations

import os
import pickle
import threading

import joblib
import numba
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_info

import nnlite as keras
from nnlite.optimizers import SGD
from nnlite.utils import threads
from nnlite.wrappers import KerasClassifier, KerasRegressor, NNClassifier, NNRegressor
from nnlite.wrappers.scikit_learn import KerasRegressor as KerasRegressorFromModule


# ------------------------------------------------------------------ data
def _diabetes():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return X, (y - y.mean()) / y.std()


X_REG, Y_REG = _diabetes()
X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)
NAMES_IRIS = np.array(["setosa", "versicolor", "virginica"])[Y_IRIS]


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[10]):  # noqa: B006
    """The book's ``build_model`` (input_shape defaults to diabetes' 10 features)."""
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    return model


def build_classifier(n_hidden=1, n_neurons=16, learning_rate=0.1, n_classes=3,
                     loss="sparse_categorical_crossentropy", metrics=("accuracy",)):
    model = keras.models.Sequential([keras.layers.InputLayer(input_shape=[4])])
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(n_classes,
                                 activation="softmax" if n_classes > 1 else "sigmoid"))
    model.compile(loss=loss, optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  metrics=list(metrics))
    return model


class EpochCounter(keras.callbacks.Callback):
    """A tiny callback: counts the epochs it saw."""

    def __init__(self):
        super().__init__()
        self.epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1


# ---------------------------------------------------- KerasRegressor (tf.keras 2)
def test_keras_regressor_is_exported_like_tf_keras():
    assert keras.wrappers.scikit_learn.KerasRegressor is KerasRegressorFromModule
    assert KerasRegressor is KerasRegressorFromModule


def test_keras_regressor_params_are_build_fn_and_fit_arguments():
    reg = KerasRegressor(build_model, n_hidden=2, epochs=3, verbose=0)
    assert reg.get_params() == {"build_fn": build_model, "n_hidden": 2, "epochs": 3,
                                "verbose": 0}
    reg.set_params(learning_rate=1e-2, batch_size=16)
    assert reg.get_params()["learning_rate"] == 1e-2
    with pytest.raises(ValueError, match="n_hiden is not a legal parameter"):
        KerasRegressor(build_model, n_hiden=2)
    with pytest.raises(ValueError, match="not a legal parameter"):
        reg.set_params(bogus=1)
    twin = clone(reg)
    assert twin.get_params() == reg.get_params() and not hasattr(twin, "model")


def test_keras_regressor_fit_builds_with_sk_params_and_passes_fit_kwargs():
    reg = KerasRegressor(build_model, n_hidden=2, n_neurons=7, verbose=0)
    counter = EpochCounter()
    history = reg.fit(X_REG, Y_REG, epochs=4, callbacks=[counter],
                      validation_data=(X_REG[:50], Y_REG[:50]))
    assert isinstance(reg.model, keras.models.Sequential)
    assert [layer.units for layer in reg.model.layers if hasattr(layer, "units")] == [7, 7, 1]
    assert counter.epochs == 4 and len(history.history["val_loss"]) == 4
    pred = reg.predict(X_REG[:5])
    assert pred.shape == (5,)
    # score is the negative loss (MSE here), as in tf.keras
    mse = float(np.mean((reg.model.predict(X_REG, verbose=0)[:, 0] - Y_REG) ** 2))
    assert reg.score(X_REG, Y_REG) == pytest.approx(-mse, rel=1e-4)


def test_keras_regressor_callbacks_in_sk_params_are_copied_per_fit():
    counter = EpochCounter()
    reg = KerasRegressor(build_model, epochs=2, verbose=0, callbacks=[counter])
    reg.fit(X_REG, Y_REG)
    reg.fit(X_REG, Y_REG)
    assert counter.epochs == 0  # deep-copied like tf.keras: the original is untouched


@pytest.mark.skipif(not hasattr(keras.callbacks, "EarlyStopping"),
                    reason="EarlyStopping (issue 5) not available yet")
def test_keras_regressor_with_early_stopping_stops():
    reg = KerasRegressor(build_model, learning_rate=0.0, verbose=0)  # lr 0: never improves
    history = reg.fit(X_REG, Y_REG, epochs=50, validation_data=(X_REG[:50], Y_REG[:50]),
                      callbacks=[keras.callbacks.EarlyStopping(patience=2)])
    assert len(history.history["loss"]) == 3


# -------------------------------------------------- KerasClassifier (tf.keras 2)
def test_keras_classifier_string_labels_proba_and_accuracy():
    clf = KerasClassifier(build_classifier, epochs=30, verbose=0, random_state=0)
    clf.fit(X_IRIS, NAMES_IRIS)
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"] and clf.n_classes_ == 3
    proba = clf.predict_proba(X_IRIS)
    assert proba.shape == (150, 3) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    pred = clf.predict(X_IRIS)
    assert set(pred) <= set(clf.classes_)
    accuracy = clf.score(X_IRIS, NAMES_IRIS)
    assert accuracy == pytest.approx(np.mean(pred == NAMES_IRIS), abs=1e-6)
    assert accuracy > 0.8


def test_keras_classifier_one_hot_for_categorical_crossentropy_and_no_metric():
    clf = KerasClassifier(build_classifier, loss="categorical_crossentropy", metrics=(),
                          epochs=20, verbose=0, random_state=0)
    clf.fit(X_IRIS, Y_IRIS)  # integer labels are one-hot encoded for this loss
    assert clf.model.loss[0].name == "categorical_crossentropy"
    assert clf.score(X_IRIS, Y_IRIS) == pytest.approx(np.mean(clf.predict(X_IRIS) == Y_IRIS))


def test_keras_classifier_binary_sigmoid_proba_has_two_columns():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:, :4]
    clf = KerasClassifier(build_classifier, n_classes=1, loss="binary_crossentropy",
                          epochs=10, verbose=0, random_state=0)
    clf.fit(X, y)
    proba = clf.predict_proba(X[:7])
    assert proba.shape == (7, 2) and np.allclose(proba.sum(axis=1), 1)
    assert clf.predict(X[:7]).shape == (7,)
    assert clf.score(X, y) > 0.85


# ------------------------------------------------------------ NN* routing
def _tiny_model(meta, n_hidden=1, n_neurons=8):
    model = keras.models.Sequential([keras.layers.InputLayer(input_shape=[meta["n_features_in_"]])])
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(meta["n_outputs_expected_"]))
    return model


def test_nn_regressor_routes_model_optimizer_loss_and_fit_parameters():
    reg = NNRegressor(_tiny_model, optimizer="sgd", loss="huber", epochs=2, random_state=0,
                      model__n_hidden=2, n_neurons=5, optimizer__learning_rate=0.02,
                      optimizer__momentum=0.5, loss__delta=2.0, fit__batch_size=64)
    params = reg.get_params()
    assert params["model__n_hidden"] == 2 and params["n_neurons"] == 5
    reg.fit(X_REG, Y_REG)
    units = [layer.units for layer in reg.model_.layers if hasattr(layer, "units")]
    assert units == [5, 5, 1]
    opt = reg.model_.optimizer
    assert isinstance(opt, SGD) and float(opt.learning_rate) == pytest.approx(0.02)
    assert opt.momentum == 0.5
    assert reg.model_.loss[0].delta == 2.0
    assert reg.model_.history.params["batch_size"] == 64
    assert list(reg.history_) == ["loss", "lr"] and len(reg.history_["loss"]) == 2
    reg.set_params(model__n_hidden=0, optimizer__learning_rate=0.01)
    assert clone(reg).get_params()["model__n_hidden"] == 0
    with pytest.raises(ValueError, match="Invalid parameter 'bogus'"):
        reg.set_params(bogus=1)
    with pytest.raises(ValueError, match="model__colour was given"):
        NNRegressor(_tiny_model, optimizer="sgd", model__colour="red").fit(X_REG, Y_REG)


def test_nn_classifier_default_mlp_and_auto_loss():
    clf = NNClassifier(optimizer=SGD(learning_rate=0.1), epochs=20, random_state=0,
                       model__n_neurons=12)
    clf.fit(X_IRIS, NAMES_IRIS)
    assert clf.model_.loss[0].name == "sparse_categorical_crossentropy"
    assert clf.model_.output_shape[-1] == 3
    assert clf.predict_proba(X_IRIS).shape == (150, 3)
    assert clf.score(X_IRIS, NAMES_IRIS) > 0.8


def test_nn_classifier_one_sigmoid_unit_gets_binary_crossentropy():
    def one_unit(meta):
        return keras.models.Sequential([
            keras.layers.InputLayer(input_shape=[meta["n_features_in_"]]),
            keras.layers.Dense(1, activation="sigmoid")])

    X, y = load_breast_cancer(return_X_y=True)
    clf = make_pipeline(StandardScaler(), NNClassifier(one_unit, optimizer="sgd", epochs=5,
                                                       random_state=0))
    clf.fit(X, np.where(y == 1, "benign", "malignant"))
    net = clf[-1]
    assert net.model_.loss[0].name == "binary_crossentropy"
    assert net.predict_proba(clf[0].transform(X[:3])).shape == (3, 2)
    assert clf.score(X, np.where(y == 1, "benign", "malignant")) > 0.9


def test_nn_regressor_multi_output_and_warm_start():
    Y = np.column_stack([Y_REG, -Y_REG])
    reg = NNRegressor(optimizer="sgd", epochs=2, random_state=0, warm_start=True)
    reg.fit(X_REG, Y)
    assert reg.predict(X_REG[:4]).shape == (4, 2)
    first = reg.model_
    reg.fit(X_REG, Y)
    assert reg.model_ is first  # warm start: training continues on the same network


# ------------------------------------------------- contract: pickle, seeds, pipeline
def _fitted(estimator):
    X, y = (X_IRIS, Y_IRIS) if isinstance(estimator, (KerasClassifier, NNClassifier)) \
        else (X_REG, Y_REG)
    estimator.fit(X, y)
    return estimator, X


ESTIMATORS = {
    "KerasRegressor": lambda: KerasRegressor(build_model, epochs=2, verbose=0, random_state=1),
    "KerasClassifier": lambda: KerasClassifier(build_classifier, epochs=2, verbose=0,
                                               random_state=1),
    "NNRegressor": lambda: NNRegressor(optimizer="sgd", epochs=2, random_state=1),
    "NNClassifier": lambda: NNClassifier(optimizer="sgd", epochs=2, random_state=1),
}


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_pickle_before_and_after_fit(name):
    estimator = pickle.loads(pickle.dumps(ESTIMATORS[name]()))
    estimator, X = _fitted(estimator)
    copy = pickle.loads(pickle.dumps(estimator))
    np.testing.assert_array_equal(copy.predict(X), estimator.predict(X))
    # and it keeps training after the round trip (optimizer state travelled too)
    model = copy.model_ if hasattr(copy, "model_") else copy.model
    assert model.optimizer.iterations > 0


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_random_state_makes_fits_identical_and_leaves_global_rng_alone(name):
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    a, X = _fitted(ESTIMATORS[name]())
    b, _ = _fitted(clone(a))
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_pipeline_and_cross_val_score():
    X, y = load_diabetes(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), NNRegressor(optimizer="sgd", epochs=10,
                                                       random_state=0))
    scores = cross_val_score(pipe, X, (y - y.mean()) / y.std(), cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.2)  # R² on held-out folds
    keras_scores = cross_val_score(KerasRegressor(build_model, epochs=5, verbose=0,
                                                  random_state=0), X_REG, Y_REG, cv=3)
    assert np.all(keras_scores < 0) and np.all(keras_scores > -1.5)  # −MSE of standardized y


# ------------------------------------------------------------ estimator checks
#: Checks the NN* estimators are expected to fail, and why.
EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data":
        "mini-batch SGD: repeating a sample (weight 2) changes the batches and the number "
        "of steps, so it is not the same fit as weighting it; true of any SGD-trained net",
    "check_methods_subset_invariance":
        "float32 matrix products give last-bit (~2e-7 relative) differences when the batch "
        "shape changes; the check demands rtol=1e-7",
}
# Skipped by scikit-learn itself here: the pandas checks (pandas is not installed) and
# check_array_api_input (needs SCIPY_ARRAY_API). check_no_attributes_set_in_init passes
# only for estimators built without routed **kwargs (scikeras has the same limit), hence
# the optimizer instance below instead of optimizer__learning_rate.


@parametrize_with_checks(
    [NNRegressor(optimizer=SGD(learning_rate=0.05), epochs=5, random_state=0),
     NNClassifier(optimizer=SGD(learning_rate=0.1), epochs=5, random_state=0)],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# -------------------------------------------------------------------- threads
def test_limit_threads_sets_and_restores_numba_and_blas():
    before = numba.get_num_threads()
    with threads.limit_threads(1):
        assert numba.get_num_threads() == 1
        assert all(info["num_threads"] == 1 for info in threadpool_info())
    assert numba.get_num_threads() == before
    with threads.limit_threads(None):
        assert numba.get_num_threads() == before
    with pytest.raises(ValueError, match="n_threads must be >= 1"):
        with threads.limit_threads(0):
            pass


def test_threads_per_worker_and_budget(monkeypatch):
    assert threads.threads_per_worker(2, n_cpus=8) == 4
    assert threads.threads_per_worker(16, n_cpus=8) == 1
    with pytest.raises(ValueError, match="n_workers"):
        threads.threads_per_worker(0)
    monkeypatch.delenv("NNLITE_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert threads.worker_thread_budget() == 3
    seen = []
    worker = threading.Thread(target=lambda: seen.append(threads.worker_thread_budget()))
    worker.start()
    worker.join()
    assert seen == [1]  # a fit in a thread shares the process: one thread each
    monkeypatch.setenv("NNLITE_NUM_THREADS", "2")
    assert threads.worker_thread_budget() == 2


def _numba_threads_in_worker():
    with threads.limit_threads(threads.worker_thread_budget()):
        return threads.worker_thread_budget(), numba.get_num_threads()


def test_joblib_workers_get_a_fair_share_of_threads():
    results = joblib.Parallel(n_jobs=2)(joblib.delayed(_numba_threads_in_worker)()
                                        for _ in range(2))
    share = int(os.environ.get("OMP_NUM_THREADS", max(joblib.cpu_count() // 2, 1)))
    assert all(budget == share and n <= share for budget, n in results)
