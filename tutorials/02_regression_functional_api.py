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
# # 2. Regression, the functional API, saving and callbacks (회귀, 함수형 API, 저장과 콜백)
#
# Hands-On ML, chapter 10 (second half), with nnlite. You will
#
# 1. train a **regression MLP (회귀 다층 퍼셉트론)** on California housing prices;
# 2. build non-sequential models with the **functional API (함수형 API)**: a
#    **wide & deep (와이드 & 딥)** network, **multiple inputs (다중 입력)** and an
#    **auxiliary output (보조 출력)**; then the same model with the
#    **subclassing API (서브클래싱 API)**;
# 3. **save and restore (저장과 복원)** a model and its weights;
# 4. use **callbacks (콜백)**: checkpoints, **early stopping (조기 종료)**, your own
#    callback, and **TensorBoard (텐서보드)** logs.
#
# `NNLITE_TUTORIAL_QUICK=1` shrinks data and epochs (CI mode); figures go to
# `NNLITE_TUTORIAL_FIGURES` (default `tutorials/figures/`), saved models and
# logs to its `work/` subfolder.

# %%
import time

import numpy as np
from matplotlib.figure import Figure
from sklearn.preprocessing import StandardScaler
from tutorial_utils import FIGURES, WORK, load_housing, pick, show_source

import nnlite as keras
from nnlite import examples, plot

keras.utils.set_random_seed(42)

# %% [markdown]
# ## 2.1 The data
#
# Each sample is a block of houses in California, described by 8 numbers
# (median income, house age, rooms per household, …); the target is the
# median house value in units of $100,000.  As in the book we split it into
# training, validation and test sets and **standardize (표준화)** the features
# with the training set's mean and standard deviation.  (When scikit-learn
# cannot download the data and has no cached copy, the tutorial uses its
# bundled *diabetes* data instead — the code is the same.)

# %%
(X_train, y_train), (X_valid, y_valid), (X_test, y_test), info = load_housing(
    n_train=pick(2000, None))
print(info["name"], "—", len(info["features"]), "features:", ", ".join(info["features"]))
print("train / valid / test:", X_train.shape, X_valid.shape, X_test.shape)
EPOCHS = pick(8, 20)

# %% [markdown]
# ## 2.2 A regression MLP with the Sequential API
#
# For regression the output layer has one unit per predicted value and **no
# activation**, so it can output any number; the loss is the **mean squared
# error (평균 제곱 오차, MSE)**.  One hidden layer of 30 ReLU units is enough
# here (the data is noisy; a bigger net would overfit).

