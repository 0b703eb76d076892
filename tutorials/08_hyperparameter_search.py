# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 8. Fine-tuning hyperparameters with scikit-learn (하이퍼파라미터 튜닝)
#
# Hands-On ML, chapter 10.3.  A network's flexibility is also its weakness:
# the number of **hidden layers (은닉층)**, of **neurons per layer (뉴런 수)**,
# the **learning rate (학습률)**, the batch size, the optimizer, the
# activation… all must be chosen.  The simplest method is to try many
# combinations and keep the one with the best score on held-out data.  You
# will
#
# 1. wrap a Keras model as a scikit-learn **estimator (추정기)** with
#    `KerasRegressor`;
# 2. run a **randomized search (랜덤 탐색)** with `RandomizedSearchCV`, using
#    **cross-validation (교차 검증)**, and read its results;
# 3. run a small **grid search (그리드 탐색)** and look at the score of each
#    combination;
# 4. meet `NNRegressor`, the modern (scikeras-style) wrapper;
# 5. tune a classifier with **Keras Tuner** (케라스 튜너), as the book's third
#    edition does: random search, Hyperband and Bayesian optimization.
#
# `NNLITE_TUTORIAL_QUICK=1` shrinks the search (few candidates, few epochs).

# %%
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from scipy.stats import reciprocal
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from tutorial_utils import FIGURES, WORK, load_fashion_mnist, load_housing, pick, show_source

import nnlite as keras
from nnlite import examples, plot
from nnlite.wrappers import NNRegressor
from nnlite.wrappers.scikit_learn import KerasRegressor

keras.utils.set_random_seed(42)
(X_train, y_train), (X_valid, y_valid), (X_test, y_test), info = load_housing(
    n_train=pick(1000, None))
print(info["name"], "— train / valid / test:", len(X_train), len(X_valid), len(X_test))
EPOCHS = pick(6, 100)

# %% [markdown]
# ## 8.1 A Keras model as a scikit-learn estimator
#
# Write a function that builds and compiles the model from the
# hyperparameters you want to tune, and wrap it.  Every argument of the
# function can be set as a hyperparameter — in the constructor, with
# `set_params`, or by a search — and `get_params()` lists those you set;
# `fit` builds a **fresh** model each time.  A regressor's `score` is the
# *negative* MSE, because scikit-learn wants "higher is better".

# %%
show_source(examples.regression_mlp)  # nnlite/examples.py: the book's models, written once
build_model = examples.regression_mlp


keras_reg = KerasRegressor(build_model, input_shape=X_train.shape[1:], random_state=42,
                           verbose=0)
print(sorted(keras_reg.get_params()))
early_stopping = keras.callbacks.EarlyStopping(patience=pick(3, 10))
keras_reg.fit(X_train, y_train, epochs=EPOCHS, validation_data=(X_valid, y_valid),
              callbacks=[early_stopping])
print(f"score on the test set (−MSE): {keras_reg.score(X_test, y_test):.4f}")
print("predictions:", np.round(keras_reg.predict(X_test[:3]), 3))

# %% [markdown]
# ## 8.2 Randomized search (랜덤 탐색)
#
# `RandomizedSearchCV` draws `n_iter` combinations from the distributions you
# give, trains each one `cv` times (k-fold **cross-validation**: each fold is
# held out once) and ranks them by the mean held-out score.  The learning
# rate is drawn from a **reciprocal (log-uniform) distribution**: every
# decade between 3e-4 and 3e-2 is equally likely.  `fit`'s extra arguments
# (epochs, validation data, callbacks) are passed to every training run.
# `random_state` on the estimator seeds each fit, so the search gives the
# same result however many processes (`n_jobs`) run it.

# %%
param_distribs = {
    "n_hidden": [0, 1, 2, 3],
    "n_neurons": np.arange(1, 100).tolist(),
    "learning_rate": reciprocal(3e-4, 3e-2).rvs(1000, random_state=42).tolist(),
}
rnd_search_cv = RandomizedSearchCV(keras_reg, param_distribs, n_iter=pick(4, 10),
                                   cv=pick(2, 3), random_state=42)
rnd_search_cv.fit(X_train, y_train, epochs=EPOCHS, validation_data=(X_valid, y_valid),
                  callbacks=[keras.callbacks.EarlyStopping(patience=pick(3, 10))])
print("best parameters:", rnd_search_cv.best_params_)
print(f"best mean CV score (−MSE): {rnd_search_cv.best_score_:.4f}")
print(f"test score of the best model, refitted on the whole training set: "
      f"{rnd_search_cv.score(X_test, y_test):.4f}")
best_model = rnd_search_cv.best_estimator_.model  # the nnlite model inside
best_model.summary()

# %% [markdown]
# Every candidate, its learning rate and its cross-validated score.  Marker
# size is the number of neurons, colour the number of hidden layers; the
# best candidate is circled.

