"""``check_layer``: the layer test harness of nnlite's own tests, as a report with hints.

For a layer class (or an instance: its class and ``get_config()``) on
inputs of ``input_shape`` (batch axis included) it checks

* **output shape** — the output's shape equals ``compute_output_shape``,
  eagerly and in the functional API (``layer(keras.Input(...))``);
* **gradients** — in float64, ∂L/∂inputs and ∂L/∂w of every trainable
  weight (what ``backward`` returns and writes into ``w.grad``) against
  central differences (:func:`nnlite.utils.gradient_check.numerical_gradient`),
  for L = Σ R ⊙ layer(x) with R a fixed random array, in training mode;
* **config** — ``get_config`` is JSON, ``from_config`` rebuilds the same
  config and, with the same weights, the same output;
* **weights** — ``get_weights``/``set_weights`` and a ``save_weights`` /
  ``load_weights`` file round trip of a model holding the layer;
* **training step** — one ``fit`` step of (layer → Dense) with SGD: the
  loss is finite and the layer's weights change.

The checks are those of :mod:`nnlite.checking.layer_harness`, which the
test suite runs on every built-in layer.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable

import numpy as np

from .compare import compare
from .hints import diagnose, exception_hint
from .layer_harness import (
    _inputs,
    _new_layer,
    check_config,
    check_shapes,
    check_symbolic_shape,
    check_training_step,
    check_weights,
    gradient_pairs,
)
from .report import CheckResult, Report

#: Gradient tolerance: central differences in float64 with h = 1e-6 agree to ~1e-9.
GRAD_RTOL, GRAD_ATOL = 1e-5, 1e-7


def _step(name: str, fn: Callable[[], None]) -> CheckResult:
    """Run one assertion-style check: passed, failed (its message) or raised."""
    try:
        fn()
    except AssertionError as exc:
        return CheckResult(name, False, None, detail=" ".join(str(exc).split()))
    except Exception as exc:
        return CheckResult(name, False, None, hint=exception_hint(exc))
    return CheckResult(name, True, None)


def _gradient_results(cls, kwargs, input_shape, rng) -> list[CheckResult]:
    try:
        pairs = gradient_pairs(cls, kwargs, input_shape, False, rng, True, max_entries=None)
    except Exception as exc:
        return [CheckResult("gradients", False, None,
                            hint=exception_hint(exc))]
    results = []
    for label, analytic, numerical, _ in pairs:
        comp = compare(numerical, analytic, GRAD_RTOL, GRAD_ATOL, where=label)[0]
        result = CheckResult(label, comp.ok, comp.max_error, comp.tolerance, comp.index,
                             comp.expected_value, comp.got_value)
        if not comp.ok:
            result.detail = ("backward's gradient (got) against central differences "
                             "(expected)")
            result.hint = diagnose(numerical, analytic, rtol=GRAD_RTOL, atol=GRAD_ATOL,
                                   rows=input_shape[0])
        results.append(result)
    return results


def _save_round_trip(cls, kwargs, input_shape, rng) -> None:
    """save_weights, then load_weights into a fresh model: the same weights."""
    from .. import layers, models

    def model():
        return models.Sequential([layers.InputLayer(input_shape=tuple(input_shape)[1:]),
                                  _new_layer(cls, kwargs)])

    first, second = model(), model()
    first.set_weights([w + 0.1 * rng.standard_normal(w.shape).astype(w.dtype)
                       for w in first.get_weights()])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "layer.weights.h5")
        first.save_weights(path)
        second.load_weights(path)
    for a, b in zip(first.get_weights(), second.get_weights()):
        assert np.array_equal(a, b), "load_weights did not restore the saved weights"


def check_layer(layer: object, input_shape: tuple = (4, 5), verbose: bool = True,
                **layer_kwargs) -> Report:
    """Check a layer: shapes, gradients, config, weights, one training step.

    ``layer``: a Layer subclass, built as ``layer(**layer_kwargs)``, or an
    instance (rebuilt from its ``get_config()``).  ``input_shape`` includes
    the batch axis.  Returns a :class:`~nnlite.checking.report.Report`,
    printed when ``verbose``.
    """
    if isinstance(layer, type):
        cls, kwargs = layer, dict(layer_kwargs)
    elif layer_kwargs:
        raise TypeError(f"check_layer: pass keyword arguments with a layer class, not with "
                        f"an instance ({type(layer).__name__}); got {sorted(layer_kwargs)}")
    else:
        cls, kwargs = type(layer), layer.get_config()
    input_shape = tuple(input_shape)
    if len(input_shape) < 2 or not all(isinstance(n, int) and n > 0 for n in input_shape):
        raise ValueError(f"check_layer: input_shape must be (batch, features, ...) with "
                         f"positive sizes, got {input_shape}")
    rng = np.random.default_rng(0)
    np.random.seed(0)
    built = {}

    def shape() -> None:
        built["layer"] = _new_layer(cls, kwargs)
        built["xs"] = _inputs(input_shape, rng)
        built["layer"](built["xs"][0])
        check_shapes(built["layer"], built["xs"], False, input_shape)

    results = [_step("output shape", shape),
               _step("functional API shape", lambda: check_symbolic_shape(
                   cls, kwargs, input_shape, False))]
    results += _gradient_results(cls, kwargs, input_shape, rng)
    if "xs" in built:
        results.append(_step("config round trip", lambda: check_config(
            built["layer"], cls, built["xs"], False)))
        results.append(_step("weights round trip", lambda: check_weights(
            built["layer"], rng, None, None)))
    results.append(_step("save/load weights", lambda: _save_round_trip(
        cls, kwargs, input_shape, rng)))
    results.append(_step("training step", lambda: check_training_step(
        cls, kwargs, input_shape, False, rng)))
    report = Report(f"check_layer: {cls.__name__}({_kwargs_text(kwargs)}) on inputs of shape "
                    f"{input_shape}", results)
    if verbose:
        print(report)
    return report


def _kwargs_text(kwargs: dict) -> str:
    shown = {k: v for k, v in kwargs.items() if k not in ("name", "trainable", "dtype")
             and v is not None and not isinstance(v, dict)}
    return ", ".join(f"{k}={v!r}" for k, v in shown.items())
