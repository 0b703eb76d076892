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
# # 6. Fast optimizers and learning-rate scheduling (고속 옵티마이저와 학습률 스케줄링)
#
# Hands-On ML, chapter 11.3.  Plain gradient descent takes the same small
# step in every direction; the optimizers of this tutorial remember past
# gradients (**momentum, 모멘텀**) or scale each direction by its own history
# (**adaptive learning rates, 적응적 학습률**).  Then we change the learning
# rate during training: **learning-rate schedules (학습률 스케줄)**, the
# **1cycle** policy and the **learning-rate finder (학습률 찾기)**.
#
# Every trajectory and curve below is computed by nnlite's own optimizer and
# schedule classes — the same code that trains the networks.
# `NNLITE_TUTORIAL_QUICK=1` shrinks data and epochs.

# %%
import math

import numpy as np
from tutorial_utils import FIGURES, load_fashion_mnist, pick

import nnlite as keras
from nnlite import plot

keras.utils.set_random_seed(42)
(X_train, y_train), (X_valid, y_valid), _, _ = load_fashion_mnist(
    n_train=pick(1500, None), n_valid=pick(500, 5000), n_test=0)
EPOCHS = pick(3, 10)

# %% [markdown]
# ## 6.1 The update rules
#
# With $g = \nabla_\theta J(\theta)$: gradient descent (경사 하강법) steps
# against g; momentum (모멘텀 최적화) lets the steps build up a velocity;
# Nesterov (네스테로프 가속 경사) measures the gradient a step ahead; AdaGrad
# and RMSProp divide each step by a running size of the past gradients; Adam
# joins momentum and RMSProp, both bias-corrected; Adamax replaces Adam's
# root mean square by a running max of |g|, and Nadam adds Nesterov's trick.
# Each class's docstring holds its update rule, printed below.
#
# Momentum lets a ball roll: in a long flat valley it keeps accelerating
# (terminal speed $\eta g/(1-\beta)$, ten times plain GD's step for β = 0.9).
# AdaGrad and RMSProp shrink the step along steep directions and enlarge it
# along flat ones.  The update rules, as each class states them:

# %%
for opt in (keras.optimizers.SGD(momentum=0.9, nesterov=True), keras.optimizers.Adagrad(),
            keras.optimizers.RMSprop(), keras.optimizers.Adam(), keras.optimizers.AdamW(),
            keras.optimizers.Adamax(), keras.optimizers.Nadam()):
    print(opt.equations, end="\n\n")

# %% [markdown]
# ## 6.2 Trajectories on a ravine (협곡) and a saddle (안장점)
#
# On the ravine $f = x^2/20 + y^2$ the gradient points mostly across the
# valley: plain SGD zig-zags down the steep wall, then crawls along the
# floor.  Momentum overshoots but travels the floor fast; the adaptive
# methods head for the minimum almost straight, as if the valley were round.
# On the saddle $f = x^2 - y^2$ SGD starting almost on the ridge stays there a
# long time; the adaptive methods escape quickly.

# %%
plot.optimizer_trajectories("ravine", path=FIGURES / "06_ravine.png")

# %%
plot.optimizer_trajectories("saddle", path=FIGURES / "06_saddle.png")

# %% [markdown]
# ## 6.3 The optimizers on Fashion-MNIST
#
# The same 3 × 100 ReLU network (He initialization) trained with each
# optimizer: η = 0.01 for the SGD family and AdaGrad, 0.001 (Keras' default)
# for the others.  (AdaGrad's accumulator only grows, so its steps keep
# shrinking: fine for simple problems, too early a stop for deep networks.)

# %%
def build_model():
    keras.backend.clear_session()
    keras.utils.set_random_seed(42)
    return keras.models.Sequential([keras.layers.Flatten(input_shape=[28, 28])] + [
        keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal")
        for _ in range(3)] + [keras.layers.Dense(10, activation="softmax")])


def train(optimizer, epochs=EPOCHS, callbacks=()):
    model = build_model()
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid),
                        callbacks=list(callbacks), verbose=0)
    return model, history


optimizers = {
    "SGD": lambda: keras.optimizers.SGD(learning_rate=0.01),
    "momentum": lambda: keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
    "Nesterov": lambda: keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True),
    "AdaGrad": lambda: keras.optimizers.Adagrad(learning_rate=0.01),
    "RMSProp": lambda: keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9),
    "Adam": lambda: keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999),
    "Adamax": lambda: keras.optimizers.Adamax(learning_rate=0.001),
    "Nadam": lambda: keras.optimizers.Nadam(learning_rate=0.001),
}
val_curves = {}
for name, make in optimizers.items():
    _, history = train(make())
    val_curves[f"{name}: val_accuracy"] = history.history["val_accuracy"]
    print(f"{name:9s} val_accuracy per epoch:", np.round(history.history["val_accuracy"], 3))
plot.learning_curves(val_curves, FIGURES / "06_optimizers.png",
                     title="3×100 ReLU network on Fashion-MNIST, one optimizer per line")

