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
# # 1. From the perceptron to the multilayer perceptron (퍼셉트론에서 다층 퍼셉트론으로)
#
# Hands-On ML, chapter 10, with nnlite. You will
#
# 1. train Rosenblatt's **perceptron (퍼셉트론)** with its learning rule and draw its
#    **decision boundary (결정 경계)**;
# 2. watch it fail on **XOR**, and solve XOR with a **multilayer perceptron
#    (다층 퍼셉트론, MLP)** trained by **backpropagation (역전파)**;
# 3. look at the **activation functions (활성화 함수)** and their derivatives;
# 4. build the book's Fashion-MNIST classifier with the Keras-style API
#    (`import nnlite as keras`), read its equations, step through one batch
#    forward and backward, and check the gradients numerically.
#
# Run it as a script (`python tutorials/01_perceptron_and_mlp.py`) or open it as a
# notebook (`jupytext --to notebook`, or Jupyter with the jupytext extension).
# `NNLITE_TUTORIAL_QUICK=1` shrinks the data and the epochs (for CI);
# figures go to `NNLITE_TUTORIAL_FIGURES` (default `tutorials/figures/`).

# %%
import numpy as np
from matplotlib.figure import Figure
from sklearn.datasets import load_iris
from tutorial_utils import FIGURES, load_fashion_mnist, pick

import nnlite as keras
from nnlite import plot
from nnlite.inspect import inspect_batch

keras.utils.set_random_seed(42)

# %% [markdown]
# ## 1.1 The perceptron (퍼셉트론)
#
# A perceptron is one layer of **threshold logic units (TLU)**: it computes
# $z = \mathbf w^\top \mathbf x + b$ and outputs $\hat y = \mathrm{step}(z)$.
# The **perceptron learning rule (퍼셉트론 학습 규칙)** changes the weights only
# when a sample is misclassified:
#
# $$w_i \leftarrow w_i + \eta\,(y - \hat y)\,x_i, \qquad b \leftarrow b + \eta\,(y - \hat y)$$
#
# As in the book, we classify *Iris setosa* from petal length and width.

# %%
iris = load_iris()
X_iris = iris.data[:, (2, 3)]  # petal length, petal width
y_iris = (iris.target == 0).astype(int)  # Iris setosa?

per_clf = keras.Perceptron(max_iter=1000, tol=1e-3, random_state=42)  # as in the book
per_clf.fit(X_iris, y_iris)
print("prediction for a 2 cm × 0.5 cm petal:", per_clf.predict([[2, 0.5]]))
print("training accuracy:", per_clf.score(X_iris, y_iris))

plot.decision_boundary(per_clf, X_iris, y_iris, FIGURES / "01_perceptron_iris.png",
                       title="perceptron on iris (setosa vs rest)",
                       feature_names=("petal length (cm)", "petal width (cm)"))

# %% [markdown]
# ## 1.2 XOR: where one perceptron fails
#
# No straight line separates XOR's classes, so a single perceptron cannot
# learn it (Minsky & Papert, 1969).  Stacking layers — a **multilayer
# perceptron** — can.  nnlite trains the MLP with backpropagation: the
# forward pass computes every layer's output, the backward pass applies the
# chain rule from the loss down to every weight.

# %%
rng = np.random.default_rng(0)
X_xor = rng.uniform(-1, 1, size=(400, 2))
y_xor = ((X_xor[:, 0] > 0) ^ (X_xor[:, 1] > 0)).astype(int)

xor_perceptron = keras.Perceptron().fit(X_xor, y_xor)
print(f"perceptron accuracy on XOR: {xor_perceptron.score(X_xor, y_xor):.2f} (chance ≈ 0.5)")
plot.decision_boundary(xor_perceptron, X_xor, y_xor, FIGURES / "01_xor_perceptron.png",
                       title="one perceptron cannot separate XOR")

# %%

keras.backend.clear_session()
xor_mlp = keras.Sequential([
    keras.layers.Dense(8, activation="tanh", input_shape=[2]),
    keras.layers.Dense(1, activation="sigmoid"),
])
xor_mlp.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.5),
                metrics=["accuracy"])
history = xor_mlp.fit(X_xor, y_xor, epochs=pick(60, 200), batch_size=32, verbose=0)
print(f"MLP accuracy on XOR: {history.history['accuracy'][-1]:.2f}")
plot.decision_boundary(xor_mlp, X_xor, y_xor, FIGURES / "01_xor_mlp.png",
                       title="a 2-8-1 MLP learns XOR")

# %% [markdown]
# ## 1.3 Activation functions (활성화 함수)
#
# Backpropagation needs a derivative, so the step function is replaced by a
# smooth one: the **sigmoid (로지스틱 함수)** σ(z), **tanh**, or **ReLU**.  The
# dashed lines are the derivatives that flow back; the shaded regions are
# where sigmoid and tanh **saturate (포화)** and their gradient nearly vanishes
# — the topic of tutorial 3.

