"""The layer test harness (in the spirit of Keras 3's ``run_layer_test``): nnlite's
test suite runs it on every built-in layer, and :func:`nnlite.check_layer` reports
its checks on yours.

``run_layer_test(Layer, init_kwargs, input_shape)`` checks, for one layer class:

1. **shapes** — the eager output shape equals ``compute_output_shape`` and the
   symbolic (functional API) output shape;
2. **config** — ``get_config`` is JSON-serializable and ``from_config`` rebuilds
   an equal config and, with the same weights, the same inference output;
3. **weights** — ``get_weights``/``set_weights`` round trip, the expected
   numbers of trainable / non-trainable weights, ``count_params``;
4. **gradients** — in float64, the input gradient and every trainable weight
   gradient of L = Σ R ⊙ layer(x) (R a fixed random projection of the output)
   against central differences, in training and in inference mode (noise
   layers keep the same mask: their step counter is reset before each pass);
5. **training** — one ``fit`` epoch of a tiny model (the layer, then a
   Dense head) with SGD: the loss is finite and the layer's trainable weights
   move.

Multi-input layers (``Concatenate``) take a list of shapes.  Layers whose
statistics come from data (``Normalization``) get ``adapt_data``: every
fresh instance is adapted on it before its first call.  Every check
returns nothing and fails with an assertion naming the layer and what
differed.
"""

from __future__ import annotations

import json

import numpy as np

import nnlite as keras
from nnlite import backend
from nnlite.utils.gradient_check import numerical_gradient


def _as_list(shape):
    return shape if isinstance(shape, list) else [shape]


def _inputs(input_shape, rng, input_data=None, dtype="float32"):
    if input_data is not None:
        return [np.asarray(x, dtype=dtype) for x in _as_list(input_data)]
    return [rng.standard_normal(tuple(s)).astype(dtype) for s in _as_list(input_shape)]


def _call(layer, xs, multi, training):
    return layer.forward(xs if multi else xs[0], training=training)


def _pick(size: int, rng, max_entries: int) -> np.ndarray:
    return np.arange(size) if size <= max_entries else rng.choice(size, max_entries,
                                                                  replace=False)


# --------------------------------------------------------------------- checks
def check_shapes(layer, xs, multi, input_shape):
    y = _call(layer, xs, multi, training=False)
    batch_shape = input_shape if multi else tuple(input_shape)
    expected = tuple(layer.compute_output_shape(batch_shape))
    assert y.shape == expected, (f"{layer.name}: output shape {y.shape} != "
                                 f"compute_output_shape {expected}")
    return y


def _new_layer(cls, kwargs, adapt_data=None):
    """``cls(**kwargs)``, adapted on ``adapt_data`` when given (in the current floatx)."""
    layer = cls(**kwargs)
    if adapt_data is not None:
        layer.adapt(np.asarray(adapt_data, dtype=backend.floatx()))
    return layer


def check_symbolic_shape(cls, kwargs, input_shape, multi):
    layer = cls(**kwargs)
    tensors = [keras.layers.Input(shape=tuple(s)[1:]) for s in _as_list(input_shape)]
    out = layer(tensors if multi else tensors[0])
    shapes = [(None,) + tuple(s)[1:] for s in _as_list(input_shape)]
    expected = tuple(layer.compute_output_shape(shapes if multi else shapes[0]))
    assert tuple(out.shape) == expected, (f"{layer.name}: symbolic shape {out.shape} != "
                                          f"{expected}")


def check_config(layer, cls, xs, multi, adapt_data=None):
    config = layer.get_config()
    json.dumps(config)  # must be JSON-serializable
    clone = cls.from_config(config)
    assert clone.get_config() == config, f"{layer.name}: from_config changed the config"
    if adapt_data is not None:  # set_weights below then copies the statistics
        clone.adapt(np.asarray(adapt_data, dtype=backend.floatx()))
    clone(xs if multi else xs[0])  # builds it
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(_call(clone, xs, multi, False), _call(layer, xs, multi, False),
                               rtol=1e-6, atol=1e-6,
                               err_msg=f"{layer.name}: from_config copy differs")


def check_weights(layer, rng, n_trainable, n_non_trainable):
    if n_trainable is not None:
        assert len(layer.trainable_weights) == n_trainable, (
            f"{layer.name}: {len(layer.trainable_weights)} trainable weights, "
            f"expected {n_trainable}")
    if n_non_trainable is not None:
        assert len(layer.non_trainable_weights) == n_non_trainable, (
            f"{layer.name}: {len(layer.non_trainable_weights)} non-trainable weights, "
            f"expected {n_non_trainable}")
    assert layer.count_params() == sum(w.size for w in layer.weights)
    original = layer.get_weights()
    new = [w + rng.standard_normal(w.shape).astype(w.dtype) * 0.1 for w in original]
    layer.set_weights(new)
    for got, want in zip(layer.get_weights(), new):
        np.testing.assert_array_equal(got, want)
    layer.set_weights(original)
    for got, want in zip(layer.get_weights(), original):
        np.testing.assert_array_equal(got, want)