# %% [markdown]
# ## 6.4 Learning-rate schedules (학습률 스케줄링)
#
# A large learning rate makes fast progress at first but cannot settle in
# the minimum; a small one settles but is slow.  So start large and
# decrease:
#
# * **power scheduling (거듭제곱 기반)**: $\eta(t) = \eta_0 / (1 + t/s)$ —
#   Keras 2's `decay` argument, `SGD(learning_rate=0.01, decay=1e-4)`, with
#   $1/s$ = decay;
# * **exponential scheduling (지수 기반)**: $\eta(t) = \eta_0 \cdot 0.1^{t/s}$;
# * **piecewise constant (구간별 고정)**: η₀ for some epochs, then smaller…;
# * **performance scheduling (성능 기반)**: multiply η by a factor when the
#   validation loss stops improving (`ReduceLROnPlateau`);
# * **cosine decay with restarts**, and **1cycle** (next section).
#
# Here is how each one moves over 100 steps (left) and 1cycle with its
# momentum, which moves the opposite way (right):

# %%
plot.lr_schedules(path=FIGURES / "06_lr_schedules.png")

# %% [markdown]
# Schedules work two ways in Keras.  A **callback** sets the rate at the
# start of each *epoch* — the book's closure for exponential scheduling:

# %%
def exponential_decay(lr0, s):
    def exponential_decay_fn(epoch):
        return lr0 * 0.1 ** (epoch / s)
    return exponential_decay_fn


lr_scheduler = keras.callbacks.LearningRateScheduler(exponential_decay(lr0=0.01, s=pick(2, 20)))
_, history = train(keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                   callbacks=[lr_scheduler])
print("lr per epoch:", np.round(history.history["lr"], 5))
plot.learning_curves(history, FIGURES / "06_exponential_decay.png",
                     title="exponential scheduling (callback, per epoch); lr on the right axis")

# %% [markdown]
# A **schedule object** given as the learning rate is evaluated at every
# *step* (batch) — the same decay, smoother.  And `ReduceLROnPlateau` is the
# callback for performance scheduling:

# %%
steps_per_epoch = math.ceil(len(X_train) / 32)
s = pick(2, 20) * steps_per_epoch
schedules = {
    "exponential (ExponentialDecay)": keras.optimizers.schedules.ExponentialDecay(0.01, s, 0.1),
    "piecewise constant": keras.optimizers.schedules.PiecewiseConstantDecay(
        [pick(1, 5) * steps_per_epoch, pick(2, 15) * steps_per_epoch], [0.01, 0.005, 0.001]),
    "power (decay=1e-4)": None,
}
compare = {}
for name, schedule in schedules.items():
    optimizer = (keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, decay=1e-4)
                 if schedule is None else keras.optimizers.SGD(learning_rate=schedule,
                                                               momentum=0.9))
    _, history = train(optimizer)
    compare[f"{name}: val_accuracy"] = history.history["val_accuracy"]
_, history = train(keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                   callbacks=[keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=pick(1, 5))])
compare["performance (ReduceLROnPlateau): val_accuracy"] = history.history["val_accuracy"]
for key, values in compare.items():
    print(f"{key:48s}", np.round(values, 3))
plot.learning_curves(compare, FIGURES / "06_schedules_compared.png",
                     title="SGD with momentum 0.9 and four learning-rate schedules")

# %% [markdown]
# ## 6.5 Finding a good learning rate, then 1cycle
#
# The **learning-rate finder**: train for one epoch while the learning rate
# grows exponentially from 1e-5 to 10, one batch per rate, and plot the loss
# against the rate.  The loss drops, flattens, then shoots up when η is too
# large (the search stops there).  Per-batch losses are noisy, so look at a
# smoothed curve: a good rate is about 10 times lower than the one at its
# minimum.  `find_learning_rate` puts the model's weights and optimizer back
# afterwards.

# %%
model = build_model()
model.compile(loss="sparse_categorical_crossentropy",
              optimizer=keras.optimizers.SGD(learning_rate=1e-3, momentum=0.9),
              metrics=["accuracy"])
rates, losses = plot.find_learning_rate(model, X_train, y_train, epochs=1, batch_size=32)
plot.lr_finder(rates, losses, FIGURES / "06_lr_finder.png")

# %%
best_rate = plot.suggest_learning_rate(rates, losses)
print(f"{len(losses)} batches, from η = {rates[0]:.0e} to {rates[-1]:.2g}; the smoothed loss "
      f"is lowest at η ≈ {best_rate * 10:.3g}: we use η_max = {best_rate:.3g}")

# %% [markdown]
# **1cycle** (Leslie Smith, 2018): increase η linearly from η_max/10 to η_max
# over the first half of training, decrease it back over the second half,
# and crush it by three orders of magnitude in the last few steps; momentum
# moves the other way (0.95 → 0.85 → 0.95).  nnlite ships the book's
# `OneCycleScheduler` callback (and a `OneCycle` schedule object):

# %%
n_epochs, batch_size = pick(3, 25), 32
onecycle = keras.callbacks.OneCycleScheduler(
    math.ceil(len(X_train) / batch_size) * n_epochs, max_rate=best_rate, cycle_momentum=True)
history = model.fit(X_train, y_train, epochs=n_epochs, batch_size=batch_size,
                    validation_data=(X_valid, y_valid), callbacks=[onecycle], verbose=0)
print("1cycle val_accuracy per epoch:", np.round(history.history["val_accuracy"], 3))
plot.learning_curves(history, FIGURES / "06_one_cycle.png",
                     title=f"1cycle, η_max = {best_rate:.3g} (lr at the end of each epoch)")

# %% [markdown]
# **What you saw.** Every optimizer is a few lines of arithmetic on the
# gradient, and the differences show up both on toy surfaces and on real
# data: momentum methods and the adaptive family make far more progress
# per epoch than plain SGD.  The learning rate matters more than the choice
# of optimizer; schedules and 1cycle let you use a large one early and a
# small one late, and the LR finder tells you where "large" ends.
