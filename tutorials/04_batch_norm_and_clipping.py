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
# # 4. Batch normalization and gradient clipping (배치 정규화와 그레이디언트 클리핑)
#
# Hands-On ML, chapter 11.1.3–11.1.4.  Good initialization and activations
# (tutorial 3) make gradients healthy at the *start* of training; two more
# tools keep them healthy *during* training:
#
# * **batch normalization (배치 정규화, BN)** standardizes each layer's inputs
#   over the mini-batch, then rescales and shifts them with two learned
#   vectors;
# * **gradient clipping (그레이디언트 클리핑)** caps the gradient before the
#   optimizer uses it, so one huge gradient cannot throw the weights away.
#
# We step through a BN layer forward and backward, watch the gradients of a
# deep sigmoid network with and without BN, and make gradients explode — then
# clip them.  `NNLITE_TUTORIAL_QUICK=1` shrinks data and epochs.

# %%
import warnings

import numpy as np
from matplotlib.figure import Figure
from tutorial_utils import FIGURES, load_fashion_mnist, pick, show_source

import nnlite as keras
from nnlite import plot
from nnlite.examples import batch_norm_model
from nnlite.inspect import inspect_batch

keras.utils.set_random_seed(42)
(X_train, y_train), (X_valid, y_valid), _, _ = load_fashion_mnist(
    n_train=pick(2000, None), n_valid=pick(500, 5000), n_test=0)

# %% [markdown]
# ## 4.1 The algorithm (배치 정규화 알고리즘)
#
# For a mini-batch B of $m_B$ samples, per input feature, BN standardizes
# the inputs with the batch's mean μ_B and variance σ_B², then scales them
# by γ (**scale, 스케일**) and shifts them by β (**shift, 이동**), both trained
# by backpropagation.  At test time there may be a single sample, so BN uses
# instead the **moving averages (이동 평균)** of μ_B and σ_B² collected during
# training (momentum ρ = 0.99 in Keras).  The equations nnlite implements,
# backward pass included, as `BatchNormalization`'s docstring states them:

# %%
print(keras.layers.BatchNormalization.equations)

# %% [markdown]
# ## 4.2 The book's model with BN
#
# A BN layer after the input (so no need to standardize the data yourself)
# and after each hidden layer.  Each BN layer has four vectors per input
# feature: γ and β are trainable, the two moving statistics are not — hence
# 4 × 784 = 3,136 parameters in the first BN layer, and "non-trainable
# params" in the summary.

# %%
show_source(batch_norm_model)  # nnlite/examples.py: the book's models, written once

keras.backend.clear_session()
model = batch_norm_model()
model.summary()
print([(var.name, var.trainable) for var in model.layers[1].variables])

# %% [markdown]
# ### Step through one BN layer (한 층씩 따라가기)
#
# `inspect_batch` records the BN layer's input and output on one batch of 64
# images in training mode.  Before BN the 300 features of the hidden layer
# have all sorts of means and spreads; after it each feature has mean 0 and
# standard deviation 1 over the batch (γ = 1 and β = 0 at the start).

# %%
model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
trace = inspect_batch(model, X_train[:64], y_train[:64])
bn = trace["batch_normalization_1"]
print(bn.describe())

fig = Figure(figsize=(10, 3.6))
axes = fig.subplots(1, 2)
features = np.arange(bn.input.shape[1])
for ax, stat, name in ((axes[0], np.mean, "mean"), (axes[1], np.std, "standard deviation")):
    ax.plot(features, stat(bn.input, axis=0), ".", label=plot.label("BN input", "입력"))
    ax.plot(features, stat(bn.output, axis=0), ".", label=plot.label("BN output", "출력"))
    ax.set_xlabel(plot.label("feature (unit of the hidden layer)", "특성"))
    ax.set_ylabel(f"{name} over the batch")
    ax.grid(True, alpha=0.4)
    ax.legend()
fig.suptitle("batch_normalization_1, one training batch of 64 images")
fig.tight_layout()
fig.savefig(FIGURES / "04_bn_step_through.png", dpi=100)
fig

# %% [markdown]
# Backward, β enters every output with coefficient 1, so
# $\partial L/\partial\beta = \sum_i \delta_i$, and
# $\partial L/\partial\gamma = \sum_i \delta_i \hat x_i$ — check them by hand,
# then let `check_gradients` compare every weight of a small BN network with
# numerical derivatives (float64, central differences):

# %%
x_hat = (bn.input - bn.input.mean(axis=0)) / np.sqrt(bn.input.var(axis=0) + 1e-3)
print("∂L/∂β by hand vs backprop:", np.abs(bn.grad_output.sum(axis=0)
                                           - bn.weight_grads["beta"]).max())
print("∂L/∂γ by hand vs backprop:", np.abs((bn.grad_output * x_hat).sum(axis=0)
                                           - bn.weight_grads["gamma"]).max())
small = keras.models.Sequential([keras.layers.Dense(6, activation="elu", input_shape=[5]),
                                 keras.layers.BatchNormalization(),
                                 keras.layers.Dense(3, activation="softmax")])
small.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
rng = np.random.default_rng(0)
print(keras.utils.check_gradients(small, rng.normal(size=(8, 5)), rng.integers(0, 3, 8)))

# %% [markdown]
# Train the model, and the same model without its BN layers, for a few
# epochs.  BN makes each epoch slower (more computation), but the network
# learns faster per epoch.

# %%
histories = {}
for name, make in (("with BN", batch_norm_model),
                   ("without BN", lambda: keras.models.Sequential(
                       [layer for layer in batch_norm_model().layers
                        if not isinstance(layer, keras.layers.BatchNormalization)]))):
    keras.backend.clear_session()
    keras.utils.set_random_seed(42)
    model = make()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=pick(3, 10),
                        validation_data=(X_valid, y_valid), verbose=0)
    histories[f"{name}: val_accuracy"] = history.history["val_accuracy"]
    print(f"{name:11s} val_accuracy per epoch:", np.round(history.history["val_accuracy"], 3))
plot.learning_curves(histories, FIGURES / "04_bn_vs_plain.png",
                     title="the book's 300-100 ELU network, SGD(0.01)")

# %% [markdown]
# ## 4.3 BN against vanishing gradients
#
# Tutorial 3 showed a 10-layer sigmoid network that cannot learn: its lower
# layers receive gradients a million times smaller than its top layer.  Put a
# BN layer between each Dense layer and its sigmoid — the book's "BN before
# the activation" style, where the Dense layer needs no bias because β does
# the shifting — and watch the `GradientMonitor`.

# %%
def deep_sigmoid(with_bn: bool, momentum: float = 0.99, depth: int = 10):
    keras.backend.clear_session()
    keras.utils.set_random_seed(42)
    model = keras.models.Sequential([keras.layers.Flatten(input_shape=[28, 28])])
    for _ in range(depth):
        if with_bn:
            model.add(keras.layers.Dense(50, use_bias=False))
            model.add(keras.layers.BatchNormalization(momentum=momentum))
            model.add(keras.layers.Activation("sigmoid"))
        else:
            model.add(keras.layers.Dense(50, activation="sigmoid"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.1), metrics=["accuracy"])
    return model


runs = {}
for name, with_bn, momentum in (("no BN", False, 0.99), ("BN, momentum 0.99", True, 0.99),
                                ("BN, momentum 0.9", True, 0.9)):
    model = deep_sigmoid(with_bn, momentum)
    monitor = keras.callbacks.GradientMonitor(layers=[layer.name for layer in model.layers
                                                      if isinstance(layer, keras.layers.Dense)])
    runs[name] = model.fit(X_train, y_train, epochs=pick(3, 10), callbacks=[monitor],
                           validation_data=(X_valid, y_valid), verbose=0)
    rms = runs[name].layer_stats["grad_rms"]
    print(f"{name:18s} RMS of ∇W, first → last Dense:",
          " ".join(f"{v[-1]:.0e}" for v in rms.values()))

plot.gradient_norms(runs["no BN"], FIGURES / "04_grad_rms_without_bn.png", stat="grad_rms")

# %%
plot.gradient_norms(runs["BN, momentum 0.99"], FIGURES / "04_grad_rms_with_bn.png",
                    stat="grad_rms")

# %% [markdown]
# Without BN the gradient shrinks by orders of magnitude from the top layer
# down; with BN every layer gets a gradient of the same size, and the network
# learns.  Look at the accuracies, though:

# %%
curves = {"no BN: val_accuracy": runs["no BN"].history["val_accuracy"],
          "BN: accuracy (training)": runs["BN, momentum 0.99"].history["accuracy"],
          "BN, momentum 0.99: val_accuracy": runs["BN, momentum 0.99"].history["val_accuracy"],
          "BN, momentum 0.9: val_accuracy": runs["BN, momentum 0.9"].history["val_accuracy"]}
for key, values in curves.items():
    print(f"{key:32s}", np.round(values, 3))
plot.learning_curves(curves, FIGURES / "04_bn_momentum.png",
                     title="10 sigmoid layers: no BN vs BN (momentum 0.99 / 0.9)")

# %% [markdown]
# With BN the *training* accuracy climbs at once (the momentum of the moving
# averages plays no part in training: both BN runs have the same curve).  In quick mode (a few
# hundred training steps) the *validation* accuracy of the momentum-0.99 model
# lags far behind: at inference BN uses the moving averages, and with
# m = 0.99 they average over the last ~100 batches of weights that were
# changing fast — ten layers of stale statistics compound.  A smaller
# momentum (0.9) tracks recent batches and the gap closes.  With the whole
# training set (full mode, 1,719 steps per epoch) the default 0.99 has
# plenty of time and both agree: the book's rule "momentum close to 1, more
# 9s for bigger data" follows.

