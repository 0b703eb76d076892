"""``mlp``: the network ``NNRegressor`` / ``NNClassifier`` build when ``model=None``.

A multi-layer perceptron sized from the data (``meta``)::

    Input(n_features_in_) → n_hidden × Dense(n_neurons, activation) → Dense(n_out, φ_out)

=============================  =========  ==========
task                           n_out      φ_out
=============================  =========  ==========
regression                     n targets  linear
classification (K classes)     K          softmax
=============================  =========  ==========

Binary problems use 2 softmax units (equivalent to 1 sigmoid unit) so one
loss, ``sparse_categorical_crossentropy``, serves every classifier.  The
hidden layers use the Keras defaults of ``Dense`` (``glorot_uniform``
kernel, zero bias).  Tune ``model__n_hidden`` / ``model__n_neurons`` /
``model__activation`` like any other hyperparameter.
"""

from __future__ import annotations

from .. import layers
from ..models import Sequential


def mlp(meta: dict, n_hidden: int = 1, n_neurons: int = 30,
        activation: str = "relu") -> Sequential:
    """An uncompiled MLP for the task described by ``meta`` (see the module docstring)."""
    if int(n_hidden) < 0:
        raise ValueError(f"mlp: n_hidden must be >= 0, got {n_hidden!r}")
    if int(n_neurons) < 1:
        raise ValueError(f"mlp: n_neurons must be >= 1, got {n_neurons!r}")
    model = Sequential()
    model.add(layers.InputLayer(input_shape=[meta["n_features_in_"]]))
    for _ in range(int(n_hidden)):
        model.add(layers.Dense(int(n_neurons), activation=activation))
    if meta.get("n_classes_") is not None:
        model.add(layers.Dense(meta["n_classes_"], activation="softmax"))
    else:
        model.add(layers.Dense(meta["n_outputs_expected_"]))
    return model