# %%
model = keras.models.Sequential([
    keras.layers.Dense(30, activation="relu", input_shape=X_train.shape[1:]),
    keras.layers.Dense(1),
])
model.compile(loss="mean_squared_error", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
print(model.loss[0].equations)
history = model.fit(X_train, y_train, epochs=EPOCHS, validation_data=(X_valid, y_valid),
                    verbose=0)
mse_test = model.evaluate(X_test, y_test, verbose=0)
print(f"test MSE: {mse_test:.3f}")
plot.learning_curves(history, FIGURES / "02_regression_learning_curves.png",
                     title="regression MLP 8-30-1, SGD(1e-3), MSE")

# %% [markdown]
# Predictions against the truth: a perfect model puts every point on the
# diagonal.

# %%
y_pred = model.predict(X_test, verbose=0)
fig = Figure(figsize=(5, 5))
ax = fig.subplots()
ax.scatter(y_test, y_pred, s=6, alpha=0.4)
lims = [float(min(y_test.min(), y_pred.min())), float(max(y_test.max(), y_pred.max()))]
ax.plot(lims, lims, "k--", linewidth=1)
ax.set_xlabel(plot.label("true value", "실제 값"))
ax.set_ylabel(plot.label("prediction", "예측"))
ax.set_title(f"test set, MSE = {mse_test:.3f}")
fig.tight_layout()
fig.savefig(FIGURES / "02_predictions.png", dpi=100)
fig

# %% [markdown]
# ### Standardization as a layer (정규화 층): `Normalization`
#
# The third edition does not standardize the features beforehand: the
# model's first layer does it, $z = (x - \mu) / \sqrt{\sigma^2}$ per feature.
# `adapt(X_train)` computes μ and σ² from the training data once; they become
# the layer's **non-trainable weights** (`mean`, `variance`, `count`), so the
# model carries its own preprocessing — saved with it, applied to new data
# without a separate scaler.  The numbers are exactly scikit-learn's
# `StandardScaler`'s.

# %%
(X_train_raw, _), (X_valid_raw, _), (X_test_raw, _), _ = load_housing(
    n_train=pick(2000, None), standardize=False)
keras.backend.clear_session()
keras.utils.set_random_seed(42)
norm_layer = keras.layers.Normalization()
model = keras.Sequential([
    norm_layer,
    keras.layers.Dense(50, activation="relu"),
    keras.layers.Dense(50, activation="relu"),
    keras.layers.Dense(50, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=1e-3),
              metrics=["RootMeanSquaredError"])
norm_layer.adapt(X_train_raw)
scaler = StandardScaler().fit(X_train_raw)
print("μ from adapt == StandardScaler's mean_:",
      np.allclose(np.ravel(norm_layer.mean), scaler.mean_, rtol=1e-5))
print("σ² from adapt == StandardScaler's var_:",
      np.allclose(np.ravel(norm_layer.variance), scaler.var_, rtol=1e-5))
history = model.fit(X_train_raw, y_train, epochs=EPOCHS,
                    validation_data=(X_valid_raw, y_valid), verbose=0)
mse_test, rmse_test = model.evaluate(X_test_raw, y_test, verbose=0)
print(f"test MSE {mse_test:.3f}, RMSE {rmse_test:.3f}")
model.summary()  # mean, variance (one per feature) and count: non-trainable

# %% [markdown]
# `Normalization(invert=True)` undoes the standardization — handy to turn
# standardized values back into the original units.

# %%
denorm = keras.layers.Normalization(invert=True, mean=scaler.mean_, variance=scaler.var_)
print("invert recovers the raw features:",
      np.allclose(denorm(norm_layer(X_test_raw[:5])), X_test_raw[:5], rtol=1e-4, atol=1e-4))

# %% [markdown]
# ## 2.3 The functional API: a wide & deep network
#
# A **wide & deep** network (Cheng et al., 2016) sends the inputs through a
# deep stack *and* straight to the output layer, so it can learn both
# complex patterns (deep path) and simple rules (wide path).  Such a graph is
# not a chain, so we write it with the functional API: every layer is
# *called* on the tensor it receives, like a function, and `Model` takes the
# inputs and outputs.  `concatenate` joins its inputs along the last axis; its
# backward pass simply splits the incoming gradient into the pieces:

# %%
input_ = keras.layers.Input(shape=X_train.shape[1:])
hidden1 = keras.layers.Dense(30, activation="relu")(input_)
hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
concat = keras.layers.concatenate([input_, hidden2])
output = keras.layers.Dense(1)(concat)
model = keras.models.Model(inputs=[input_], outputs=[output])
model.summary()
print(keras.layers.Concatenate.equations)
keras.utils.plot_model(model, FIGURES / "02_wide_deep_model.png", show_shapes=True)

# %%

model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
history = model.fit(X_train, y_train, epochs=EPOCHS, validation_data=(X_valid, y_valid),
                    verbose=0)
print(f"wide & deep, test MSE: {model.evaluate(X_test, y_test, verbose=0):.3f}")

# %% [markdown]
# ### Multiple inputs (다중 입력)
#
# To send some features through the wide path (features 0–4) and others
# through the deep path (features 2 to the end), give the model two `Input`s
# — with names, so the figure is readable — and pass a pair of arrays to
# `fit`, `evaluate` and `predict`.

# %%
input_A = keras.layers.Input(shape=[5], name="wide_input")
input_B = keras.layers.Input(shape=[X_train.shape[1] - 2], name="deep_input")
hidden1 = keras.layers.Dense(30, activation="relu")(input_B)
hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
concat = keras.layers.concatenate([input_A, hidden2])
output = keras.layers.Dense(1, name="output")(concat)
model = keras.models.Model(inputs=[input_A, input_B], outputs=[output])
keras.utils.plot_model(model, FIGURES / "02_two_inputs_model.png", show_shapes=True)

# %%


def split_inputs(X):
    """(wide features, deep features) of each sample."""
    return X[:, :5], X[:, 2:]


X_train_AB, X_valid_AB, X_test_AB = map(split_inputs, (X_train, X_valid, X_test))
model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
history = model.fit(X_train_AB, y_train, epochs=EPOCHS, validation_data=(X_valid_AB, y_valid),
                    verbose=0)
print(f"two inputs, test MSE: {model.evaluate(X_test_AB, y_test, verbose=0):.3f}")

# %% [markdown]
# ### An auxiliary output (보조 출력)
#
# A second output on top of the deep path alone is a way to **regularize
# (규제)**: the deep part must be useful by itself.  Each output has its own
# loss; `loss_weights` says how much each one counts in the total the
# optimizer minimizes, $L = 0.9\,L_{main} + 0.1\,L_{aux}$.  In the backward
# pass the gradients from both heads add up in `hidden2`, the tensor they
# share.  `fit` reports every loss: `loss`, `output_loss`, `aux_output_loss`.

# %%
aux_output = keras.layers.Dense(1, name="aux_output")(hidden2)
model = keras.models.Model(inputs=[input_A, input_B], outputs=[output, aux_output])
model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1],
              optimizer=keras.optimizers.SGD(learning_rate=1e-3))
