"""Keras Tuner (``import keras_tuner as kt``) tunes nnlite models: the book's chapter-10 cells.

The cells of Hands-On ML 3rd ed., ``10_neural_nets_with_keras.ipynb``, run as
printed after ``import nnlite as tf`` — only the data (scikit-learn's 8x8
digits instead of Fashion-MNIST), the numbers of trials and epochs and the
folder are smaller.  The first tests need no Keras Tuner: what ``import
nnlite`` registers, the Keras backend it picks, callbacks of other libraries
and ``copy.deepcopy`` of nnlite's callbacks, which Keras Tuner does.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

import nnlite as tf
from nnlite import examples
from nnlite.tuner import INSTALL_HINT, import_hook, keras_backend

SEED = 42
pytestmark = [  # Keras Tuner 1.4.8's own use of deprecated threading names
    pytest.mark.filterwarnings("ignore:currentThread:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:getName:DeprecationWarning"),
    # its Gaussian process, fitted on 2 points in the Bayesian optimization test
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")]


@pytest.fixture(scope="module")
def digits():
    """Fashion-MNIST-shaped (images, integer labels) data: 600 train, 200 valid."""
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).reshape(-1, 8, 8).astype("float32")
    return X[:600], y[:600], X[600:800], y[600:800]


build_model = examples.tuner_classifier  # the book's build_model(hp)


# ------------------------------------------------------------ without Keras Tuner
def test_import_nnlite_imports_no_keras():
    code = "\n".join([
        "import sys, nnlite",
        "from nnlite.tuner.import_hook import KerasTunerFinder",
        "print(sorted(m for m in ('keras', 'keras_tuner', 'jax', 'torch') if m in sys.modules))",
        "print(any(isinstance(f, KerasTunerFinder) for f in sys.meta_path))",
    ])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["[]", "True"]


def test_missing_keras_tuner_says_how_to_install(monkeypatch):
    finder = import_hook.KerasTunerFinder()
    monkeypatch.setattr(sys, "meta_path", [finder])  # no other finder finds anything
    with pytest.raises(ModuleNotFoundError, match=r'pip install "nnlite\[tuner\]"'):
        finder.find_spec("keras_tuner")
    assert finder.find_spec("numpy") is None  # other modules are not its business


def test_missing_keras_backend_says_how_to_install():
    class LoaderOfKerasWithoutBackend:
        def create_module(self, spec):
            return None

        def exec_module(self, module):
            raise ModuleNotFoundError("No module named 'jax'", name="jax")

    with pytest.raises(ImportError, match=r'pip install "nnlite\[tuner\]"'):
        import_hook._AdaptingLoader(LoaderOfKerasWithoutBackend()).exec_module(None)


@pytest.fixture
def no_keras_yet(monkeypatch, tmp_path):
    """A process where Keras is not imported, KERAS_BACKEND unset, keras.json absent."""
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.setenv("KERAS_BACKEND", "restored afterwards")
    monkeypatch.delenv("KERAS_BACKEND")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("installed, expected", [
    ({"tensorflow", "jax", "torch"}, "tensorflow"), ({"jax", "torch"}, "numpy"),
    ({"torch"}, "torch"), (set(), None)])
def test_keras_backend_is_the_lightest_installed(no_keras_yet, monkeypatch, installed, expected):
    monkeypatch.setattr(keras_backend, "_installed", lambda package: package in installed)
    assert keras_backend.choose_keras_backend() == expected
    assert (keras_backend.os.environ.get("KERAS_BACKEND")) == expected


def test_keras_backend_chosen_by_the_user_is_kept(no_keras_yet, monkeypatch):
    monkeypatch.setattr(keras_backend, "_installed", lambda package: package == "torch")
    (no_keras_yet / "keras.json").write_text(json.dumps({"backend": "tensorflow"}))
    assert keras_backend.choose_keras_backend() == "torch"  # Keras' default file, no TF
    (no_keras_yet / "keras.json").write_text(json.dumps({"backend": "torch"}))
    monkeypatch.delenv("KERAS_BACKEND")
    assert keras_backend.choose_keras_backend() == "torch"
    assert "KERAS_BACKEND" not in keras_backend.os.environ  # keras.json decides
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert keras_backend.choose_keras_backend() == "jax"


class ForeignCallback:
    """A callback of another library: the methods, not nnlite's base class."""

    def __init__(self):
        self.model, self.params, self.epochs = None, None, []

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append((epoch, logs["val_accuracy"]))


