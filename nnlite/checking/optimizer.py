r"""``check_optimizer``: your optimizer's ``update_step`` against nnlite's, step by step.

An nnlite optimizer implements one hook::

    class MySGD(nnlite.optimizers.SGD):
        def update_step(self, var, grad, lr):
            velocity = self.slots(var)["momentum"]   # state per weight, zeros at first
            velocity[...] = self.momentum * velocity - lr * grad
            var.value += velocity                    # update the weight in place

``var.value`` is the weight (NumPy), ``grad`` its gradient, ``lr`` this
step's learning rate; ``self.iterations`` counts the steps already taken
(the Adam step t is ``self.iterations + 1``); ``self.slots(var)`` holds the
arrays named in ``_slot_names`` (or returned by ``_create_slots(var)``).
(Keras 3's hook is ``update_step(gradient, variable, learning_rate)``.)

The check runs your optimizer and the reference — by default the nnlite
optimizer your class derives from, built from your optimizer's config —
on two problems:

* **quadratic** — two weights (a vector and a matrix) of
  L = ½ Σ a ⊙ (θ − c)²; at every step both optimizers get the *same*
  gradients (the reference's), so the updates Δθ of each step compare
  directly, and a wrong factor shows as a constant ratio (the hints name
  the bias corrections, the learning rate, the sign);
* **Dense model** — a few ``train_on_batch`` steps of a small
  Dense → Dense regression from the same initial weights, comparing how
  far the weights moved.

Tolerances are relative to each entry and to the step's largest update
(:data:`QUADRATIC_RTOL`, :data:`MODEL_RTOL`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from ..optimizers.optimizer import Optimizer
from ..variables import Variable
from .compare import compare
from .hints import diagnose, exception_hint
from .report import CheckResult, Report

QUADRATIC_STEPS = 5
MODEL_STEPS = 3
#: Tolerance on the updates, relative to each entry and to the step's largest update:
#: float64 updates may differ by the order of operations or by ε placed as in the book,
#: (√v̂ + ε), where Keras adds ε to the uncorrected √v (relative differences ~1e-5).
QUADRATIC_RTOL = 1e-4
#: The same for a model's float32 weights' change since the start: looser, because some
#: of its gradients are tiny (~1e-4), where ε's placement changes Adam's step by ~1 %.
MODEL_RTOL = 2e-2


def _tol(expected: np.ndarray, rtol: float) -> dict:
    return dict(rtol=rtol, atol=rtol * float(np.max(np.abs(expected), initial=0.0)) + 1e-12)


def _builtin_base(cls: type) -> type | None:
    """The nearest nnlite optimizer class ``cls`` is or derives from (not the abstract base)."""
    for base in cls.__mro__:
        if base is not Optimizer and base.__module__.startswith("nnlite.optimizers.") \
                and issubclass(base, Optimizer):
            return base
    return None


def _factories(optimizer, reference, opt_kwargs) -> tuple[Callable, Callable, str]:
    """Fresh-copy makers for the checked optimizer and the reference, and a title."""
    if isinstance(optimizer, type):
        if not issubclass(optimizer, Optimizer):
            raise TypeError(f"check_optimizer: {optimizer.__name__} is not an nnlite "
                            f"Optimizer subclass")
        mine = optimizer(**opt_kwargs)
    elif isinstance(optimizer, Optimizer):
        if opt_kwargs:
            raise TypeError(f"check_optimizer: pass keyword arguments with an optimizer class,"
                            f" not with an instance; got {sorted(opt_kwargs)}")
        if optimizer.iterations:
            raise ValueError(f"check_optimizer: {optimizer.name} has already taken "
                             f"{optimizer.iterations} steps; pass a fresh one")
        mine = optimizer
    else:
        raise TypeError(f"check_optimizer: expected an nnlite Optimizer subclass or instance,"
                        f" got {type(optimizer).__name__}")
    if reference is None:
        reference = _builtin_base(type(mine))
        if reference is None:
            raise ValueError(f"check_optimizer: {type(mine).__name__} does not derive from a "
                             f"built-in optimizer; pass reference=, e.g. nnlite.optimizers.SGD"
                             f"(momentum=0.9)")
    if isinstance(reference, type):
        try:
            ref = reference.from_config(mine.get_config())
        except TypeError:  # your config has other keys: the same keyword arguments instead
            ref = reference(**opt_kwargs)
    else:
        ref = reference
    title = f"{type(mine).__name__} against nnlite's {type(ref).__name__} ({_settings(ref)})"
    return (lambda: copy.deepcopy(mine)), (lambda: copy.deepcopy(ref)), title


def _settings(opt) -> str:
    config = opt.get_config()
    keys = ("learning_rate", "momentum", "nesterov", "beta_1", "beta_2", "epsilon", "rho",
            "amsgrad", "weight_decay")
    return ", ".join(f"{k}={config[k]!r}" for k in keys if k in config)


def _params(opt, step: int) -> dict:
    """The kernel-style hyperparameters the hints know (lr, beta1, beta2, t)."""
    params = {"lr": float(opt.current_learning_rate()), "t": step}
    for attr, key in (("beta_1", "beta1"), ("beta_2", "beta2")):
        if hasattr(opt, attr):
            params[key] = float(getattr(opt, attr))
    return params


def _quadratic_results(make_mine: Callable, make_ref: Callable) -> list[CheckResult]:
    rng = np.random.default_rng(0)
    shapes = [(7,), (3, 4)]
    start = [rng.standard_normal(s) for s in shapes]
    curvature = [rng.uniform(0.5, 2.0, s) for s in shapes]
    centre = [rng.standard_normal(s) for s in shapes]
    mine, ref = make_mine(), make_ref()
    mine_vars = [Variable(v.copy(), f"w{i}") for i, v in enumerate(start)]
    ref_vars = [Variable(v.copy(), f"w{i}") for i, v in enumerate(start)]
    results, first_failure = [], None
    for step in range(1, QUADRATIC_STEPS + 1):
        grads = [a * (v.value - c) for a, v, c in zip(curvature, ref_vars, centre)]
        params = _params(ref, step)
        before_mine = [v.value.copy() for v in mine_vars]
        before_ref = [v.value.copy() for v in ref_vars]
        for opt, variables in ((mine, mine_vars), (ref, ref_vars)):
            for v, g in zip(variables, grads):
                v.grad[...] = g
            opt.apply(variables)
        got = np.concatenate([(v.value - b).ravel() for v, b in zip(mine_vars, before_mine)])
        expected = np.concatenate([(v.value - b).ravel() for v, b in zip(ref_vars,
                                                                          before_ref)])
        tol = _tol(expected, QUADRATIC_RTOL)
        comp = compare(expected, got, where="update", **tol)[0]
        result = CheckResult(f"quadratic step {step}", comp.ok, comp.max_error, comp.tolerance,
                             comp.index, comp.expected_value, comp.got_value)
        if not comp.ok:
            result.detail = "the update Δθ of this step (both get the same gradients)"
            result.hint = diagnose(expected, got, params=params, **tol)
            if first_failure is None and step > 1:
                result.hint = (f"step 1 matches but step {step} differs: is the state "
                               f"(momentum, m, v) kept between steps? Keep it in "
                               f"self.slots(var) and update it in place (m[...] = …). "
                               + result.hint)
            first_failure = first_failure or step
        results.append(result)
    return results


#: The hint of a model step that differs, after the quadratic steps did or did not.
MODEL_HINTS = {True: "the quadratic steps agree but the model's do not: does update_step "
                     "keep state outside self.slots(var) (shared by every weight), or "
                     "depend on the weight's shape?",
               False: "follows from the quadratic steps' difference above"}


def _model_results(make_mine: Callable, make_ref: Callable,
                   quadratic_passed: bool) -> list[CheckResult]:
    from .. import layers, models

    rng = np.random.default_rng(1)
    x = rng.standard_normal((16, 4)).astype("float32")
    y = (x @ rng.standard_normal((4, 1))).astype("float32")
    built = []
    for make in (make_mine, make_ref):
        model = models.Sequential([layers.InputLayer(input_shape=(4,)),
                                   layers.Dense(5, activation="tanh"), layers.Dense(1)])
        model.compile(optimizer=make(), loss="mse")
        built.append(model)
    mine, ref = built
    init = [rng.standard_normal(w.shape).astype(w.dtype) * 0.5 for w in ref.get_weights()]
    mine.set_weights(init)
    ref.set_weights(init)
    start = np.concatenate([w.ravel() for w in init])
    results = []
    for step in range(1, MODEL_STEPS + 1):
        try:
            mine.train_on_batch(x, y)
        except Exception as exc:
            return results + [CheckResult(f"Dense model step {step}", False, None,
                                          hint=exception_hint(exc))]
        ref.train_on_batch(x, y)
        got = np.concatenate([w.ravel() for w in mine.get_weights()]) - start
        expected = np.concatenate([w.ravel() for w in ref.get_weights()]) - start
        comp = compare(expected, got, where="weights", **_tol(expected, MODEL_RTOL))[0]
        result = CheckResult(f"Dense model step {step}", comp.ok, comp.max_error,
                             comp.tolerance, comp.index, comp.expected_value, comp.got_value)
        if not comp.ok:
            result.detail = ("the change of the model's weights since the start (same initial "
                             "weights, same data)")
            result.hint = MODEL_HINTS[quadratic_passed]
        results.append(result)
    return results


def check_optimizer(optimizer: object, reference: object = None, verbose: bool = True,
                    **opt_kwargs) -> Report:
    """Compare an optimizer with nnlite's, step by step, and print what differs.

    ``optimizer``: an nnlite Optimizer subclass (built with ``opt_kwargs``)
    or a fresh instance.  ``reference``: the optimizer to compare with (a
    class, built from your optimizer's config, or an instance); default: the
    built-in optimizer your class derives from.  Returns a
    :class:`~nnlite.checking.report.Report`, printed when ``verbose``.
    """
    make_mine, make_ref, title = _factories(optimizer, reference, opt_kwargs)
    try:
        results = _quadratic_results(make_mine, make_ref)
    except Exception as exc:
        results = [CheckResult("quadratic", False, None,
                               hint=exception_hint(exc))]
    results += _model_results(make_mine, make_ref, all(r.passed for r in results))
    report = Report(f"check_optimizer: {title}", results)
    if verbose:
        print(report)
    return report