history = model.fit(X_train_AB, [y_train, y_train], epochs=EPOCHS,
                    validation_data=(X_valid_AB, [y_valid, y_valid]), verbose=0)
total_loss, main_loss, aux_loss = model.evaluate(X_test_AB, [y_test, y_test], verbose=0)
print(f"test losses: total {total_loss:.3f}, main {main_loss:.3f}, aux {aux_loss:.3f}")
plot.learning_curves(history, FIGURES / "02_aux_output_curves.png",
                     title="wide & deep with an auxiliary output (loss weights 0.9 / 0.1)")

# %% [markdown]
# ## 2.4 The subclassing API (서브클래싱 API)
#
# For models whose structure changes at run time (loops, conditions), subclass
# `keras.Model`: create the layers in `__init__` and write the forward pass in
# `call`.  nnlite records the graph the first time the model is called, so
# training works as for the functional model (but `summary()` and
# `plot_model` only know the layers once the model has seen data).

# %%
show_source(examples.WideAndDeepModel)  # nnlite/examples.py: the book's models, written once
WideAndDeepModel = examples.WideAndDeepModel
subclassed = WideAndDeepModel(30, activation="relu")
subclassed.compile(loss="mse", loss_weights=[0.9, 0.1],
                   optimizer=keras.optimizers.SGD(learning_rate=1e-3))
subclassed.fit(X_train_AB, (y_train, y_train), epochs=pick(2, EPOCHS), verbose=0)
print("subclassed model, test losses:",
      np.round(subclassed.evaluate(X_test_AB, (y_test, y_test), verbose=0), 3))

# %% [markdown]
# ## 2.5 Saving and restoring (모델 저장과 복원)
#
# `model.save` writes the architecture, the weights and the optimizer state;
# `keras.models.load_model` rebuilds the model.  Whatever the extension
# (`.h5` in the book), nnlite writes its own small format: a zip of JSON and
# NumPy arrays — never pickle, so loading a file cannot run code.
# `save_weights` / `load_weights` store the weights alone (the model must be
# built with the same architecture).

# %%
path = WORK / "my_keras_model.h5"
model.save(path)
restored = keras.models.load_model(path)
X_new = split_inputs(X_test[:3])
before, after = model.predict(X_new, verbose=0), restored.predict(X_new, verbose=0)
print("main and auxiliary predictions:", np.round(np.hstack(before), 3).tolist())
print("the restored model predicts the same:",
      all(np.array_equal(a, b) for a, b in zip(before, after)))
