"""Names that belong to TensorFlow itself, and what to use in nnlite instead.

``import nnlite as tf`` gives the ``tf.keras`` API, not TensorFlow: tensors,
``tf.data`` pipelines, automatic differentiation, graph compilation and the
SavedModel format are TensorFlow's own.  Reaching for one of them
(``tf.Variable``, ``model.export``, ``tf.keras.layers.TFSMLayer`` …) raises a
:class:`TensorFlowOnlyError` that says so and names the nnlite way.  It is an
``AttributeError``, so ``hasattr(tf, "constant")`` is simply False.

:data:`TENSORFLOW_ONLY` is the one table of these names, by where they are
looked up: ``"tf"`` (the package), ``"tf.keras.layers"`` and ``"model"``.
(``tf.constant`` is not among them: it returns a NumPy array, see
:mod:`nnlite.array_constant`.)
"""

from __future__ import annotations

_SAVE = ('model.save("my_model.keras") and keras.models.load_model("my_model.keras") '
         "(architecture, weights and optimizer in one file)")
_ARRAYS = "a NumPy array, e.g. np.array([[1.0, 2.0]], dtype=np.float32)"

#: where → {name: what to use in nnlite instead}
TENSORFLOW_ONLY: dict[str, dict[str, str]] = {
    "tf": {
        "convert_to_tensor": _ARRAYS + " (np.asarray(x, dtype=np.float32))",
        "Tensor": "NumPy arrays: layers take and return np.ndarray",
        "TensorSpec": "the input shape, keras.Input(shape=[...])",
        "Variable": "NumPy arrays; a layer's weights are layer.weights (each .value an "
                    "array), set with layer.set_weights([...])",
        "GradientTape": "layer.backward(grad): every layer writes its own gradients "
                        "(w.grad); model.fit runs the loop, keras.utils.check_gradients "
                        "compares them with finite differences",
        "function": "nothing: nnlite runs plain Python and NumPy, there is no graph to "
                    "compile (drop the @tf.function decorator)",
        "data": "NumPy arrays with fit(X, y, batch_size=32, shuffle=True), or a list of "
                "arrays for several inputs: fit((X_wide, X_deep), y)",
        "saved_model": _SAVE,
        "cast": "x.astype(np.float32)",
        "reduce_sum": "np.sum(x, axis=...)",
        "reduce_mean": "np.mean(x, axis=...)",
        "square": "np.square(x)",
        "math": "NumPy's functions (np.log, np.exp, np.tanh, ...)",
        "nn": "keras.activations (relu, sigmoid, softmax, ...) and keras.losses",
        "lite": _SAVE + "; converting to TensorFlow Lite needs TensorFlow",
        "distribute": "nothing: nnlite trains on one machine (its kernels use every core; "
                      "the cuda backend uses one GPU)",
    },
    "tf.keras.layers": {
        "TFSMLayer": _SAVE + "; a TensorFlow SavedModel can only be loaded by TensorFlow",
    },
    "model": {
        "export": _SAVE + "; a TensorFlow SavedModel (for TF Serving) needs TensorFlow",
    },
}


class TensorFlowOnlyError(AttributeError):
    """``tf.<name>`` is TensorFlow itself, not part of nnlite's Keras API."""


def error(where: str, name: str) -> TensorFlowOnlyError:
    """The error for ``name`` looked up on ``where`` (a key of :data:`TENSORFLOW_ONLY`)."""
    spelled = f"model.{name}" if where == "model" else f"{where}.{name}"
    return TensorFlowOnlyError(
        f"{spelled} belongs to TensorFlow itself, not to the Keras API that nnlite implements "
        f"(import nnlite as tf gives tf.keras, not TensorFlow). In nnlite use: "
        f"{TENSORFLOW_ONLY[where][name]}")


def check(where: str, name: str) -> None:
    """Raise :class:`TensorFlowOnlyError` if ``name`` is TensorFlow's (else return)."""
    if name in TENSORFLOW_ONLY[where]:
        raise error(where, name)


class TensorFlowOnly:
    """A class attribute that raises :class:`TensorFlowOnlyError` when read (``model.export``)."""

    def __init__(self, where: str):
        self.where = where

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        raise error(self.where, self.name)
