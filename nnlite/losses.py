r"""Loss functions (Keras names, defaults and reductions).

Every loss computes one value per sample (averaging over the last axis where
Keras does) and the reported loss is the mean over the batch
(``sum_over_batch_size``).  ``value_and_grad`` returns the per-sample values
and ``scale·∂ℓ/∂ŷ``; cross-entropies also offer ``fused_value_and_grad``,
the gradient with respect to the output layer's pre-activation z, which is
simply ``p − y`` (softmax + CE, sigmoid + BCE) — numerically stable and cheap.

=================================  ============================================
name (aliases)                     ℓ(y, ŷ) per sample
=================================  ============================================
mean_squared_error (mse)           mean((ŷ − y)²)
mean_absolute_error (mae)          mean|ŷ − y|
mean_absolute_percentage_error     100·mean(|y − ŷ| / max(|y|, ε))
(mape)
mean_squared_logarithmic_error     mean((log(1+ŷ) − log(1+y))²)
(msle)
huber (δ = 1)                      mean(½e² if |e| ≤ δ else δ|e| − ½δ²)
poisson                            mean(ŷ − y·log(ŷ + ε))
binary_crossentropy                −mean(y log p + (1−y) log(1−p))
categorical_crossentropy           −Σ y_k log p_k
sparse_categorical_crossentropy    −log p_y
=================================  ============================================

Probabilities are clipped to [ε, 1 − ε] with ε = 1e-7 (Keras) unless
``from_logits=True``, in which case the log-softmax / log-sigmoid is
computed exactly.
"""

from __future__ import annotations

import numpy as np

from . import _kernels as kernels
from .backend import epsilon
from .equations import Equations


class Loss:
    """Base class.  Subclasses implement ``per_sample`` and ``grad``."""

    equations = Equations()  # value and gradient, from nnlite.equations

    #: activation whose output this loss can back-propagate through in one step
    fuse_activation: str | None = None

    def __init__(self, name: str | None = None, reduction: str = "sum_over_batch_size"):
        self.name = name or self.default_name
        if reduction not in ("sum_over_batch_size", "auto", "sum", "none"):
            raise ValueError(f"{self.name}: unknown reduction {reduction!r}")
        self.reduction = reduction

    default_name = "loss"

    # ------------------------------------------------------------- interface
    def check_targets(self, y_true: np.ndarray, pred_shape: tuple) -> np.ndarray:
        """Validate ``y_true`` against the prediction shape; return it ready to use."""
        y = np.asarray(y_true)
        if y.ndim == len(pred_shape) - 1 and pred_shape[-1] == 1:
            y = y.reshape(y.shape + (1,))
        if y.shape[1:] != tuple(pred_shape[1:]) or (pred_shape[0] is not None
                                                     and y.shape[0] != pred_shape[0]):
            raise ValueError(
                f"{self.name}: targets of shape {np.shape(y_true)} do not match predictions "
                f"of shape {tuple(pred_shape)}")
        if not np.issubdtype(y.dtype, np.number) and y.dtype != bool:
            raise ValueError(f"{self.name}: targets must be numeric, got dtype {y.dtype}")
        return y

    def per_sample(self, y_true, y_pred) -> np.ndarray:
        raise NotImplementedError

    def grad(self, y_true, y_pred) -> np.ndarray:
        """∂ℓ_i/∂ŷ_i for each sample (not yet divided by the batch size)."""
        raise NotImplementedError

    def value_and_grad(self, y_true, y_pred, scale: float):
        return self.per_sample(y_true, y_pred), self.grad(y_true, y_pred) * scale

    def __call__(self, y_true, y_pred, sample_weight=None) -> float:
        y_pred = np.asarray(y_pred, dtype=np.float64)
        y_true = self.check_targets(y_true, y_pred.shape)
        values = self.per_sample(y_true, y_pred)
        if sample_weight is not None:
            values = values * np.asarray(sample_weight).reshape(values.shape)
        if self.reduction == "none":
            return values
        if self.reduction == "sum":
            return float(values.sum())
        return float(values.mean())

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class MeanSquaredError(Loss):
    """ℓ = mean over the last axis of (ŷ − y)²; ∂ℓ/∂ŷ = 2(ŷ − y)/k."""

    default_name = "mean_squared_error"

    def per_sample(self, y_true, y_pred):
        return np.mean(np.square(y_pred - y_true), axis=-1)

    def grad(self, y_true, y_pred):
        return 2.0 * (y_pred - y_true) / y_pred.shape[-1]


