r"""``BaseNN``: the scikeras-style estimator behind ``NNRegressor`` and ``NNClassifier``.

Everything that describes a run is a constructor parameter, so
``GridSearchCV`` can tune it, ``clone`` can copy it and ``pickle`` can ship
it to another process or machine::

    NNRegressor(model=build_model,            # callable returning a Model
                optimizer="sgd", optimizer__learning_rate=3e-3,
                loss="mse", epochs=20, batch_size=32, random_state=42,
                model__n_hidden=2)            # → build_model(n_hidden=2)

Routing (the part before ``__`` says who receives the value):

=====================  =====================================================
parameter              goes to
=====================  =====================================================
``model__x``           ``model(x=…)`` (the build function)
``x`` (no prefix)      ``model(x=…)`` too, if the build function has an ``x``
``optimizer__x``       the optimizer's constructor (``SGD(x=…)``)
``loss__x``            the loss' constructor (``Huber(x=…)``)
``fit__x``             ``Model.fit(x=…)``
``predict__x``         ``Model.predict(x=…)``
=====================  =====================================================

The build function may also take ``meta`` (a dict with ``n_features_in_``,
``n_outputs_expected_``, ``n_classes_``, ``classes_``, ``target_type_``),
``compile_kwargs`` (``optimizer``/``loss``/``metrics`` ready to pass to
``compile``) and ``params`` (all of ``get_params()``).  If it returns an
uncompiled model, the estimator compiles it with ``optimizer``, ``loss``
and ``metrics``; a compiled model keeps its own settings.

``fit`` always builds a fresh network (``model_``) unless
``warm_start=True`` and one exists; ``history_`` is the ``History.history``
dict of the last fit.  ``random_state`` seeds weight initialisation and
shuffling through :func:`nnlite.utils.set_random_seed` and restores the
caller's RNG state afterwards (see :mod:`nnlite.wrappers._common`).

Differences from scikeras: ``verbose=0`` by default (scikeras: 1) so that
searches stay quiet; no ``partial_fit``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import losses as losses_module
from .. import optimizers as optimizers_module
from ..models import Model
from ..utils.threads import limit_threads, worker_thread_budget
from ._common import accepts, accepts_var_keyword, fit_context
from .default_model import mlp

#: Prefixes of routed parameters, and who receives them.
ROUTES = ("model", "optimizer", "loss", "fit", "predict")

_FIT_ARGS = ("epochs", "batch_size", "verbose", "validation_split", "shuffle")
_META_ARGS = ("meta", "compile_kwargs", "params")


def _routed(params: dict, prefix: str) -> dict:
    """``{"x": v}`` for each ``prefix__x`` in ``params``."""
    head = prefix + "__"
    return {k[len(head):]: v for k, v in params.items() if k.startswith(head)}


class BaseNN(BaseEstimator):
    """Shared constructor, parameters, routing and training of the NN* estimators."""

    _default_loss: str | None = None

    def __init__(self, model: Callable | Model | None = None, *, optimizer="rmsprop",
                 loss=None, metrics=None, epochs: int = 1, batch_size: int | None = None,
                 validation_split: float = 0.0, shuffle: bool = True, callbacks=None,
                 verbose: int = 0, warm_start: bool = False, random_state=None, **kwargs):
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.callbacks = callbacks
        self.verbose = verbose
        self.warm_start = warm_start
        self.random_state = random_state
        for key, value in kwargs.items():
            setattr(self, key, value)

    # ----------------------------------------------------------- parameters
    def _extra_param_names(self) -> list[str]:
        """Names given as ``**kwargs`` (routed ``x__y`` or build-function arguments)."""
        fixed = set(self._get_param_names())
        return sorted(k for k in vars(self) if k not in fixed and not k.startswith("_")
                      and not k.endswith("_"))

    def get_params(self, deep: bool = True) -> dict:
        """The constructor parameters plus every routed / extra keyword parameter."""
        params = super().get_params(deep=False)
        params.update({k: getattr(self, k) for k in self._extra_param_names()})
        return params

    def _build_fn(self) -> Callable:
        return mlp if self.model is None else self.model

    def set_params(self, **params) -> BaseNN:
        """Set parameters; routed names (``model__x``, ``optimizer__x``, …) are always valid."""
        valid = set(self.get_params())
        build = self._build_fn()
        for key, value in params.items():
            routed = "__" in key and key.split("__", 1)[0] in ROUTES
            if key in valid or routed or (callable(build) and accepts(build, key)):
                setattr(self, key, value)
            else:
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {type(self).__name__}. Valid "
                    f"parameters are {sorted(valid)}, routed ones such as 'model__<arg>', "
                    "'optimizer__<arg>', 'loss__<arg>', 'fit__<arg>', and the arguments of "
                    "the model function.")
        return self

    # -------------------------------------------------------- building parts
    def _make_optimizer(self):
        """A fresh optimizer from ``optimizer`` and ``optimizer__*`` parameters."""
        spec, kwargs = self.optimizer, _routed(self.get_params(), "optimizer")
        if isinstance(spec, optimizers_module.Optimizer):
            if not kwargs:
                return copy.deepcopy(spec)
            return type(spec).from_config({**spec.get_config(), **kwargs})
        if isinstance(spec, type):
            return spec(**kwargs)
        if isinstance(spec, str):
            return optimizers_module.deserialize({"class_name": spec, "config": kwargs})
        raise TypeError(f"{type(self).__name__}: optimizer must be a name, an Optimizer class "
                        f"or instance, got {spec!r}")

    def _make_loss(self, default: str | None):
        """The loss from ``loss`` (or ``default``) and ``loss__*`` parameters."""
        spec, kwargs = self.loss if self.loss is not None else default, \
            _routed(self.get_params(), "loss")
        if not kwargs:
            return copy.deepcopy(spec)
        if isinstance(spec, type):
            return spec(**kwargs)
        return type(losses_module.get(spec))(**kwargs)

    def _meta(self) -> dict:
        return {"n_features_in_": self.n_features_in_,
                "n_outputs_expected_": getattr(self, "n_outputs_expected_", None),
                "n_classes_": getattr(self, "n_classes_", None),
                "classes_": getattr(self, "classes_", None),
                "target_type_": getattr(self, "target_type_", None)}

    def _build_kwargs(self, build: Callable, compile_kwargs: dict) -> dict:
        params = self.get_params()
        kwargs = {k: params[k] for k in self._extra_param_names()
                  if "__" not in k and accepts(build, k)}
        routed = _routed(params, "model")
        for key in routed:
            if not (accepts(build, key) or accepts_var_keyword(build)):
                raise ValueError(f"{type(self).__name__}: model__{key} was given but the model "
                                 f"function {getattr(build, '__name__', build)!r} has no "
                                 f"argument {key!r}")
        kwargs.update(routed)
        extras = {"meta": self._meta(), "compile_kwargs": compile_kwargs, "params": params}
        kwargs.update({k: v for k, v in extras.items() if accepts(build, k)})
        return kwargs

    def _build_model(self) -> Model:
        compile_kwargs = {"optimizer": self._make_optimizer(),
                          "loss": self._make_loss(self._default_loss),
                          "metrics": copy.deepcopy(self.metrics)}
        build = self._build_fn()
        if isinstance(build, Model):
            model = copy.deepcopy(build)
        elif callable(build):
            model = build(**self._build_kwargs(build, compile_kwargs))
        else:
            raise TypeError(f"{type(self).__name__}: model must be a callable returning a "
                            f"Model, or a Model, got {build!r}")
        if not isinstance(model, Model):
            raise TypeError(f"{type(self).__name__}: the model function returned "
                            f"{type(model).__name__}, expected a nnlite Model")
        if not model._compiled:
            if compile_kwargs["loss"] is None:
                compile_kwargs["loss"] = self._auto_loss(model)
            model.compile(**compile_kwargs)
        return model

    def _auto_loss(self, model: Model):
        raise ValueError(f"{type(self).__name__}: give loss=... (no default loss)")

    # --------------------------------------------------------------- training
    def _fit_args(self, sample_weight, kwargs: dict) -> dict:
        args = {name: getattr(self, name) for name in _FIT_ARGS}
        args["callbacks"] = copy.deepcopy(self.callbacks)
        args.update(_routed(self.get_params(), "fit"))
        args.update(kwargs)
        if sample_weight is not None:
            args["sample_weight"] = sample_weight
        return args

    def _fit_encoded(self, X: np.ndarray, y: np.ndarray, sample_weight, kwargs: dict):
        """Build (unless warm-starting), compile and train on encoded targets."""
        with fit_context(self.random_state):
            if not (self.warm_start and hasattr(self, "model_")):
                self.model_ = self._build_model()
            y = self._encode_for_loss(y)
            history = self.model_.fit(X, y, **self._fit_args(sample_weight, kwargs))
        self.history_ = {k: list(v) for k, v in history.history.items()}
        return self

    def _encode_for_loss(self, y: np.ndarray) -> np.ndarray:
        return y

    def _validate_X(self, X, reset: bool):
        return validate_data(self, X, reset=reset, dtype=("float64", "float32"))

    def _check_sample_weight(self, sample_weight, n: int):
        """``sample_weight`` as a float array of shape ``(n,)`` (``None`` stays ``None``)."""
        if sample_weight is None:
            return None
        weights = np.asarray(sample_weight, dtype=np.float64)
        if weights.ndim == 0:
            weights = np.full(n, float(weights))
        if weights.shape != (n,):
            raise ValueError(f"{type(self).__name__}: sample_weight must have shape ({n},), "
                             f"got {weights.shape}")
        if not np.isfinite(weights).all() or (weights < 0).any():
            raise ValueError(f"{type(self).__name__}: sample_weight must be finite and >= 0")
        if n and not weights.any():
            raise ValueError(f"{type(self).__name__}: all sample weights are zero; at least "
                             "one sample must have a positive weight")
        return weights

    def _predict_raw(self, X, **kwargs) -> np.ndarray:
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        args = {"batch_size": self.batch_size, "verbose": 0}
        args.update(_routed(self.get_params(), "predict"))
        args.update(kwargs)
        with limit_threads(worker_thread_budget()):
            return np.asarray(self.model_.predict(X, **args), dtype=np.float64)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags
