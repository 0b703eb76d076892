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
# # 5. Reusing pretrained layers: transfer learning (전이 학습)
#
# Hands-On ML, chapter 11.2.  When a network already solves a task similar
# to yours, reuse its lower layers: they have learned low-level features
# (edges, textures, shapes) that your task needs too, and you need far less
# data.  You will
#
# 1. train model A on **task A**: Fashion-MNIST without sandals and shirts
#    (8 classes);
# 2. build model B for **task B** — *shirt or sandal?* — from only 200
#    labelled images, once from scratch and once on top of A's layers;
# 3. **freeze (동결)** the reused layers while the new output layer learns,
#    then **unfreeze (동결 해제)** them and fine-tune with a small learning
#    rate;
# 4. **cache the frozen layers (동결된 층 캐싱)**: compute their outputs once and
#    train only the head on them.
#
# `NNLITE_TUTORIAL_QUICK=1` shrinks data and epochs.

# %%
import time

import numpy as np
from matplotlib.figure import Figure
from tutorial_utils import FIGURES, WORK, load_fashion_mnist, pick, seconds_bars, show_source

import nnlite as keras
from nnlite import examples, plot

keras.utils.set_random_seed(42)
(X_train, y_train), (X_valid, y_valid), (X_test, y_test), class_names = load_fashion_mnist(
    n_train=pick(4000, None), n_valid=pick(1000, 5000), n_test=pick(2000, None))

# %% [markdown]
# ## 5.1 Two tasks from one data set
#
# Task A: the 8 classes other than sandal (5) and shirt (6); the labels 7, 8,
# 9 become 5, 6, 7.  Task B: sandal (0) or shirt (1), a **binary
# classification (이진 분류)**, with only 200 training images — a realistic
# amount of labelled data for a new task.

# %%
show_source(examples.split_dataset)  # nnlite/examples.py: the book's models, written once

(X_train_A, y_train_A), (X_train_B, y_train_B) = examples.split_dataset(X_train, y_train)
(X_valid_A, y_valid_A), (X_valid_B, y_valid_B) = examples.split_dataset(X_valid, y_valid)
(X_test_A, y_test_A), (X_test_B, y_test_B) = examples.split_dataset(X_test, y_test)
X_train_B, y_train_B = X_train_B[:200], y_train_B[:200]
print("task A:", X_train_A.shape, "task B:", X_train_B.shape, "test B:", X_test_B.shape)

fig = Figure(figsize=(10, 2.6))
axes = fig.subplots(2, 8)
names_A = [n for k, n in enumerate(class_names) if k not in (5, 6)]
for k, ax in enumerate(axes[0]):
    ax.imshow(X_train_A[k], cmap="binary")
    ax.set_title(f"A: {names_A[y_train_A[k]]}", fontsize=7)
for k, ax in enumerate(axes[1]):
    ax.imshow(X_train_B[k], cmap="binary")
    ax.set_title(f"B: {'shirt' if y_train_B[k] else 'sandal'}", fontsize=7)
for ax in axes.flat:
    ax.axis("off")
fig.tight_layout()
fig.savefig(FIGURES / "05_tasks.png", dpi=100)
fig

# %% [markdown]
# ## 5.2 Model A, trained on task A
#
# Five SELU hidden layers (300, 100, 50, 50, 50 units), then 8 softmax
# outputs.  We save it, as if someone else had trained it for us.

# %%
show_source(examples.transfer_stack)

keras.backend.clear_session()
model_A = examples.transfer_stack(8, "softmax")
model_A.compile(loss="sparse_categorical_crossentropy",
                optimizer=keras.optimizers.SGD(learning_rate=1e-3), metrics=["accuracy"])
history = model_A.fit(X_train_A, y_train_A, epochs=pick(5, 20),
                      validation_data=(X_valid_A, y_valid_A), verbose=0)
print(f"model A, validation accuracy on task A: {history.history['val_accuracy'][-1]:.3f}")
model_A.save(WORK / "my_model_A.h5")

# %% [markdown]
# ## 5.3 Model B from scratch (처음부터 훈련)
#
# Same architecture, one sigmoid output, trained on the 200 images only.

# %%
EPOCHS_B, EPOCHS_FROZEN = 20, 4  # 200 images: cheap even in quick mode


