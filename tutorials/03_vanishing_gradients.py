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
# # 3. Vanishing and exploding gradients (그레이디언트 소실과 폭주)
#
# Hands-On ML, chapter 11.1.  Backpropagation multiplies, layer after layer,
# by $W^\top$ and by $\varphi'(z)$.  If those factors are mostly below 1 the
# gradient reaching the first layers **vanishes (소실)**; above 1 it
# **explodes (폭주)**.  Here you *see* it happen and fix it with
#
# * the right **weight initialization (가중치 초기화)**: Glorot, He, LeCun;
# * **non-saturating activation functions (수렴하지 않는 활성화 함수)**: ReLU,
#   leaky ReLU, ELU, SELU, and the third edition's GELU, Swish and Mish;
# * a 100-layer **self-normalizing (자기 정규화)** SELU network.
#
# The tools: `nnlite.inspect.inspect_batch` (one batch, every layer),
# `keras.callbacks.GradientMonitor` (statistics per layer during `fit`) and
# the plots of `nnlite.plot`.  `NNLITE_TUTORIAL_QUICK=1` shrinks everything.

# %%
import numpy as np
from tutorial_utils import FIGURES, load_fashion_mnist, pick

import nnlite as keras
from nnlite import plot
from nnlite.inspect import inspect_batch

keras.utils.set_random_seed(42)

# %% [markdown]
# ## 3.1 Why the sigmoid saturates (포화)
#
# The sigmoid's derivative is at most ¼ (its equations, printed below from
# its docstring), and it is almost 0 once |z| > 4 (shaded).  Each sigmoid
# layer multiplies the backward signal by at most ¼: after 10 layers, by at
# most $4^{-10} \approx 10^{-6}$.

# %%
plot.activation_functions(["sigmoid", "tanh"], FIGURES / "03_saturation.png")

# %%
print(keras.activations.sigmoid.equations)

# %% [markdown]
# ## 3.2 Initialization: keep the variance constant (Glorot, He, LeCun)
#
# Glorot and Bengio's idea: the variance of each layer's outputs should equal
# the variance of its inputs, going forward *and* backward.  With
# $fan_{avg} = (fan_{in} + fan_{out})/2$:
#
# | initialization | activations | $\sigma^2$ (normal) |
# |---|---|---|
# | Glorot (글로럿) | none, tanh, sigmoid, softmax | $1/fan_{avg}$ |
# | He (헤) | ReLU and variants | $2/fan_{in}$ |
# | LeCun (르쿤) | SELU | $1/fan_{in}$ |
#
# nnlite, like Keras, uses `glorot_uniform` by default; the book's code for He:

# %%
keras.layers.Dense(10, activation="relu", kernel_initializer="he_normal")
he_avg_init = keras.initializers.VarianceScaling(scale=2., mode="fan_avg",
                                                 distribution="uniform")
keras.layers.Dense(10, activation="sigmoid", kernel_initializer=he_avg_init)

# %% [markdown]
# Five hidden layers of 100 units, one batch of standardized inputs, five
# choices.  Each row shows the **activations (활성화)** of layers 1→5, then the
# **gradients ∂L/∂a** flowing back into them (look at the "std" under each
# histogram).  With sigmoid the activations collapse to a narrow spike around
# 0.5 and the gradient shrinks ~4× per layer going down — even with Glorot
# initialization, because σ' ≤ ¼ and σ's outputs are not centred on 0.  With
# tanh + Glorot, ReLU + He and SELU + LeCun the spread of the activations and
# of the gradients stays within the same order of magnitude in every layer.

# %%
configs = [("sigmoid", "random_normal"), ("sigmoid", "glorot_uniform"),
           ("tanh", "glorot_uniform"), ("relu", "he_normal"), ("selu", "lecun_normal")]
n_samples = pick(200, 1000)
plot.initialization_histograms(configs, FIGURES / "03_init_activations.png", kind="output",
                               n_samples=n_samples)

# %%
plot.initialization_histograms(configs, FIGURES / "03_init_gradients.png", kind="grad_output",
                               n_samples=n_samples)

