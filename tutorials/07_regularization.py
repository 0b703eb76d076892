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
# # 7. Avoiding overfitting through regularization (규제를 사용해 과대적합 피하기)
#
# Hands-On ML, chapter 11.4.  A network with hundreds of thousands of
# parameters can memorize its training set: training accuracy keeps rising
# while validation accuracy stalls — **overfitting (과대적합)**.  This
# tutorial trains on a deliberately small training set so that you can see
# it, then tries the book's remedies:
#
# * **ℓ1 and ℓ2 regularization (ℓ1과 ℓ2 규제)** — a penalty on large weights;
# * **dropout (드롭아웃)** — randomly switch units off while training;
# * **Monte Carlo dropout (몬테 카를로 드롭아웃)** — keep dropout on at test
#   time to measure the model's **uncertainty (불확실성)**;
# * **max-norm regularization (맥스-노름 규제)** — cap each unit's weight
#   vector;
# * **early stopping (조기 종료)** — stop when validation stops improving.
#
# `NNLITE_TUTORIAL_QUICK=1` shrinks data and epochs.

# %%
from functools import partial

import numpy as np
from matplotlib.figure import Figure
from tutorial_utils import FIGURES, load_fashion_mnist, pick

import nnlite as keras
from nnlite import plot
from nnlite.inspect import inspect_batch

keras.utils.set_random_seed(42)
(X_train, y_train), (X_valid, y_valid), (X_test, y_test), class_names = load_fashion_mnist(
    n_train=pick(1000, 5000), n_valid=pick(500, 5000), n_test=pick(500, None))
EPOCHS = pick(8, 40)
print("a small training set on purpose:", X_train.shape)