def test_fit_calls_foreign_callbacks(digits):
    X_train, y_train, X_valid, y_valid = digits
    model = build_model(_fixed_hp())
    callback = ForeignCallback()
    history = model.fit(X_train, y_train, epochs=2, validation_data=(X_valid, y_valid),
                        callbacks=[callback], verbose=0)
    assert callback.model is model and callback.params["epochs"] == 2
    assert callback.epochs == list(enumerate(history.history["val_accuracy"]))
    with pytest.raises(ValueError, match="set_model, set_params and on_epoch_end"):
        model.fit(X_train, y_train, epochs=1, callbacks=[object()], verbose=0)


def test_callbacks_survive_deepcopy_and_still_work(digits, tmp_path):
    X_train, y_train, X_valid, y_valid = digits
    early = tf.keras.callbacks.EarlyStopping(patience=1, restore_best_weights=True)
    board = tf.keras.callbacks.TensorBoard(tmp_path / "logs")
    for original in (early, board):
        copied = copy.deepcopy(original)
        assert type(copied) is type(original) and copied is not original
    early_copy, board_copy = copy.deepcopy([early, board])
    board_copy.log_dir = str(tmp_path / "logs" / "copy")
    model = build_model(_fixed_hp())
    model.fit(X_train, y_train, epochs=2, validation_data=(X_valid, y_valid),
              callbacks=[early_copy, board_copy], verbose=0)
    assert list((tmp_path / "logs" / "copy" / "validation").glob("events.out.tfevents.*"))
    assert not (tmp_path / "logs" / "validation").exists()  # the original never wrote
    assert early.best_weights is None and early_copy.best_weights is not None


def test_build_config_rebuilds_a_model_built_by_fit(digits, tmp_path):
    X_train, y_train, _, _ = digits
    model = build_model(_fixed_hp())
    assert model.get_build_config() is None
    model.fit(X_train, y_train, epochs=1, verbose=0)
    config = json.loads(json.dumps(model.get_build_config()))  # as Keras Tuner stores it
    assert config == {"input_shape": [[None, 8, 8]]}
    model.save_weights(tmp_path / "checkpoint.weights.h5")
    twin = build_model(_fixed_hp())
    twin.build_from_config(config)
    assert twin.built and twin.input_shape == (None, 8, 8)
    twin.load_weights(tmp_path / "checkpoint.weights.h5")
    np.testing.assert_array_equal(twin.predict(X_train[:50], verbose=0),
                                  model.predict(X_train[:50], verbose=0))


def _fixed_hp():
    """The book's hyperparameters at their defaults, without Keras Tuner."""
    class FixedHyperParameters:
        def Int(self, name, min_value, max_value, default=None):  # noqa: N802 - Keras' name
            return default if default is not None else min_value

        def Float(self, name, min_value, max_value, sampling=None):  # noqa: N802
            return 1e-3

        def Choice(self, name, values):  # noqa: N802
            return "adam"
    return FixedHyperParameters()


# --------------------------------------------------------------- with Keras Tuner
@pytest.fixture(scope="module")
def kt():
    try:
        import keras_tuner
    except ImportError as exc:  # Keras Tuner, or the backend Keras 3 imports, is missing
        pytest.skip(f"Keras Tuner cannot be imported ({exc}); {INSTALL_HINT}")
    return keras_tuner


class RecordPredictions(tf.keras.callbacks.Callback):
    """Keeps every epoch's val_accuracy and predictions on the validation set."""

    seen: list = []  # a class attribute: shared by the deep copies Keras Tuner makes

    def __init__(self, X_valid):
        super().__init__()
        self.X_valid = X_valid

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append((logs["val_accuracy"], self.model.predict(self.X_valid, verbose=0)))