# %% [markdown]
# ## 3.3 Watching gradients during training (GradientMonitor)
#
# The `GradientMonitor` callback records, per layer and epoch, ‖∇W‖, the
# update ratio ‖ΔW‖/‖W‖, the activations' mean and std, and the fraction of
# **saturated** sigmoid units or **dead** ReLUs.  We train the same deep net
# twice on Fashion-MNIST: sigmoid with Glorot initialization, and ReLU with
# He initialization, and compare the **RMS of each layer's weight gradient**
# (‖∇W‖/√n, comparable between layers of different sizes).

# %%
(X_train, y_train), (X_valid, y_valid), _, _ = load_fashion_mnist(
    n_train=pick(2000, None), n_valid=pick(500, 5000), n_test=0)
DEPTH, UNITS, EPOCHS = pick((5, 50, 2), (10, 100, 10))


def deep_mlp(activation: str, initializer, depth: int = DEPTH, units: int = UNITS,
             learning_rate: float = 0.01):
    keras.backend.clear_session()
    model = keras.Sequential([keras.layers.Flatten(input_shape=list(X_train.shape[1:]))])
    for _ in range(depth):
        model.add(keras.layers.Dense(units, activation=activation,
                                     kernel_initializer=initializer))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  metrics=["accuracy"])
    return model


runs = {}
for name, act, init in [("sigmoid, Glorot", "sigmoid", "glorot_uniform"),
                        ("ReLU, He", "relu", "he_normal")]:
    model = deep_mlp(act, init)
    monitor = keras.callbacks.GradientMonitor()
    history = model.fit(X_train, y_train, epochs=EPOCHS, validation_data=(X_valid, y_valid),
                        callbacks=[monitor], verbose=0)
    runs[name] = history
    rms = history.layer_stats["grad_rms"]
    print(f"{name:16s} val_accuracy after {EPOCHS} epochs: "
          f"{history.history['val_accuracy'][-1]:.3f}")
    print(f"{'':16s} RMS of ∇W, first → last layer:",
          " ".join(f"{rms[layer.name][-1]:.0e}" for layer in model.layers[1:]))

plot.layer_statistics(runs["sigmoid, Glorot"], FIGURES / "03_monitor_sigmoid_glorot.png")

# %%
plot.layer_statistics(runs["ReLU, He"], FIGURES / "03_monitor_relu_he.png")

# %%
plot.gradient_norms(runs["sigmoid, Glorot"], FIGURES / "03_grad_rms_sigmoid.png",
                    stat="grad_rms")

# %%
plot.gradient_norms(runs["ReLU, He"], FIGURES / "03_grad_rms_relu.png", stat="grad_rms")

# %% [markdown]
# In the sigmoid run the gradient of the first layer is several orders of
# magnitude below the last one's — the lower layers barely learn, and the
# accuracy stays near chance.  The ReLU/He run keeps every layer within the
# same order of magnitude and learns.

# %% [markdown]
# ## 3.4 Non-saturating activations (수렴하지 않는 활성화 함수)
#
# ReLU does not saturate for positive z, but a unit whose z stays negative
# gets no gradient at all: a **dead ReLU (죽은 렐루)**.  Leaky ReLU, ELU and
# SELU keep a gradient for z < 0.  The last three panels are the smooth
# newcomers of the book's third edition: **GELU (가우스 오차 선형 유닛)**,
# **Swish (스위시)** (Keras 3 also calls it SiLU) and **Mish (미시)**; their
# equations are printed further down.

# %%
plot.activation_functions(["relu", "leaky_relu", "elu", "selu", "gelu", "swish", "mish"],
                          FIGURES / "03_nonsaturating.png")

# %%
print(keras.activations.selu.equations)

# %% [markdown]
# GELU, Swish and Mish look like a ReLU with the corner rounded off: for
# large z they are ≈ z (φ' → 1, no saturation), for very negative z they go
# to 0, and in between they **dip below zero** and come back up.  That dip
# makes them non-monotonic: one output a comes from two different inputs z,
# with two different slopes, so φ' cannot be computed from a as for ELU or
# SELU.  A `Dense(..., activation="gelu")` layer therefore keeps its
# pre-activation z from the forward pass for the backward pass (only for
# these three).  GELU's Keras default is the exact form
# (`approximate=False`); `approximate=True` is the tanh formula of the
# original paper.  Each of them is used like any other activation:
# `activation="gelu"`, `"swish"`, `"silu"`, `"mish"`, or
# `keras.layers.Activation("gelu")` as a layer of its own.

