r"""``keras.wrappers.scikit_learn``: ``KerasRegressor`` and ``KerasClassifier`` (tf.keras 2).

The book turns a Keras model into a scikit-learn estimator so that
``GridSearchCV`` / ``RandomizedSearchCV`` can tune it::

    def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):
        ...  # Sequential + compile(loss="mse", optimizer=SGD(lr=learning_rate))
        return model

    keras_reg = keras.wrappers.scikit_learn.KerasRegressor(build_model)
    keras_reg.fit(X_train, y_train, epochs=100, validation_data=(X_valid, y_valid),
                  callbacks=[keras.callbacks.EarlyStopping(patience=10)])
    RandomizedSearchCV(keras_reg, {"n_hidden": [0, 1, 2, 3], ...}, n_iter=10, cv=3)

Semantics (as tf.keras 2):

* ``KerasRegressor(build_fn, **sk_params)``: every keyword of ``build_fn``
  (``n_hidden``, ``learning_rate``, …) and of ``fit`` / ``predict`` /
  ``evaluate`` (``epochs``, ``batch_size``, ``verbose``, …) is a
  hyperparameter: ``get_params()`` returns ``sk_params`` plus ``build_fn``;
  ``set_params`` updates them; an unknown name raises ``ValueError``.
* ``fit(X, y, **kwargs)`` builds a **fresh** model with
  ``build_fn(**matching sk_params)`` (defaults of ``build_fn`` for the
  rest), then calls ``model.fit(X, y, **fit sk_params, **kwargs)``; the
  network is at ``.model`` and ``fit`` returns the ``History``.
* ``KerasRegressor.score`` is the **negative loss** :math:`-\mathcal{L}`
  (``-model.evaluate``, higher is better for scikit-learn);
  ``KerasClassifier.score`` is the accuracy.
* ``KerasClassifier`` encodes labels as ``0 … K−1`` (``classes_``), one-hot
  encodes them if the loss is ``categorical_crossentropy``; ``predict``
  returns labels from ``classes_``; ``predict_proba`` returns
  :math:`[1-p, p]` for a single sigmoid unit.

nnlite additions (tf.keras had none of these):

* ``random_state=k`` is accepted as an sk_param: the fit is seeded with
  :func:`nnlite.utils.set_random_seed` (and the caller's RNG state restored),
  so a search gives the same result on any number of workers or machines;
  ``build_fn`` also receives it if it has a ``random_state`` argument.
* The estimators follow the scikit-learn API (``BaseEstimator`` mixins,
  ``clone``, pickling before and after ``fit``, tags).
* ``KerasClassifier.score`` falls back to computing accuracy from
  ``predict`` when the model was compiled without ``metrics=["accuracy"]``
  (tf.keras raised an error); binary ``predict`` returns a 1-D array.
* Inputs are checked the scikit-learn way (``validate_data``): ``X`` is one
  numeric array of shape ``(n_samples, …)`` (images of any rank are fine),
  without NaN/inf, not sparse; ``n_features_in_`` is set; ``predict`` before
  ``fit`` raises ``NotFittedError``; a classifier refuses a continuous ``y``.
  (tf.keras passed anything to the network; multi-input models — a list or
  dict of arrays — are not supported by the wrappers: use the model itself.)
* A ``build_fn`` that is not callable is reported by ``fit`` with a
  ``TypeError`` (tf.keras failed with ``AttributeError`` in the
  constructor).
* Every fit runs with threads limited for its worker
  (:mod:`nnlite.utils.threads`).

Kept from tf.keras although scikit-learn's ``estimator_checks`` object to
it (see ``KERAS_WRAPPER_CHECKS_NOT_PASSED`` in ``tests/test_wrappers.py``
and the README): ``fit`` returns the ``History``, not ``self``; the
network is the public attribute ``.model`` set by ``fit``; ``sk_params``
is an attribute set by ``__init__``, which raises ``ValueError`` for an
unknown parameter name; ``y`` of shape ``(n, 1)`` is accepted without a
warning.

For new code prefer :class:`nnlite.wrappers.NNRegressor` /
:class:`nnlite.wrappers.NNClassifier` (the scikeras style).
"""

from __future__ import annotations