def build(hidden=(300, 100), dense=keras.layers.Dense, dropout=0.0, **kwargs):
    """Flatten → [Dropout] → hidden Dense layers (each followed by [Dropout]) → softmax."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(42)
    layers = [keras.layers.Flatten(input_shape=[28, 28])]
    for units in hidden:
        if dropout:
            layers.append(keras.layers.Dropout(rate=dropout))
        layers.append(dense(units, activation="elu", kernel_initializer="he_normal", **kwargs))
    if dropout:
        layers.append(keras.layers.Dropout(rate=dropout))
    model = keras.models.Sequential(layers + [keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="nadam",
                  metrics=["accuracy"])
    return model


def fit(model, epochs=EPOCHS, **kwargs):
    return model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid),
                     verbose=0, **kwargs)


plain = build()
history_plain = fit(plain)

# %% [markdown]
# ## 7.1 ℓ1 and ℓ2 regularization (ℓ1과 ℓ2 규제)
#
# Add to the loss a penalty on the weights of each layer: $\lambda\sum w^2$ for
# ℓ2 (Keras has no ½), $\lambda\sum|w|$ for ℓ1.  The backward pass adds its
# derivative to each weight's gradient — $2\lambda w$ for ℓ2 (weights decay
# towards 0), $\lambda\,\mathrm{sign}(w)$ for ℓ1 (small weights are pushed to
# exactly 0: a **sparse (희소)** model).  To avoid repeating the same
# arguments for every layer, the book uses `functools.partial`:

# %%
RegularizedDense = partial(keras.layers.Dense, kernel_regularizer=keras.regularizers.l2(0.01))
l2_model = build(dense=RegularizedDense)
trace = inspect_batch(l2_model, X_train[:32], y_train[:32])
p = np.asarray(trace.layers[-1].output, dtype=np.float64)
cross_entropy = -np.mean(np.log(p[np.arange(32), y_train[:32]]))
penalty = sum(0.01 * np.sum(np.square(t.weights["kernel"], dtype=np.float64))
              for t in trace if t.class_name == "Dense" and t.name != trace.layers[-1].name)
print(f"batch loss {trace.loss:.4f} = cross-entropy {cross_entropy:.4f} "
      f"+ ℓ2 penalty {penalty:.4f}")
d = trace["dense"]
print("∂L/∂W includes 2λW:",
      np.allclose(d.weight_grads["kernel"], d.input.T @ d.grad_pre_activation
                  + 2 * 0.01 * d.weights["kernel"], atol=1e-5))
history_l2 = fit(l2_model)
l1_model = build(kernel_regularizer=keras.regularizers.l1(1e-4))
history_l1 = fit(l1_model)

fig = Figure(figsize=(12, 3.4))
axes = fig.subplots(1, 3, sharey=True)
for ax, (name, model) in zip(axes, (("no regularization", plain), ("ℓ2(0.01)", l2_model),
                                    ("ℓ1(1e-4)", l1_model))):
    w = model.layers[1].kernel.numpy().ravel()
    ax.hist(w, bins=np.linspace(-0.2, 0.2, 81), color="C0")
    ax.set_yscale("log")  # the tails matter: how many weights stay large
    ax.set_title(f"{name}\n|w| < 1e-3: {np.mean(np.abs(w) < 1e-3):.1%}, "
                 f"std {w.std():.3f}", fontsize=9)
    ax.set_xlabel(plot.label("first hidden layer's weights", "가중치"))
fig.tight_layout()
fig.savefig(FIGURES / "07_weight_histograms.png", dpi=100)
fig

# %% [markdown]
# ## 7.2 Dropout (드롭아웃)
#
# At every training step each input of a `Dropout(rate=p)` layer is zeroed
# with probability p, and the survivors are multiplied by $1/(1-p)$ so that
# the expected input of the next layer does not change (**inverted dropout**).
# At inference dropout does nothing.  No unit can rely on a few specific
# neighbours, so each one must learn useful features on its own — and every
# step trains a different thinned network, an ensemble of sorts.

# %%
print(keras.layers.Dropout.equations)
dropout_model = build(dropout=0.2)
trace = inspect_batch(dropout_model, X_train[:64], y_train[:64])
layer = trace["dropout_1"]
x, a = np.asarray(layer.input), np.asarray(layer.output)
kept = a != 0
print(f"zeroed: {1 - kept.mean():.3f} of the values (p = 0.2, ignoring inputs already 0); "
      f"survivors × {np.median(a[kept] / x[kept]):.3f} (1/(1-p) = 1.25)")
print("at inference the layer is the identity:",
      np.array_equal(dropout_model.get_layer("dropout_1")(x, training=False), x))
history_dropout = fit(dropout_model)

curves = {}
for name, history in (("plain", history_plain), ("ℓ2", history_l2),
                      ("dropout 0.2", history_dropout)):
    curves[f"{name}: accuracy"] = history.history["accuracy"]
    curves[f"{name}: val_accuracy"] = history.history["val_accuracy"]
    print(f"{name:12s} final train {history.history['accuracy'][-1]:.3f}, "
          f"val {history.history['val_accuracy'][-1]:.3f}")
plot.learning_curves(curves, FIGURES / "07_overfitting.png",
                     title=f"{len(X_train)} training images: training (solid) vs "
                           "validation (dashed)")

# %% [markdown]
# The plain network's training accuracy runs away from its validation
# accuracy; the regularized ones keep the gap small.  (Keras measures the
# training accuracy *with* dropout on, which is why a dropout model can score
# better on validation than on training.)  With SELU networks use
# `AlphaDropout`, which keeps the mean and variance that self-normalization
# needs.

# %% [markdown]
# ## 7.3 Monte Carlo dropout (몬테 카를로 드롭아웃)
#
# Gal & Ghahramani (2016): keep dropout **on** at test time, predict the same
# input many times, and average.  Each pass samples a different thinned
# network, so the average is a better estimate, and the spread of the
# predictions measures how unsure the model is.  The book writes it as
# `np.stack([model(X, training=True) for _ in range(100)]).mean(axis=0)`;
# `keras.utils.mc_predict` does the same while leaving layers such as
# BatchNormalization in inference mode.

# %%
y_proba_plain = dropout_model.predict(X_test, verbose=0)
y_proba_mc, y_std_mc = keras.utils.mc_predict(dropout_model, X_test, n_samples=pick(30, 100))
print("deterministic accuracy:", np.mean(y_proba_plain.argmax(1) == y_test))
print("MC dropout accuracy:   ", np.mean(y_proba_mc.argmax(1) == y_test))
worst = np.argsort(-y_std_mc.max(axis=1))[:3]  # the three most uncertain test images
print("most uncertain test images:", worst, "true classes:",
      [class_names[k] for k in y_test[worst]])
plot.mc_dropout(dropout_model, X_test[worst], FIGURES / "07_mc_dropout.png",
                n_samples=pick(30, 100), class_names=class_names)

# %% [markdown]
# Grey dots: the single deterministic prediction; bars: the mean of the
# stochastic passes, whiskers one standard deviation.  Where the whiskers
# are long the model is guessing.  To make a model always use MC dropout
# (even inside `predict`), the book subclasses the layer:

# %%
class MCDropout(keras.layers.Dropout):
    def call(self, inputs):
        return super().call(inputs, training=True)


mc_model = keras.models.Sequential([
    MCDropout(layer.rate) if isinstance(layer, keras.layers.Dropout) else layer
    for layer in dropout_model.layers])
mc_model.compile(loss="sparse_categorical_crossentropy", optimizer="nadam")
print("two predictions of one image differ:",
      not np.array_equal(mc_model.predict(X_test[:1], verbose=0),
                         mc_model.predict(X_test[:1], verbose=0)))

# %% [markdown]
# ## 7.4 Max-norm regularization (맥스-노름 규제)
#
# After each training step, rescale every unit's incoming weight vector w
# so that $\lVert w\rVert_2 \le r$: $w \leftarrow w \cdot r / \lVert w\rVert_2$ when it is
# longer.  In Keras it is a **constraint** (`kernel_constraint`), applied by
# the optimizer after the update; `axis=0` means "per unit" for a Dense
# kernel of shape (inputs, units).

# %%
max_norm_model = build(kernel_constraint=keras.constraints.max_norm(1.))
history_max_norm = fit(max_norm_model)
fig = Figure(figsize=(7, 4))
ax = fig.subplots()
norms = {name: np.linalg.norm(model.layers[1].kernel.numpy(), axis=0)
         for name, model in (("no constraint", plain), ("max_norm(1.0)", max_norm_model))}
bins = np.linspace(0, 1.05 * max(n.max() for n in norms.values()), 60)
for k, (name, values) in enumerate(norms.items()):
    ax.hist(values, bins=bins, alpha=0.6, color=f"C{k}",
            label=f"{name}: max ‖w‖ = {values.max():.2f}")
ax.axvline(1.0, color="k", linestyle=":")
ax.set_xlabel(plot.label("‖w‖₂ of each first-layer unit's incoming weights", "가중치 노름"))
ax.set_ylabel(plot.label("units", "유닛 수"))
ax.legend()
fig.tight_layout()
fig.savefig(FIGURES / "07_max_norm.png", dpi=100)
fig

# %%
print(f"max-norm model, final val_accuracy {history_max_norm.history['val_accuracy'][-1]:.3f}")

# %% [markdown]
# ## 7.5 Early stopping (조기 종료)
#
# The simplest regularizer: watch the validation loss and stop when it has
# not improved for `patience` epochs, then go back to the best weights.

# %%
model = build()
early_stopping = keras.callbacks.EarlyStopping(patience=pick(2, 5), restore_best_weights=True)
history = fit(model, epochs=pick(20, 100), callbacks=[early_stopping])
best = int(np.argmin(history.history["val_loss"]))
print(f"stopped after {len(history.history['loss'])} epochs; best epoch {best + 1}, "
      f"val_loss {history.history['val_loss'][best]:.4f}; restored model's val_loss "
      f"{model.evaluate(X_valid, y_valid, verbose=0)[0]:.4f}")
fig = plot.learning_curves(history, title="early stopping: the validation loss turns up")
fig.axes[0].axvline(best + 1, color="gray", linestyle=":")
fig.savefig(FIGURES / "07_early_stopping.png", dpi=100)
fig

# %% [markdown]
# **What you saw.** Every regularizer here is a small change to the
# equations: a penalty term in the loss (and $2\lambda w$ or
# $\lambda\,\mathrm{sign}(w)$ in the gradient), a random mask in the forward
# and backward pass, a projection after the optimizer step, or a rule for
# when to stop.  Each one narrows the gap between training and validation
# accuracy.