# %%
z = np.linspace(-5, 5, 100_001)
for name in ("gelu", "swish", "mish"):
    act = keras.activations.get(name)
    a = act(z)
    low = a.argmin()                              # the bottom of the dip
    right = low + 5_000                           # 0.5 to the right of it
    left = np.abs(a[:low] - a[right]).argmin()    # the point left of the dip with the same a
    slope = act.backward(a, np.ones_like(z), z=z)  # φ'(z), computed from z
    print(f"{name:5s} minimum φ({z[low]:+.3f}) = {a[low]:+.4f};  "
          f"φ({z[left]:+.2f}) = φ({z[right]:+.2f}) = {a[right]:+.4f}, "
          f"but φ' = {slope[left]:+.3f} there and {slope[right]:+.3f} here")
one = np.array([1.0])
print("gelu(1) =", keras.activations.gelu(one)[0],
      "  tanh form:", keras.activations.gelu(one, approximate=True)[0])
for act in (keras.activations.gelu, keras.activations.swish, keras.activations.mish):
    print(act.equations, end="\n\n")

# %% [markdown]
# A large learning rate kills ReLUs: one big step pushes a unit's bias so far
# negative that it never fires again.  The monitor counts them.  The string
# `"leaky_relu"` uses α = 0.2, the value the book recommends.

# %%
for act in ("relu", "leaky_relu", "elu"):
    model = deep_mlp(act, "he_normal", depth=3, learning_rate=0.1)
    monitor = keras.callbacks.GradientMonitor()
    model.fit(X_train, y_train, epochs=1, callbacks=[monitor], verbose=0)
    dead = monitor.history["dead"]
    print(f"{act:10s} dead units per layer:",
          {k: f"{v[-1]:.0%}" for k, v in dead.items()} if dead else "— (never exactly 0)")

# %% [markdown]
# ## 3.5 A 100-layer self-normalizing network (SELU)
#
# With SELU, LeCun-normal weights, standardized inputs and plain dense layers,
# each layer's output keeps mean ≈ 0 and std ≈ 1 *by itself*
# (Klambauer et al., 2017).  Compare, on one batch, 100 layers of SELU with
# 100 layers of ReLU/He and of sigmoid/Glorot.

# %%
DEEP = pick(30, 100)
pixel_means = X_train.mean(axis=0, keepdims=True)
pixel_stds = X_train.std(axis=0, keepdims=True) + 1e-7
X_train_scaled = (X_train - pixel_means) / pixel_stds
X_valid_scaled = (X_valid - pixel_means) / pixel_stds

inspections = {}
for name, act, init in [("SELU, LeCun", "selu", "lecun_normal"),
                        ("ReLU, He", "relu", "he_normal"),
                        ("sigmoid, Glorot", "sigmoid", "glorot_uniform")]:
    model = deep_mlp(act, init, depth=DEEP)
    inspections[name] = inspect_batch(model, X_train_scaled[:256], y_train[:256])
plot.depth_profile(inspections, FIGURES / "03_depth_profile.png")

# %% [markdown]
# The SELU line stays near 1 all the way down; ReLU drifts and sigmoid's
# gradient dies off toward layer 1.  The book then trains the 100-layer SELU
# network with SGD(η = 1e-3) — it works, with nothing but good initialization
# and activation (a larger η makes such a deep net diverge):

# %%
model = deep_mlp("selu", "lecun_normal", depth=DEEP, learning_rate=1e-3)
n_fit = pick(1000, len(X_train_scaled))
history = model.fit(X_train_scaled[:n_fit], y_train[:n_fit], epochs=pick(1, 5),
                    validation_data=(X_valid_scaled, y_valid), verbose=2)
plot.learning_curves(history, FIGURES / "03_selu_learning_curves.png",
                     title=f"{DEEP}-layer SELU network on Fashion-MNIST")

# %% [markdown]
# **What you saw.** The same equations — $\delta_{l-1} = (\delta_l \odot
# \varphi'(z_l))W_l^\top$ — shrink the gradient when φ' is small (saturated
# sigmoids) or when the weights are badly scaled.  Initializing with the
# right variance and using non-saturating activations keep every layer
# learning; SELU even keeps a 100-layer net normalized on its own.