model.save_weights(WORK / "my_keras_weights.ckpt")
model.load_weights(WORK / "my_keras_weights.ckpt")

# %% [markdown]
# ## 2.6 Callbacks (콜백)
#
# `fit` calls the callbacks at the start and end of training, of each epoch
# and of each batch.
#
# * `ModelCheckpoint(path, save_best_only=True)` saves the model whenever the
#   validation loss improves — the file ends up holding the best model;
# * `EarlyStopping(patience=10, restore_best_weights=True)` stops when the
#   validation loss has not improved for 10 epochs and rolls the weights back
#   to the best epoch;
# * your own callback: any method among `on_epoch_end`, `on_train_batch_end`, …
#   Here it prints the ratio val_loss / loss, which grows when the model
#   starts to **overfit (과대적합)**.

# %%
class PrintValTrainRatioCallback(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch % 10 == 0:
            print(f"epoch {epoch:3d}  val/train: {logs['val_loss'] / logs['loss']:.2f}")


model = keras.models.Sequential([
    keras.layers.Dense(30, activation="relu", input_shape=X_train.shape[1:]),
    keras.layers.Dense(30, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
checkpoint_cb = keras.callbacks.ModelCheckpoint(WORK / "my_keras_model.h5", save_best_only=True)
early_stopping_cb = keras.callbacks.EarlyStopping(patience=pick(3, 10),
                                                  restore_best_weights=True)
history = model.fit(X_train, y_train, epochs=pick(15, 100), validation_data=(X_valid, y_valid),
                    callbacks=[checkpoint_cb, early_stopping_cb, PrintValTrainRatioCallback()],
                    verbose=0)
best = int(np.argmin(history.history["val_loss"]))
print(f"trained {len(history.history['loss'])} epochs, best epoch {best + 1}, "
      f"test MSE {model.evaluate(X_test, y_test, verbose=0):.3f}")

fig = plot.learning_curves(history, title="early stopping: weights restored from the best epoch")
ax = fig.axes[0]
ax.axvline(best + 1, color="gray", linestyle=":")
n_epochs = len(history.history["loss"])
ax.annotate(plot.label("best epoch ", "최적 에포크"), (best + 1, ax.get_ylim()[1] * 0.9),
            ha="right" if best + 1 > n_epochs / 2 else "left")
fig.savefig(FIGURES / "02_early_stopping.png", dpi=100)
fig

# %% [markdown]
# ## 2.7 TensorBoard (텐서보드)
#
# The `TensorBoard` callback writes event files — per epoch the losses (and,
# with `histogram_freq=1`, a histogram of every weight) — that TensorBoard
# draws interactively.  Give each run its own folder so that runs can be
# compared, then start the server with `tensorboard --logdir <folder>` and
# open http://localhost:6006.  (nnlite writes the files with `tensorboardX`,
# installed with it; the viewer is the extra `pip install nnlite[tensorboard]`.)

# %%
def get_run_logdir(root=WORK / "my_logs"):
    return root / time.strftime("run_%Y_%m_%d-%H_%M_%S")


run_logdir = get_run_logdir()
tensorboard_cb = keras.callbacks.TensorBoard(run_logdir, histogram_freq=1)
model.fit(X_train, y_train, epochs=pick(2, 30), validation_data=(X_valid, y_valid),
          callbacks=[tensorboard_cb], verbose=0)
print("event files:", sorted(str(p.relative_to(run_logdir)) for p in run_logdir.rglob("*")
                             if p.is_file()))
print(f"view them with:  tensorboard --logdir {run_logdir.parent}")

# %% [markdown]
# **What you saw.** Regression is classification's sibling: one linear output
# unit and the MSE, whose gradient $\frac{2}{d}(\hat y - y)$ starts the backward
# pass.  The functional API builds any directed graph of layers; where paths
# meet (concatenate) the forward pass joins tensors and the backward pass
# splits the gradient, and where a tensor feeds two layers (hidden2) their
# gradients add up.  Callbacks hook into `fit` to save, stop and log.