class MeanAbsoluteError(Loss):
    """ℓ = mean|ŷ − y|; ∂ℓ/∂ŷ = sign(ŷ − y)/k."""

    default_name = "mean_absolute_error"

    def per_sample(self, y_true, y_pred):
        return np.mean(np.abs(y_pred - y_true), axis=-1)

    def grad(self, y_true, y_pred):
        return np.sign(y_pred - y_true) / y_pred.shape[-1]


class MeanAbsolutePercentageError(Loss):
    """ℓ = 100·mean(|y − ŷ| / max(|y|, ε))."""

    default_name = "mean_absolute_percentage_error"

    def per_sample(self, y_true, y_pred):
        return 100.0 * np.mean(np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), epsilon()),
                               axis=-1)

    def grad(self, y_true, y_pred):
        return (100.0 * np.sign(y_pred - y_true) / np.maximum(np.abs(y_true), epsilon())
                / y_pred.shape[-1])


class MeanSquaredLogarithmicError(Loss):
    """ℓ = mean((log(1 + max(ŷ, ε)) − log(1 + max(y, ε)))²)."""

    default_name = "mean_squared_logarithmic_error"

    def per_sample(self, y_true, y_pred):
        d = np.log1p(np.maximum(y_pred, epsilon())) - np.log1p(np.maximum(y_true, epsilon()))
        return np.mean(np.square(d), axis=-1)

    def grad(self, y_true, y_pred):
        p = np.maximum(y_pred, epsilon())
        d = np.log1p(p) - np.log1p(np.maximum(y_true, epsilon()))
        return 2.0 * d / (1.0 + p) * (y_pred > epsilon()) / y_pred.shape[-1]