def gradient_pairs(cls, kwargs, input_shape, multi, rng, training, input_data=None,
                   max_entries: int | None = 24, h=1e-6, prepare=None,
                   adapt_data=None) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """Float64 (label, analytic, numerical, flat indices) of L = Σ R ⊙ layer(x) for each
    input and each trainable weight; ``max_entries=None`` checks every entry, and then the
    analytic gradient keeps the shape the layer gave it (the numerical one: the array's)."""
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        layer = _new_layer(cls, kwargs, adapt_data)
        xs = _inputs(input_shape, rng, input_data, "float64")
        layer(xs if multi else xs[0])  # build
        if prepare is not None:
            prepare(layer)
        for w in layer.weights:  # break symmetries (γ = 1, α = 0, …)
            if w.trainable:
                w.value += rng.standard_normal(w.shape) * 0.1
        start = getattr(layer, "step", None)

        def loss() -> float:
            if start is not None:
                layer.step = start
            return float(np.sum(R * _call(layer, xs, multi, training)))

        y = _call(layer, xs, multi, training)
        R = rng.standard_normal(y.shape)
        loss()
        grads = layer.backward(R)
        grads = grads if multi else [grads]
        analytic = {id(w): np.array(w.grad, dtype=float) for w in layer.trainable_weights}
        arrays = [(f"∂L/∂x[{k}]" if multi else "∂L/∂inputs", x, np.asarray(g, dtype=float))
                  for k, (x, g) in enumerate(zip(xs, grads))]
        arrays += [(f"∂L/∂{w.name.split('/')[-1]}", w.value, analytic[id(w)])
                   for w in layer.trainable_weights]
        pairs = []
        for label, array, grad in arrays:
            idx = _pick(array.size, rng, array.size if max_entries is None else max_entries)
            num = numerical_gradient(loss, array, h, idx)
            if max_entries is None:
                pairs.append((label, grad, num.reshape(array.shape), idx))
            else:
                pairs.append((label, grad.reshape(-1)[idx], num, idx))
        return pairs
    finally:
        backend.set_floatx(previous)


def check_gradients(cls, kwargs, input_shape, multi, rng, training, input_data=None,
                    max_entries=24, h=1e-6, rtol=1e-5, atol=1e-7,
                    prepare=None, adapt_data=None):
    """Float64 central differences of L = Σ R ⊙ layer(x) for x and each trainable weight."""
    for label, analytic, numerical, _ in gradient_pairs(
            cls, kwargs, input_shape, multi, rng, training, input_data, max_entries, h,
            prepare, adapt_data):
        np.testing.assert_allclose(analytic, numerical, rtol=rtol, atol=atol,
                                   err_msg=f"{cls.__name__}: {label} (training={training})")


def check_training_step(cls, kwargs, input_shape, multi, rng, input_data=None,
                        adapt_data=None):
    """One epoch of fit: (layer → Dense head) with SGD; loss finite, weights move."""
    layer = _new_layer(cls, kwargs, adapt_data)
    tensors = [keras.layers.Input(shape=tuple(s)[1:]) for s in _as_list(input_shape)]
    hidden = layer(tensors if multi else tensors[0])
    out = keras.layers.Dense(2)(hidden)
    if multi:
        model = keras.models.Model(inputs=tensors, outputs=out)
    else:
        model = keras.models.Sequential([keras.layers.InputLayer(
            input_shape=tuple(input_shape)[1:]), layer, keras.layers.Dense(2)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.05))
    xs = _inputs(input_shape, rng, input_data)
    y = rng.standard_normal((len(xs[0]),) + tuple(model.output_shape[1:])).astype("float32")
    before = [w.numpy() for w in layer.trainable_weights]
    history = model.fit(xs if multi else xs[0], y, batch_size=len(xs[0]),
                        epochs=1, verbose=0)
    loss = history.history["loss"][-1]
    assert np.isfinite(loss), f"{layer.name}: training loss is {loss}"
    for w, old in zip(layer.trainable_weights, before):
        assert not np.array_equal(w.value, old), f"{w.name} did not change after fit"


# ------------------------------------------------------------------ entry
def run_layer_test(cls, init_kwargs: dict | None = None, input_shape=(4, 3), *,
                   input_data=None, expected_output_shape=None,
                   expected_num_trainable_weights=None,
                   expected_num_non_trainable_weights=None,
                   check_grads: bool = True, grad_modes=(True, False),
                   run_training: bool = True, seed: int = 0, grad_kwargs=None,
                   prepare=None, adapt_data=None) -> None:
    """Run every harness check on ``cls(**init_kwargs)`` for ``input_shape``.

    ``input_shape`` includes the batch axis; a list of shapes means a
    multi-input layer.  ``prepare(layer)`` runs after the gradient-check
    layer is built (e.g. to set BN's moving statistics); ``adapt_data`` goes to
    ``layer.adapt`` of every new layer before its first call.
    """
    kwargs = dict(init_kwargs or {})
    multi = isinstance(input_shape, list)
    rng = np.random.default_rng(seed)
    np.random.seed(seed)
    layer = _new_layer(cls, kwargs, adapt_data)
    xs = _inputs(input_shape, rng, input_data)
    layer(xs if multi else xs[0])
    y = check_shapes(layer, xs, multi, input_shape)
    if expected_output_shape is not None:
        assert y.shape == tuple(expected_output_shape), (
            f"{layer.name}: output shape {y.shape}, expected {tuple(expected_output_shape)}")
    check_symbolic_shape(cls, kwargs, input_shape, multi)
    check_weights(layer, rng, expected_num_trainable_weights,
                  expected_num_non_trainable_weights)
    check_config(layer, cls, xs, multi, adapt_data)
    if check_grads:
        for training in grad_modes:
            check_gradients(cls, kwargs, input_shape, multi, rng, training, input_data,
                            prepare=prepare, adapt_data=adapt_data, **(grad_kwargs or {}))
    if run_training:
        check_training_step(cls, kwargs, input_shape, multi, rng, input_data, adapt_data)