# %%
results = rnd_search_cv.cv_results_
lrs = np.array(results["param_learning_rate"], dtype=float)
scores = np.array(results["mean_test_score"], dtype=float)
n_hidden = np.array(results["param_n_hidden"], dtype=int)
n_neurons = np.array(results["param_n_neurons"], dtype=int)
fig = Figure(figsize=(7, 4.5))
ax = fig.subplots()
points = ax.scatter(lrs, scores, s=20 + 2 * n_neurons, c=n_hidden, cmap="viridis", vmin=0,
                    vmax=3, edgecolor="k")
best = int(np.argmax(scores))
ax.scatter(lrs[best], scores[best], s=400, facecolor="none", edgecolor="red", linewidth=2)
fig.colorbar(points, ax=ax, ticks=range(4), label=plot.label("hidden layers", "은닉층 수"))
ax.set_xscale("log")
ax.set_xlabel(plot.label("learning rate", "학습률"))
ax.set_ylabel(plot.label("mean CV score (−MSE)", "교차 검증 점수"))
ax.set_title(f"randomized search: {len(scores)} candidates × {rnd_search_cv.n_splits_} folds")
ax.grid(True, alpha=0.4)
fig.tight_layout()
fig.savefig(FIGURES / "08_random_search.png", dpi=100)
fig

# %% [markdown]
# ## 8.3 Grid search (그리드 탐색)
#
# When only a few values are worth trying, `GridSearchCV` tries them all.
# Depth against width, at a fixed learning rate:

# %%
grid = {"n_hidden": [1, 2, 3], "n_neurons": pick([10, 50], [10, 30, 100])}
grid_search = GridSearchCV(KerasRegressor(build_model, input_shape=X_train.shape[1:],
                                          learning_rate=1e-2, random_state=42, verbose=0),
                           grid, cv=pick(2, 3))
grid_search.fit(X_train, y_train, epochs=EPOCHS)
table = np.array(grid_search.cv_results_["mean_test_score"]).reshape(
    len(grid["n_hidden"]), len(grid["n_neurons"]))
fig = Figure(figsize=(5.5, 4))
ax = fig.subplots()
image = ax.imshow(table, cmap="viridis")
middle = (table.min() + table.max()) / 2
for (i, j), value in np.ndenumerate(table):  # dark text on the light (high) cells
    ax.text(j, i, f"{value:.3f}", ha="center", va="center",
            color="k" if value > middle else "w")
ax.set_xticks(range(len(grid["n_neurons"])), grid["n_neurons"])
ax.set_yticks(range(len(grid["n_hidden"])), grid["n_hidden"])
ax.set_xlabel(plot.label("neurons per layer", "뉴런 수"))
ax.set_ylabel(plot.label("hidden layers", "은닉층 수"))
fig.colorbar(image, ax=ax, label="mean CV score (−MSE)")
ax.set_title("grid search, SGD(learning_rate=0.01)")
fig.tight_layout()
fig.savefig(FIGURES / "08_grid_search.png", dpi=100)
fig

# %%
print("best:", grid_search.best_params_)

# %% [markdown]
# ## 8.4 The modern wrapper: `NNRegressor`
#
# tf.keras dropped `KerasRegressor`; its successor, scikeras, names the
# model's and the optimizer's parameters with prefixes: `model__n_hidden`,
# `optimizer__learning_rate`.  nnlite's `NNRegressor` follows it, builds a
# default MLP when you give no model, and its `score` is R² as for any
# scikit-learn regressor.

# %%
reg = NNRegressor(optimizer="sgd", optimizer__learning_rate=1e-2, model__n_hidden=2,
                  model__n_neurons=30, epochs=EPOCHS, verbose=0, random_state=42)
search = RandomizedSearchCV(reg, {"model__n_hidden": [1, 2, 3],
                                  "optimizer__learning_rate": reciprocal(1e-3, 3e-2)},
                            n_iter=pick(2, 10), cv=pick(2, 3), random_state=42)
search.fit(X_train, y_train.ravel())
print("best:", search.best_params_, f"R² on the test set: {search.score(X_test, y_test):.3f}")

# %% [markdown]
# **Guidelines from the book.** One or two hidden layers go a long way;
# add layers until the network overfits, then regularize.  Make the hidden
# layers the same size, or a bit wider than needed and use early stopping
# ("stretch pants").  The learning rate matters most: search it on a log
# scale (or use the LR finder of tutorial 6).  With `n_jobs` the folds and
# candidates train in parallel; nnlite then limits each worker's threads so
# the processes do not fight over the cores.