class Huber(Loss):
    """ℓ = mean(½e² if |e| ≤ δ else δ|e| − ½δ²), e = ŷ − y (Keras δ = 1)."""

    default_name = "huber_loss"

    def __init__(self, delta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        if delta <= 0:
            raise ValueError(f"Huber: delta must be > 0, got {delta}")
        self.delta = float(delta)

    def per_sample(self, y_true, y_pred):
        e = np.abs(y_pred - y_true)
        d = self.delta
        return np.mean(np.where(e <= d, 0.5 * e * e, d * e - 0.5 * d * d), axis=-1)

    def grad(self, y_true, y_pred):
        e = y_pred - y_true
        return np.clip(e, -self.delta, self.delta) / y_pred.shape[-1]

    def get_config(self):
        return {**super().get_config(), "delta": self.delta}


class Poisson(Loss):
    """ℓ = mean(ŷ − y·log(ŷ + ε))."""

    default_name = "poisson"

    def per_sample(self, y_true, y_pred):
        return np.mean(y_pred - y_true * np.log(y_pred + epsilon()), axis=-1)

    def grad(self, y_true, y_pred):
        return (1.0 - y_true / (y_pred + epsilon())) / y_pred.shape[-1]


class _CrossEntropy(Loss):
    def __init__(self, from_logits: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.from_logits = bool(from_logits)

    @property
    def fuse_activation(self):
        return None if self.from_logits else self._fused

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}


class BinaryCrossentropy(_CrossEntropy):
    """ℓ = −mean(y log p + (1 − y) log(1 − p)); with a sigmoid output ∂ℓ/∂z = (p − y)/k."""

    default_name = "binary_crossentropy"
    _fused = "sigmoid"

    def check_targets(self, y_true, pred_shape):
        y = super().check_targets(y_true, pred_shape)
        if y.size and (np.min(y) < 0 or np.max(y) > 1):
            raise ValueError(f"{self.name}: targets must lie in [0, 1], got values in "
                             f"[{np.min(y)}, {np.max(y)}] (targets of shape {np.shape(y_true)})")
        return y

    def per_sample(self, y_true, y_pred):
        if self.from_logits:
            return kernels.sigmoid_bce(y_pred, y_true, 1.0)[0]
        return kernels.bce_from_probs(y_pred, y_true, 1.0, epsilon())[0]

    def grad(self, y_true, y_pred):
        if self.from_logits:
            return kernels.sigmoid_bce(y_pred, y_true, 1.0)[1]
        p = np.clip(y_pred, epsilon(), 1 - epsilon())
        inside = (y_pred > epsilon()) & (y_pred < 1 - epsilon())
        return (p - y_true) / (p * (1 - p)) * inside / y_pred.shape[-1]

    def value_and_grad(self, y_true, y_pred, scale):
        if self.from_logits:
            return kernels.sigmoid_bce(y_pred, y_true, scale)
        return super().value_and_grad(y_true, y_pred, scale)

    def fused_value_and_grad(self, y_true, probs, scale):
        return kernels.bce_from_probs(probs, y_true, scale, epsilon())


class CategoricalCrossentropy(_CrossEntropy):
    """ℓ = −Σ_k y_k log p_k (one-hot y); with softmax output ∂ℓ/∂z = p − y."""

    default_name = "categorical_crossentropy"
    _fused = "softmax"

    def per_sample(self, y_true, y_pred):
        if self.from_logits:
            return kernels.softmax_xent_dense(y_pred, y_true, 1.0)[0]
        p = y_pred / y_pred.sum(axis=-1, keepdims=True)
        return kernels.xent_dense_from_probs(p, y_true, 1.0, epsilon())[0]

    def grad(self, y_true, y_pred):
        if self.from_logits:
            return kernels.softmax_xent_dense(y_pred, y_true, 1.0)[1]
        total = y_pred.sum(axis=-1, keepdims=True)
        p = np.clip(y_pred / total, epsilon(), 1 - epsilon())
        return -y_true / (p * total) + y_true.sum(axis=-1, keepdims=True) / total

    def value_and_grad(self, y_true, y_pred, scale):
        if self.from_logits:
            return kernels.softmax_xent_dense(y_pred, y_true, scale)
        return super().value_and_grad(y_true, y_pred, scale)

    def fused_value_and_grad(self, y_true, probs, scale):
        return kernels.xent_dense_from_probs(probs, y_true, scale, epsilon())


class SparseCategoricalCrossentropy(_CrossEntropy):
    """ℓ = −log p_y for integer labels y ∈ [0, k); with softmax ∂ℓ/∂z = p − onehot(y)."""

    default_name = "sparse_categorical_crossentropy"
    _fused = "softmax"

    def check_targets(self, y_true, pred_shape):
        y = np.asarray(y_true)
        n_classes = pred_shape[-1]
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1 or (pred_shape[0] is not None and y.shape[0] != pred_shape[0]):
            raise ValueError(
                f"{self.name}: expected one integer label per sample (shape (n,) or (n, 1)) "
                f"for predictions of shape {tuple(pred_shape)}, got labels of shape "
                f"{np.shape(y_true)} (one-hot labels need categorical_crossentropy)")
        if not np.issubdtype(y.dtype, np.integer):
            if not np.issubdtype(y.dtype, np.number) or not np.all(np.mod(y, 1) == 0):
                raise ValueError(f"{self.name}: labels must be integers, got dtype {y.dtype} "
                                 f"with non-integer values (labels of shape {np.shape(y_true)})")
        if y.size and (y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"{self.name}: labels must be in [0, {n_classes}) for {n_classes} "
                             f"outputs (predictions of shape {tuple(pred_shape)}), got values "
                             f"in [{y.min()}, {y.max()}]")
        return y.astype(np.intp, copy=False)

    def per_sample(self, y_true, y_pred):
        if self.from_logits:
            return kernels.softmax_xent_sparse(y_pred, y_true, 1.0)[0]
        p = y_pred / y_pred.sum(axis=-1, keepdims=True)
        return kernels.xent_sparse_from_probs(p, y_true, 1.0, epsilon())[0]

    def grad(self, y_true, y_pred):
        if self.from_logits:
            return kernels.softmax_xent_sparse(y_pred, y_true, 1.0)[1]
        onehot = np.zeros_like(y_pred)
        onehot[np.arange(len(y_true)), y_true] = 1.0
        return CategoricalCrossentropy.grad(self, onehot, y_pred)

    def value_and_grad(self, y_true, y_pred, scale):
        if self.from_logits:
            return kernels.softmax_xent_sparse(y_pred, y_true, scale)
        return super().value_and_grad(y_true, y_pred, scale)

    def fused_value_and_grad(self, y_true, probs, scale):
        return kernels.xent_sparse_from_probs(probs, y_true, scale, epsilon())


class _LossFunction:
    """A Keras-style loss *function* ``f(y_true, y_pred) -> per-sample losses``."""

    def __init__(self, cls, name):
        self.cls, self.__name__ = cls, name

    def __call__(self, y_true, y_pred):
        return self.cls(reduction="none")(y_true, y_pred)

    def __repr__(self):
        return f"<loss function {self.__name__}>"


_CLASSES = [MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
            MeanSquaredLogarithmicError, Huber, Poisson, BinaryCrossentropy,
            CategoricalCrossentropy, SparseCategoricalCrossentropy]
_BY_NAME = {c.default_name: c for c in _CLASSES}
_BY_NAME.update({"mse": MeanSquaredError, "mae": MeanAbsoluteError,
                 "mape": MeanAbsolutePercentageError, "msle": MeanSquaredLogarithmicError,
                 "huber": Huber, "MSE": MeanSquaredError, "MAE": MeanAbsoluteError,
                 "MAPE": MeanAbsolutePercentageError, "MSLE": MeanSquaredLogarithmicError})
_BY_NAME.update({c.__name__: c for c in _CLASSES})

mean_squared_error = mse = MSE = _LossFunction(MeanSquaredError, "mean_squared_error")
mean_absolute_error = mae = MAE = _LossFunction(MeanAbsoluteError, "mean_absolute_error")
mean_absolute_percentage_error = mape = MAPE = _LossFunction(MeanAbsolutePercentageError,
                                                             "mean_absolute_percentage_error")
mean_squared_logarithmic_error = msle = MSLE = _LossFunction(MeanSquaredLogarithmicError,
                                                             "mean_squared_logarithmic_error")
huber = _LossFunction(Huber, "huber")
poisson = _LossFunction(Poisson, "poisson")
binary_crossentropy = _LossFunction(BinaryCrossentropy, "binary_crossentropy")
categorical_crossentropy = _LossFunction(CategoricalCrossentropy, "categorical_crossentropy")
sparse_categorical_crossentropy = _LossFunction(SparseCategoricalCrossentropy,
                                                "sparse_categorical_crossentropy")


class _CustomLoss(Loss):
    """A user function ``f(y_true, y_pred) -> per-sample`` with ``f.gradient``."""

    def __init__(self, fn):
        self.fn = fn
        super().__init__(name=getattr(fn, "__name__", "custom_loss"))

    def per_sample(self, y_true, y_pred):
        return np.asarray(self.fn(y_true, y_pred)).reshape(len(y_pred), -1).mean(axis=-1)

    def grad(self, y_true, y_pred):
        gradient = getattr(self.fn, "gradient", None)
        if gradient is None:
            raise TypeError(f"loss {self.name!r} has no gradient: give the function a "
                            "`gradient(y_true, y_pred)` attribute, or subclass "
                            "nnlite.losses.Loss and implement per_sample() and grad()")
        return np.asarray(gradient(y_true, y_pred))


def get(identifier) -> Loss:
    """Resolve a name, alias, class, instance or loss function to a Loss object."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, _LossFunction):
        return identifier.cls()
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown loss {identifier!r}; known: "
                             f"{sorted(k for k in _BY_NAME if k.islower())}")
        return _BY_NAME[identifier]()
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return _CustomLoss(identifier)
    raise TypeError(f"Could not interpret loss {identifier!r}")


def serialize(loss: Loss) -> dict:
    return {"class_name": type(loss).__name__ if not isinstance(loss, _CustomLoss)
            else loss.name, "config": loss.get_config() if not isinstance(loss, _CustomLoss)
            else {}}


def deserialize(config: dict, custom_objects: dict | None = None) -> Loss:
    name = config["class_name"]
    if custom_objects and name in custom_objects:
        obj = custom_objects[name]
        return obj(**config.get("config", {})) if isinstance(obj, type) else get(obj)
    if name not in _BY_NAME:
        raise ValueError(f"Unknown loss {name!r} (pass it in custom_objects)")
    return _BY_NAME[name].from_config(config.get("config", {}))