# %% [markdown]
# ## 4.4 Gradient clipping (그레이디언트 클리핑)
#
# Keras clips in the optimizer:
#
# * `clipvalue=v` clips every component of the gradient to [−v, v] — it can
#   change the gradient's **direction**;
# * `clipnorm=r` rescales each weight tensor's gradient g to
#   $g \cdot \min(1, r/\lVert g\rVert)$ — same direction, bounded length
#   (`global_clipnorm` does this for all tensors together).
#
# The lecture notes' example: the gradient [0.9, 100.0] with one step of SGD
# at η = 1.

# %%
steps = {}
for name, kwargs in (("no clipping", {}), ("clipvalue=1.0", {"clipvalue": 1.0}),
                     ("clipnorm=1.0", {"clipnorm": 1.0})):
    theta = keras.variables.Variable(np.zeros(2), name="theta")
    keras.optimizers.SGD(learning_rate=1.0, **kwargs).apply_gradients(
        [(np.array([0.9, 100.0]), theta)])
    steps[name] = -theta.numpy()
    print(f"{name:13s} step −Δθ = {np.round(steps[name], 4)}")

fig = Figure(figsize=(6, 5))
ax = fig.subplots()
for k, (name, g) in enumerate(steps.items()):
    g = g / np.linalg.norm(g)
    ax.annotate("", xy=g, xytext=(0, 0),
                arrowprops=dict(arrowstyle="-|>", color=f"C{k}", linewidth=2))
    ax.plot([], [], color=f"C{k}", label=f"{name}: {np.round(steps[name], 4).tolist()}")
ax.set_xlim(-0.1, 1.0)
ax.set_ylim(-0.1, 1.1)
ax.set_aspect("equal")
ax.grid(True, alpha=0.4)
ax.legend(loc="lower right", fontsize=8)
ax.set_title(plot.label("direction of the step for the gradient [0.9, 100]", "클리핑"))
fig.tight_layout()
fig.savefig(FIGURES / "04_clipping_direction.png", dpi=100)
fig

# %% [markdown]
# `clipnorm` keeps the direction (the first component almost vanishes next
# to the second); `clipvalue` turns the step towards the diagonal.
#
# Now make gradients **explode (폭주)**: ten ReLU layers whose weights have
# three times He's variance (`VarianceScaling(scale=6)`).  Each layer
# multiplies the signal — forward and backward — by about √3, so the
# gradient of the first layer is huge, the first steps throw the weights
# away, and within a few batches the loss is NaN.  The `GradientMonitor`
# (per batch) shows the explosion; the same network with `clipnorm=1.0`
# trains.

# %%
def exploding_net(**clip):
    keras.backend.clear_session()
    keras.utils.set_random_seed(42)
    init = keras.initializers.VarianceScaling(scale=6.0)
    model = keras.models.Sequential([keras.layers.Flatten(input_shape=[28, 28])] + [
        keras.layers.Dense(50, activation="relu", kernel_initializer=init) for _ in range(10)
    ] + [keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.01, **clip),
                  metrics=["accuracy"])
    return model


for name, clip in (("no clipping", {}), ("clipnorm=1.0", {"clipnorm": 1.0}),
                   ("clipvalue=0.1", {"clipvalue": 0.1})):
    monitor = keras.callbacks.GradientMonitor(batch_freq=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow, then "the loss is nan"
        history = exploding_net(**clip).fit(
            X_train, y_train, epochs=pick(2, 5), validation_data=(X_valid, y_valid),
            callbacks=[monitor, keras.callbacks.TerminateOnNaN()], verbose=0)
    first = next(iter(monitor.batch_history["grad_norm"].values()))
    print(f"{name:13s} first layer ‖∇W‖ on batches 1-4: {np.array(first[:4])}  "
          f"loss per epoch: {np.round(history.history['loss'], 3)}  "
          f"val_accuracy: {np.round(history.history.get('val_accuracy', []), 3)}")
    if not clip:
        unclipped = monitor

# %%
plot.gradient_norms(unclipped, FIGURES / "04_exploding_gradients.png", per_batch=True)

# %% [markdown]
# (With clipping the monitor shows the gradient *after* clipping — the one
# the optimizer used: √2 for the first layer, its kernel and bias each
# clipped to norm 1.)
#
# **What you saw.** BN re-centres and re-scales every layer's inputs on each
# batch, so the backward signal keeps its size through the depth; its
# backward pass (the formula above) is checked against numerical gradients.
# Its moving statistics are what inference uses — give them enough steps.
# Clipping bounds each step; `clipnorm` keeps the gradient's direction,
# `clipvalue` does not.