import copy
import types
from collections.abc import Callable

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ..models import Model, Sequential
from ..utils.threads import limit_threads, worker_thread_budget
from ._common import accepts, fit_context, loss_name, to_categorical

#: sk_params nnlite accepts although no Keras function takes them.
EXTRA_PARAMS = ("random_state",)

#: How ``X`` is checked: one numeric array, any rank >= 2, finite, dense.
_X_CHECK = {"allow_nd": True, "dtype": "numeric", "accept_sparse": False}


class BaseWrapper(BaseEstimator):
    """Common part of ``KerasRegressor`` and ``KerasClassifier`` (tf.keras 2 semantics)."""

    def __init__(self, build_fn: Callable | None = None, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    # ----------------------------------------------------------- parameters
    def _build_callable(self) -> Callable | None:
        """What builds the network: ``build_fn``, its ``__call__``, or ``self.__call__``.

        ``None`` when there is nothing callable (``fit`` then says so).
        """
        if self.build_fn is None:
            return self.__call__ if callable(self) else None  # a subclass may define it
        if isinstance(self.build_fn, (types.FunctionType, types.MethodType)):
            return self.build_fn
        return self.build_fn.__call__ if callable(self.build_fn) else None

    def check_params(self, params: dict) -> None:
        """Raise ``ValueError`` for a name no Keras function (nor ``build_fn``) accepts.

        Nothing is checked while there is no callable ``build_fn``: ``fit``
        reports that.
        """
        build = self._build_callable()
        if build is None:
            return
        legal = [Sequential.fit, Sequential.predict, Model.evaluate, build]
        for name in params:
            if name in EXTRA_PARAMS or any(accepts(fn, name) for fn in legal):
                continue
            raise ValueError(f"{name} is not a legal parameter of {type(self).__name__}: "
                             "it is neither an argument of build_fn nor of Model.fit, "
                             "predict or evaluate")

    def get_params(self, deep: bool = True, **params) -> dict:
        """``sk_params`` plus ``build_fn`` (what ``clone`` and the searches use)."""
        res = dict(self.sk_params)
        res["build_fn"] = self.build_fn
        return res

    def set_params(self, **params) -> BaseWrapper:
        """Update sk_params (checked); ``build_fn=`` replaces the build function."""
        if "build_fn" in params:
            self.build_fn = params.pop("build_fn")
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, fn: Callable, override: dict | None = None) -> dict:
        """The sk_params that ``fn`` accepts by name, updated with ``override``."""
        res = {name: value for name, value in self.sk_params.items() if accepts(fn, name)}
        res.update(override or {})
        return res

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.sk_params.get("random_state") is None
        return tags

    # ------------------------------------------------------------------ fit
    def fit(self, x, y, **kwargs):
        """Build a fresh model with ``build_fn`` and train it; returns the ``History``."""
        x, y = self._check_fit_data(x, y)
        with fit_context(self.sk_params.get("random_state")):
            self.model = self._build_model()
            if loss_name(self.model) == "categorical_crossentropy" and np.ndim(y) != 2:
                y = to_categorical(y, getattr(self, "n_classes_", int(np.max(y)) + 1))
            fit_args = copy.deepcopy(self.filter_sk_params(Sequential.fit))
            fit_args.update(kwargs)
            return self.model.fit(x, y, **fit_args)

    def _check_fit_data(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)`` validated; sets ``n_features_in_``."""
        return validate_data(self, x, y, multi_output=True, y_numeric=True, **_X_CHECK)

    def _build_model(self) -> Model:
        build = self._build_callable()
        if build is None:
            raise TypeError(f"{type(self).__name__}: build_fn must be a function (or callable "
                            f"object) that returns a compiled model, got {self.build_fn!r}")
        model = build(**self.filter_sk_params(build))
        if not isinstance(model, Model):
            raise TypeError(f"{type(self).__name__}: build_fn returned "
                            f"{type(model).__name__}, expected a compiled nnlite Model")
        return model

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model")

    def _check_x(self, x) -> np.ndarray:
        check_is_fitted(self)
        return validate_data(self, x, reset=False, **_X_CHECK)

    def _predict_raw(self, x, kwargs: dict) -> np.ndarray:
        x = self._check_x(x)
        kwargs = self.filter_sk_params(Sequential.predict, kwargs)
        with limit_threads(worker_thread_budget()):
            return np.asarray(self.model.predict(x, **kwargs))

    def _evaluate(self, x, y, kwargs: dict):
        kwargs = self.filter_sk_params(Model.evaluate, kwargs)
        with limit_threads(worker_thread_budget()):
            return self.model.evaluate(x, y, **kwargs)


class KerasRegressor(RegressorMixin, BaseWrapper):
    """scikit-learn regressor around a Keras ``build_fn`` (tf.keras 2 semantics).

    ``score(X, y)`` is :math:`-\\mathcal{L}(y, \\hat y)`, the negative loss
    (e.g. −MSE), so that "higher is better" as scikit-learn expects.
    """

    def predict(self, x, **kwargs) -> np.ndarray:
        """Predictions; a single output column is squeezed to shape ``(n,)``."""
        out = self._predict_raw(x, kwargs)
        return np.squeeze(out, axis=-1) if out.ndim > 1 and out.shape[-1] == 1 else out

    def score(self, x, y, **kwargs) -> float:
        """Negative loss on ``(x, y)`` (``-model.evaluate(x, y)``)."""
        check_is_fitted(self)
        x, y = validate_data(self, x, y, reset=False, multi_output=True, y_numeric=True,
                             **_X_CHECK)
        loss = self._evaluate(x, y, kwargs)
        if isinstance(loss, list):
            return -loss[0]
        return -loss


class KerasClassifier(ClassifierMixin, BaseWrapper):
    """scikit-learn classifier around a Keras ``build_fn`` (tf.keras 2 semantics).

    Labels are encoded to ``0 … K−1`` by their sorted order (``classes_``);
    a one-hot ``y`` of shape ``(n, K)`` is also accepted.  ``score`` is the
    accuracy :math:`\\frac1n\\sum_i [\\hat y_i = y_i]`.
    """

    def _check_fit_data(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Validate, then encode the labels (``classes_``, ``n_classes_``)."""
        x, y = validate_data(self, x, y, multi_output=True, **_X_CHECK)
        check_classification_targets(y)
        if y.ndim == 2 and y.shape[1] > 1:  # one-hot
            self.classes_ = np.arange(y.shape[1])
        elif y.ndim == 1 or y.shape[1] == 1:
            self.classes_, y = np.unique(y.reshape(-1), return_inverse=True)
        else:
            raise ValueError(f"KerasClassifier.fit: invalid shape for y: {y.shape}")
        self.n_classes_ = len(self.classes_)
        return x, y

    def predict_proba(self, x, **kwargs) -> np.ndarray:
        """Class probabilities, shape ``(n, K)``; ``[1 − p, p]`` for one sigmoid unit."""
        probs = self._predict_raw(x, kwargs)
        if probs.ndim == 1 or probs.shape[1] == 1:
            probs = probs.reshape(-1, 1)
            probs = np.hstack([1 - probs, probs])
        return probs

    def predict(self, x, **kwargs) -> np.ndarray:
        """Predicted labels (from ``classes_``), shape ``(n,)``."""
        proba = self._predict_raw(x, kwargs)
        if proba.ndim > 1 and proba.shape[-1] > 1:
            index = proba.argmax(axis=-1)
        else:
            index = (proba.reshape(-1) > 0.5).astype("int32")
        return self.classes_[index]

    def score(self, x, y, **kwargs) -> float:
        """Accuracy on ``(x, y)``: the model's ``accuracy`` metric if compiled with it."""
        x = self._check_x(x)
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            labels = y.argmax(axis=1)
        else:
            labels = np.searchsorted(self.classes_, y.reshape(-1))
        names = list(self.model.metrics_names)
        if "accuracy" not in names and "acc" not in names:
            return float(np.mean(self.predict(x) == self.classes_[labels]))
        target = to_categorical(labels, self.n_classes_) \
            if loss_name(self.model) == "categorical_crossentropy" else labels
        outputs = self._evaluate(x, target, kwargs)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        for name, output in zip(names, outputs):
            if name in ("accuracy", "acc"):
                return float(output)
        raise AssertionError("unreachable")  # pragma: no cover