def train_B(model, epochs, learning_rate=1e-3):
    model.compile(loss="binary_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  metrics=["accuracy"])
    return model.fit(X_train_B, y_train_B, epochs=epochs,
                     validation_data=(X_valid_B, y_valid_B), verbose=0)


keras.utils.set_random_seed(42)
model_B = examples.transfer_stack(1, "sigmoid")
history_B = train_B(model_B, EPOCHS_B)

# %% [markdown]
# ## 5.4 Model B on top of model A
#
# Reuse every layer of A except its output layer.  `Sequential(model_A.layers[:-1])`
# *shares* those layer objects with model A — training model B would change
# model A too — so we first **clone (복제)** A: `clone_model` copies the
# architecture with fresh weights, and `set_weights` copies A's weights.

# %%
model_A = keras.models.load_model(WORK / "my_model_A.h5")
show_source(examples.model_B_on_A)
model_B_on_A = examples.model_B_on_A(model_A)

# %% [markdown]
# The new output layer starts from random weights, so its first gradients
# are large and noisy: they would wreck the reused features.  Freeze the
# reused layers (`trainable = False`) for a few epochs, then unfreeze them
# and continue with a small learning rate.  In Keras the change takes effect
# when you **compile**, so always compile after freezing or unfreezing.

# %%
for layer in model_B_on_A.layers[:-1]:
    layer.trainable = False
model_B_on_A.summary()
history_frozen = train_B(model_B_on_A, EPOCHS_FROZEN)

for layer in model_B_on_A.layers[:-1]:
    layer.trainable = True
history_tuned = train_B(model_B_on_A, EPOCHS_B - EPOCHS_FROZEN, learning_rate=1e-3)

transfer = {key: history_frozen.history[key] + history_tuned.history[key]
            for key in ("accuracy", "val_accuracy")}
curves = {"from scratch: accuracy": history_B.history["accuracy"],
          "from scratch: val_accuracy": history_B.history["val_accuracy"],
          "on A: accuracy": transfer["accuracy"],
          "on A: val_accuracy": transfer["val_accuracy"]}
fig = plot.learning_curves(curves, title="task B (200 images): from scratch vs reusing A")
fig.axes[0].axvline(EPOCHS_FROZEN + 0.5, color="gray", linestyle=":")
fig.axes[0].text(EPOCHS_FROZEN + 0.6, 0.05, plot.label("unfreeze", "동결 해제"), color="gray")
fig.savefig(FIGURES / "05_transfer_curves.png", dpi=100)
fig

# %% [markdown]
# On the test set of task B:

# %%
acc_scratch = model_B.evaluate(X_test_B, y_test_B, verbose=0)[1]
acc_transfer = model_B_on_A.evaluate(X_test_B, y_test_B, verbose=0)[1]
print(f"test accuracy, from scratch: {acc_scratch:.4f}   on A: {acc_transfer:.4f}")
print(f"error rate {1 - acc_scratch:.2%} → {1 - acc_transfer:.2%}")

fig = Figure(figsize=(5, 4))
ax = fig.subplots()
bars = ax.bar(["from scratch", "reusing A"], [1 - acc_scratch, 1 - acc_transfer],
              color=["C0", "C1"])
ax.bar_label(bars, fmt="{:.2%}")
ax.set_ylabel(plot.label("test error rate, task B", "테스트 오차율"))
ax.set_title("shirt or sandal? 200 training images")
fig.tight_layout()
fig.savefig(FIGURES / "05_test_error.png", dpi=100)
fig

# %% [markdown]
# The book reports the error dropping from 2.8 % to 0.7 % — but also warns
# that transfer learning shines on deep convolutional networks, and that
# this dense-network example was chosen to work: try other seeds or
# classes and the gain shrinks.  What you should take away is the recipe.
#
# ## 5.5 Caching the frozen layers (동결된 층 캐싱)
#
# While the lower layers are frozen, their output for a given image never
# changes, yet every epoch recomputes it (forward pass) — and, in nnlite,
# skips their backward pass, since no weight below needs a gradient.  With
# many epochs it pays to run the frozen part **once**, store its outputs,
# and train the new head on them:

# %%
keras.utils.set_random_seed(7)
model_C = examples.model_B_on_A(model_A)  # A's trained layers under a new head
for layer in model_C.layers[:-1]:
    layer.trainable = False
head = model_C.layers[-1]
start_weights = head.get_weights()
n_epochs = pick(10, 50)
X_big = np.concatenate([X_train_B] * pick(5, 30))  # more data makes the effect measurable
y_big = np.concatenate([y_train_B] * pick(5, 30))

model_C.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
t0 = time.perf_counter()
model_C.fit(X_big, y_big, epochs=n_epochs, shuffle=False, verbose=0)
t_full = time.perf_counter() - t0
weights_full = head.get_weights()

frozen = keras.models.Sequential(model_C.layers[:-1])  # the frozen part, as a model
t0 = time.perf_counter()
features = frozen.predict(X_big, verbose=0)  # computed once
head_only = keras.models.Sequential([keras.layers.Dense(1, activation="sigmoid",
                                                        input_shape=features.shape[1:])])
head_only.set_weights(start_weights)
head_only.compile(loss="binary_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=1e-3))
head_only.fit(features, y_big, epochs=n_epochs, shuffle=False, verbose=0)
t_cached = time.perf_counter() - t0
same = all(np.allclose(a, b, atol=1e-6) for a, b in zip(weights_full, head_only.get_weights()))
print(f"{n_epochs} epochs on {len(X_big)} images: through the frozen layers {t_full:.2f} s, "
      f"on cached features {t_cached:.2f} s (×{t_full / t_cached:.1f}); same head weights: {same}")

seconds_bars({"through frozen layers": t_full, "cached features": t_cached},
             plot.label("training time (s)", "훈련 시간"),
             f"training the new head for {n_epochs} epochs", FIGURES / "05_caching_speed.png")

# %% [markdown]
# Same result (the head sees exactly the same inputs, batch by batch), a
# fraction of the time.  The catch: no data augmentation, since each image
# must always give the same cached features.
#
# **What you saw.** Reusing layers is just sharing weights; freezing sets
# `trainable = False` so the optimizer leaves them alone (and backprop can
# stop at the lowest trainable layer); a frozen stack is a fixed feature
# extractor whose output can be computed once.