def random_search(kt, digits, folder: Path, callbacks=()):
    """The book's RandomSearch cell: 3 trials of 2 epochs."""
    X_train, y_train, X_valid, y_valid = digits
    tf.keras.backend.clear_session()
    tf.random.set_seed(SEED)
    random_search_tuner = kt.RandomSearch(
        build_model, objective="val_accuracy", max_trials=3, overwrite=True,
        directory=folder, project_name="my_rnd_search", seed=SEED)
    random_search_tuner.search(X_train, y_train, epochs=2,
                               validation_data=(X_valid, y_valid), callbacks=list(callbacks))
    return random_search_tuner


def test_random_search_best_models_are_the_trained_ones(kt, digits, tmp_path, capsys):
    X_train, y_train, X_valid, y_valid = digits
    RecordPredictions.seen.clear()
    random_search_tuner = random_search(kt, digits, tmp_path / "my_fashion_mnist",
                                        [RecordPredictions(X_valid)])
    assert len(RecordPredictions.seen) == 3 * 2

    top3_models = random_search_tuner.get_best_models(num_models=3)
    best_model = top3_models[0]
    assert len(top3_models) == 3 and all(isinstance(m, tf.keras.Sequential) for m in top3_models)
    top3_params = random_search_tuner.get_best_hyperparameters(num_trials=3)
    best_trial = random_search_tuner.oracle.get_best_trials(num_trials=1)[0]
    assert top3_params[0].values == best_trial.hyperparameters.values
    best_trial.summary()
    assert f"Score: {best_trial.score}" in capsys.readouterr().out

    best_value = best_trial.metrics.get_last_value("val_accuracy")
    assert best_value == max(acc for acc, _ in RecordPredictions.seen)
    _, val_accuracy = best_model.evaluate(X_valid, y_valid, verbose=0)
    assert val_accuracy == pytest.approx(best_value, abs=1e-12)
    predictions = best_model.predict(X_valid, verbose=0)
    assert any(np.array_equal(predictions, seen) for acc, seen in RecordPredictions.seen
               if acc == best_value)  # bit for bit the model trained at its best epoch
    scores = [t.score for t in random_search_tuner.oracle.get_best_trials(num_trials=3)]
    assert scores == sorted(scores, reverse=True)
    for model, trial in zip(top3_models, random_search_tuner.oracle.get_best_trials(3)):
        assert model.evaluate(X_valid, y_valid, verbose=0)[1] == pytest.approx(trial.score)

    history = best_model.fit(X_train, y_train, epochs=1, verbose=0)  # trains on, as in the book
    assert np.isfinite(history.history["loss"][0])


def test_search_is_reproducible_with_seeds(kt, digits, tmp_path):
    runs = []
    for k in range(2):
        tf.keras.utils.set_random_seed(SEED)
        tuner = random_search(kt, digits, tmp_path / f"run{k}")
        runs.append([(t.hyperparameters.values, t.metrics.get_history("val_accuracy")[0].value)
                     for t in tuner.oracle.trials.values()])
    assert runs[0] == runs[1]
    assert len({json.dumps(hp, sort_keys=True) for hp, _ in runs[0]}) == 3


def test_hyperband_with_a_hypermodel_and_tensorboard(kt, digits, tmp_path):
    X_train, y_train, X_valid, y_valid = digits
    hyperband_tuner = kt.Hyperband(
        examples.tuner_hypermodel(kt), objective="val_accuracy", seed=SEED,
        max_epochs=3, factor=3, hyperband_iterations=1,
        overwrite=True, directory=tmp_path / "my_fashion_mnist", project_name="hyperband")
    root_logdir = Path(hyperband_tuner.project_dir) / "tensorboard"
    tensorboard_cb = tf.keras.callbacks.TensorBoard(root_logdir)
    early_stopping_cb = tf.keras.callbacks.EarlyStopping(patience=2)
    hyperband_tuner.search(X_train, y_train, epochs=10, validation_data=(X_valid, y_valid),
                           callbacks=[early_stopping_cb, tensorboard_cb], verbose=0)

    trials = list(hyperband_tuner.oracle.trials.values())
    assert len(trials) == 3 + 1 + 2 and all(t.status == "COMPLETED" for t in trials)
    assert {t.hyperparameters.values["normalize"] for t in trials} <= {True, False}
    resumed = [t for t in trials if "tuner/trial_id" in t.hyperparameters.values]
    assert len(resumed) == 1 and resumed[0].hyperparameters.values["tuner/initial_epoch"] == 1
    for trial in trials:
        logdir = root_logdir / trial.trial_id / "execution0"
        assert list((logdir / "validation").glob("events.out.tfevents.*")), trial.trial_id
    assert not (root_logdir / "train").exists()  # nothing written outside the trial folders
    assert tensorboard_cb.log_dir == str(root_logdir)  # Keras Tuner moved copies, not it

    best_trial = hyperband_tuner.oracle.get_best_trials(num_trials=1)[0]
    best_model = hyperband_tuner.get_best_models(num_models=1)[0]
    if best_trial.hyperparameters.values["normalize"]:
        norm_layer = tf.keras.layers.Normalization()
        norm_layer.adapt(X_train)
        X_train = norm_layer(X_train)
    assert np.isfinite(best_model.evaluate(X_train, y_train, verbose=0)[0])
    assert best_trial.metrics.get_last_value("val_accuracy") == pytest.approx(
        best_model.evaluate(X_valid, y_valid, verbose=0)[1])