# %%
plot.activation_functions(["sigmoid", "tanh", "relu"], FIGURES / "01_activation_functions.png")

# %%
print(keras.activations.sigmoid.equations)

# %% [markdown]
# ## 1.4 An image classifier with the Keras-style API
#
# Fashion-MNIST: 70,000 grayscale 28×28 images of 10 kinds of clothing.
# The first 5,000 training images are the **validation set (검증 세트)**,
# and pixels are scaled to [0, 1].

# %%
(X_train, y_train), (X_valid, y_valid), (X_test, y_test), class_names = load_fashion_mnist(
    n_train=pick(2000, None), n_valid=pick(500, 5000), n_test=pick(500, None))
print(X_train.shape, X_valid.shape, X_test.shape)

# %% [markdown]
# The book's model: `Flatten` turns each image into a 784-vector, two hidden
# `Dense` layers use ReLU, and the output layer uses **softmax (소프트맥스)**
# to give one probability per class.

# %%
keras.backend.clear_session()
model = keras.models.Sequential([
    keras.layers.Flatten(input_shape=list(X_train.shape[1:])),
    keras.layers.Dense(300, activation="relu"),
    keras.layers.Dense(100, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.summary(show_equations=True)
keras.utils.plot_model(model, FIGURES / "01_model.png", show_shapes=True)

# %% [markdown]
# `compile` picks the **loss (손실 함수)** — sparse categorical cross-entropy
# for integer labels — and the optimizer, plain SGD with η = 0.01.  With a
# softmax output nnlite fuses the two: the gradient that enters the output
# layer is simply $\partial L/\partial z = p - y$.

# %%
model.compile(loss="sparse_categorical_crossentropy",
              optimizer=keras.optimizers.SGD(learning_rate=0.01), metrics=["accuracy"])
print(model.loss[0].equations)

# %% [markdown]
# ### Step through one batch (한 배치씩 따라가기)
#
# Before training, look inside: `inspect_batch` runs one batch forward and
# backward and keeps every layer's input x, pre-activation z, output a, the
# gradient δ = ∂L/∂a coming back from above and each weight's gradient —
# without changing the model.

# %%
trace = inspect_batch(model, X_train[:32], y_train[:32])
print(trace.table())
print(trace["dense"].describe())

# %% [markdown]
# The backward pass is the chain rule, layer by layer.  The kernel gradient of
# the first hidden layer is $x^\top (\delta \odot \varphi'(z))$:

# %%
d = trace["dense"]
by_hand = d.input.T @ (d.grad_output * (d.pre_activation > 0))
print("max |by hand − backprop| =", np.abs(by_hand - d.weight_grads["kernel"]).max())

# %% [markdown]
# And backprop agrees with **numerical gradients (수치 미분)** computed by
# central differences in float64 (a tiny copy of the model keeps it fast):

# %%
keras.backend.clear_session()
small = keras.Sequential([keras.layers.Flatten(input_shape=list(X_train.shape[1:])),
                          keras.layers.Dense(5, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
small.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
print(keras.utils.check_gradients(small, X_train[:8], y_train[:8], max_entries=20))

# %% [markdown]
# ### Train, evaluate, predict (훈련, 평가, 예측)

# %%
history = model.fit(X_train, y_train, epochs=pick(2, 30),
                    validation_data=(X_valid, y_valid), verbose=2)
plot.learning_curves(history, FIGURES / "01_learning_curves.png",
                     title="Fashion-MNIST, 300-100-10 MLP, SGD(0.01)")

# %%
print("test [loss, accuracy]:", model.evaluate(X_test, y_test, verbose=0))

# %%
X_new = X_test[:6]
y_proba = model.predict(X_new, verbose=0)
y_pred = y_proba.argmax(axis=-1)
print("probabilities:\n", y_proba.round(2))

fig = Figure(figsize=(10, 2.4))
for k, ax in enumerate(fig.subplots(1, len(X_new))):
    ax.imshow(X_new[k], cmap="binary")
    ax.set_title(f"{class_names[y_pred[k]]}\n(true: {class_names[y_test[k]]})", fontsize=8)
    ax.axis("off")
fig.tight_layout()
fig.savefig(FIGURES / "01_predictions.png", dpi=100)
fig

# %% [markdown]
# **What you saw.** A perceptron draws one straight line; an MLP bends it.
# Every Dense layer computes $z = xW + b,\ a = \varphi(z)$ going forward and
# $x^\top(\delta\odot\varphi'(z))$ going back; the numbers in the table above
# are exactly those equations at work.