# %% [markdown]
# ## 8.5 Keras Tuner (케라스 튜너)
#
# The third edition tunes a Fashion-MNIST classifier with the **Keras Tuner**
# library (`pip install "nnlite[tuner]"`).  Its tuners call only Keras-style
# methods on the model you build — `fit`, `evaluate`, `save_weights`,
# `load_weights` — so they tune nnlite models too: `import nnlite` teaches
# `keras_tuner` (when it is imported) to accept them, and the book's code
# runs unchanged.  `build_model(hp)` asks the **hyperparameters object**
# `hp` for each value — an integer range (`hp.Int`), a float on a log scale
# (`hp.Float(sampling="log")`), a choice (`hp.Choice`) — and the **tuner**
# (튜너) decides what to try.  Each **trial** (시행) trains one model and is
# scored by `objective="val_accuracy"`; its files go to
# `directory/project_name`.

# %%
try:
    import keras_tuner as kt
except ImportError as exc:  # the optional extra is not installed
    kt = None
    print(f"skipping 8.5: {exc}")

tf = keras  # the book writes tf.keras.…; `import nnlite as tf` works as well
(X_train_img, y_train_img), (X_valid_img, y_valid_img), _, class_names = load_fashion_mnist(
    n_train=pick(1000, None), n_valid=pick(300, 5000))
TUNER_EPOCHS = pick(2, 10)


show_source(examples.tuner_classifier)  # the book's build_model(hp)
build_classifier = examples.tuner_classifier


if kt is not None:
    random_search_tuner = kt.RandomSearch(
        build_classifier, objective="val_accuracy", max_trials=pick(3, 5), overwrite=True,
        directory=WORK / "my_fashion_mnist", project_name="my_rnd_search", seed=42)
    random_search_tuner.search(X_train_img, y_train_img, epochs=TUNER_EPOCHS,
                               validation_data=(X_valid_img, y_valid_img), verbose=0)
    best_model = random_search_tuner.get_best_models(num_models=1)[0]  # an nnlite model
    best_trial = random_search_tuner.oracle.get_best_trials(num_trials=1)[0]
    best_trial.summary()
    print("val_accuracy of the best trial:", best_trial.metrics.get_last_value("val_accuracy"),
          "— the best model, evaluated again:",
          best_model.evaluate(X_valid_img, y_valid_img, verbose=0)[1])

# %% [markdown]
# `get_best_models` rebuilds each model with `build_classifier` and loads the
# weights saved at its best epoch, so it scores exactly what the trial
# recorded.  **Hyperband** (하이퍼밴드) spends less on bad candidates: it trains
# many for a few epochs, keeps the best `1/factor` and trains them further
# (resuming from their saved weights), up to `max_epochs`.  A `HyperModel`
# subclass can also tune how it is *trained*: its `fit` may normalize the
# inputs when `hp.Boolean("normalize")` says so.  The TensorBoard callback
# writes one folder per trial under `project_dir/tensorboard`, and Keras
# Tuner deep-copies every callback for every trial.

# %%
show_source(examples.tuner_hypermodel)  # the book's MyClassificationHyperModel


if kt is not None:
    hyperband_tuner = kt.Hyperband(
        examples.tuner_hypermodel(kt), objective="val_accuracy", seed=42,
        max_epochs=pick(3, 10), factor=3, hyperband_iterations=pick(1, 2),
        overwrite=True, directory=WORK / "my_fashion_mnist", project_name="hyperband")
    root_logdir = Path(hyperband_tuner.project_dir) / "tensorboard"
    tensorboard_cb = tf.keras.callbacks.TensorBoard(root_logdir)
    early_stopping_cb = tf.keras.callbacks.EarlyStopping(patience=2)
    hyperband_tuner.search(X_train_img, y_train_img, epochs=10,
                           validation_data=(X_valid_img, y_valid_img),
                           callbacks=[early_stopping_cb, tensorboard_cb], verbose=0)
    for trial in hyperband_tuner.oracle.get_best_trials(num_trials=3):
        print(trial.trial_id, f"{trial.score:.3f}", trial.hyperparameters.values)
    print("TensorBoard folders:", sorted(p.name for p in root_logdir.iterdir()))

# %% [markdown]
# **Bayesian optimization** (베이지안 최적화) fits a Gaussian process to the
# scores seen so far and tries next where it expects the most: `alpha` is
# the noise it assumes in the scores, `beta` how much it explores.

# %%
if kt is not None:
    bayesian_opt_tuner = kt.BayesianOptimization(
        examples.tuner_hypermodel(kt), objective="val_accuracy", seed=42,
        max_trials=pick(3, 10), alpha=1e-4, beta=2.6,
        overwrite=True, directory=WORK / "my_fashion_mnist", project_name="bayesian_opt")
    bayesian_opt_tuner.search(X_train_img, y_train_img, epochs=TUNER_EPOCHS,
                              validation_data=(X_valid_img, y_valid_img),
                              callbacks=[early_stopping_cb], verbose=0)
    print("best:", bayesian_opt_tuner.get_best_hyperparameters()[0].values)