def test_bayesian_optimization(kt, digits, tmp_path):
    X_train, y_train, X_valid, y_valid = digits
    early_stopping_cb = tf.keras.callbacks.EarlyStopping(patience=2)
    bayesian_opt_tuner = kt.BayesianOptimization(
        examples.tuner_hypermodel(kt), objective="val_accuracy", seed=SEED,
        max_trials=3, num_initial_points=2, alpha=1e-4, beta=2.6,
        overwrite=True, directory=tmp_path / "my_fashion_mnist", project_name="bayesian_opt")
    bayesian_opt_tuner.search(X_train, y_train, epochs=2, validation_data=(X_valid, y_valid),
                              callbacks=[early_stopping_cb], verbose=0)
    trials = list(bayesian_opt_tuner.oracle.trials.values())
    assert len(trials) == 3 and all(t.status == "COMPLETED" for t in trials)
    best_trial = bayesian_opt_tuner.oracle.get_best_trials(num_trials=1)[0]
    assert best_trial.score == max(t.score for t in trials)
    assert isinstance(bayesian_opt_tuner.get_best_models()[0], tf.keras.Sequential)


def test_a_build_returning_something_else_is_rejected(kt, tmp_path, digits):
    X_train, y_train, X_valid, y_valid = digits
    tuner = kt.RandomSearch(lambda hp: "not a model", objective="val_accuracy", max_trials=1,
                            directory=tmp_path, project_name="bad")
    with pytest.raises(kt.errors.FatalTypeError, match="Keras or nnlite Model"):
        tuner.search(X_train, y_train, epochs=1, validation_data=(X_valid, y_valid))


def test_the_hypermodel_normalizes_when_told(kt, digits, tmp_path):
    X_train, y_train, X_valid, y_valid = digits
    hp = kt.HyperParameters()
    hp.Fixed("normalize", True)  # the seeded searches above never draw True
    tuner = kt.RandomSearch(examples.tuner_hypermodel(kt), objective="val_accuracy", max_trials=1,
                            hyperparameters=hp, seed=SEED, directory=tmp_path,
                            project_name="normalized")
    tuner.search(X_train, y_train, epochs=1, validation_data=(X_valid, y_valid), verbose=0)
    (trial,) = tuner.oracle.trials.values()
    assert trial.status == "COMPLETED" and trial.hyperparameters.values["normalize"] is True
    assert 0 <= trial.metrics.get_last_value("val_accuracy") <= 1


def test_keras_tuner_imported_before_nnlite_is_adapted_too(kt):
    code = ("import keras_tuner; from keras_tuner.src.engine.tuner import Tuner; "
            "print(getattr(Tuner, '_nnlite_adapted', False)); "
            "import nnlite.tuner; print(getattr(Tuner, '_nnlite_adapted', False)); "
            "print(nnlite.tuner.enable() is keras_tuner)")
    env = {**os.environ, "KERAS_BACKEND": sys.modules["keras"].backend.backend()}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout.split()
    assert out == ["False", "True", "True"]
