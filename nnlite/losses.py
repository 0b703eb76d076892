r"""Loss functions (Keras names, defaults and reductions); equations in each class.

Every loss computes one value per sample (averaging over the last axis where
Keras does) and the reported loss is the mean over the batch
(``sum_over_batch_size``).  ``value_and_grad`` returns the per-sample values
and ``scale·∂ℓ/∂ŷ``.  Cross-entropies are *fused* with a softmax/sigmoid
output layer (``fused_activation``): ``fused_value_and_grad`` returns the
gradient with respect to that layer's pre-activation z, which is simply
``p − y`` — numerically stable and cheap (see :mod:`nnlite.models.compile`).

=================================  ============================================
name (aliases)                     class
=================================  ============================================
mean_squared_error (mse)           :class:`MeanSquaredError`
mean_absolute_error (mae)          :class:`MeanAbsoluteError`
mean_absolute_percentage_error     :class:`MeanAbsolutePercentageError`
(mape)
mean_squared_logarithmic_error     :class:`MeanSquaredLogarithmicError`
(msle)
huber                              :class:`Huber`
poisson                            :class:`Poisson`
binary_crossentropy                :class:`BinaryCrossentropy`
categorical_crossentropy           :class:`CategoricalCrossentropy`
sparse_categorical_crossentropy    :class:`SparseCategoricalCrossentropy`
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
from .object_registry import ObjectRegistry


class Loss:
    r"""Base class.  Subclasses implement ``per_sample`` and ``grad``.

    Equations
    ---------
    A subclass computes one value ℓ_i per sample i (its own equations); with
    the default reduction ``sum_over_batch_size`` the loss of a batch of n
    samples (sample weights w_i, 1 when not given) is

    .. math:: L = \frac1n \sum_{i=1}^n w_i\, \ell_i
    """

    equations = Equations()  # value and gradient, from nnlite.equations

    #: the output activation this loss is fused with (``fused_value_and_grad``), if any
    fused_activation: str | None = None

    def __init__(self, name: str | None = None, reduction: str = "sum_over_batch_size"):
        self.name = name or self.default_name
        if reduction not in ("sum_over_batch_size", "auto", "sum", "none"):
            raise ValueError(f"{self.name}: unknown reduction {reduction!r}")
        self.reduction = reduction

    default_name = "loss"

    # ------------------------------------------------------------- interface
    def check_targets(self, y_true, pred_shape: tuple) -> np.ndarray:
        """Validate ``y_true`` against the prediction shape; return it ready to use.

        As in Keras, when the ranks differ by one and the longer shape ends in
        1, that axis is dropped: targets (n,) fit predictions (n, 1), and
        (n, 1) fit (n,).  Otherwise the shapes must be equal: nnlite refuses
        the silent broadcasting Keras allows (targets (n, 1) against
        predictions (n, 10) give an (n, 10) error matrix and a wrong loss).
        """
        pred_shape = tuple(pred_shape)
        y = _match_rank(np.asarray(y_true), pred_shape)
        if not _dims_match(y.shape, pred_shape):
            raise ValueError(
                f"{self.name}: targets of shape {np.shape(y_true)} do not match predictions "
                f"of shape {pred_shape}: {self.shape_hint(np.shape(y_true), pred_shape)}")
        if not np.issubdtype(y.dtype, np.number) and y.dtype != bool:
            raise ValueError(f"{self.name}: targets must be numeric, got dtype {y.dtype}")
        return y

    def shape_hint(self, y_shape: tuple, pred_shape: tuple) -> str:
        """The likely cause of targets of ``y_shape`` not fitting predictions of ``pred_shape``."""
        return _shape_hint(y_shape, pred_shape)

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
    r"""Mean squared error (평균 제곱 오차), averaged over the last axis.

    Equations
    ---------
    Per sample, with y the target, ŷ the prediction and d the size of the last axis:

    .. math:: \ell = \frac1d \sum_k (\hat y_k - y_k)^2, \qquad
              \frac{\partial \ell}{\partial \hat y} = \frac{2}{d}\,(\hat y - y)
    """

    default_name = "mean_squared_error"

    def per_sample(self, y_true, y_pred):
        return np.mean(np.square(y_pred - y_true), axis=-1)

    def grad(self, y_true, y_pred):
        return 2.0 * (y_pred - y_true) / y_pred.shape[-1]


class MeanAbsoluteError(Loss):
    r"""Mean absolute error, averaged over the last axis.

    Equations
    ---------
    Per sample, with y the target, ŷ the prediction and d the size of the last axis:

    .. math:: \ell = \frac1d \sum_k |\hat y_k - y_k|, \qquad
              \frac{\partial \ell}{\partial \hat y} = \frac1d\,\mathrm{sign}(\hat y - y)
    """

    default_name = "mean_absolute_error"

    def per_sample(self, y_true, y_pred):
        return np.mean(np.abs(y_pred - y_true), axis=-1)

    def grad(self, y_true, y_pred):
        return np.sign(y_pred - y_true) / y_pred.shape[-1]


class MeanAbsolutePercentageError(Loss):
    r"""Mean absolute percentage error, averaged over the last axis.

    Equations
    ---------
    Per sample, with y the target, ŷ the prediction, d the size of the last
    axis and ε = 1e-7:

    .. math:: \ell = \frac{100}{d} \sum_k \frac{|y_k - \hat y_k|}{\max(|y_k|, \varepsilon)}, \qquad
              \frac{\partial \ell}{\partial \hat y} = \frac{100}{d}\,
              \frac{\mathrm{sign}(\hat y - y)}{\max(|y|, \varepsilon)}
    """

    default_name = "mean_absolute_percentage_error"

    def per_sample(self, y_true, y_pred):
        return 100.0 * np.mean(np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), epsilon()),
                               axis=-1)

    def grad(self, y_true, y_pred):
        return (100.0 * np.sign(y_pred - y_true) / np.maximum(np.abs(y_true), epsilon())
                / y_pred.shape[-1])


class MeanSquaredLogarithmicError(Loss):
    r"""Mean squared logarithmic error, averaged over the last axis.

    Equations
    ---------
    Per sample, with y the target, ŷ the prediction, d the size of the last
    axis and ε = 1e-7 (both clamped below at ε, as Keras does):

    .. math:: \ell = \frac1d \sum_k \bigl(\log(1 + \max(\hat y_k, \varepsilon))
              - \log(1 + \max(y_k, \varepsilon))\bigr)^2

    .. math:: \frac{\partial \ell}{\partial \hat y} = \frac{2}{d}\,
              \frac{\log(1 + \max(\hat y, \varepsilon)) - \log(1 + \max(y, \varepsilon))}
              {1 + \max(\hat y, \varepsilon)}\; \mathbb 1[\hat y > \varepsilon]
    """

    default_name = "mean_squared_logarithmic_error"

    def per_sample(self, y_true, y_pred):
        d = np.log1p(np.maximum(y_pred, epsilon())) - np.log1p(np.maximum(y_true, epsilon()))
        return np.mean(np.square(d), axis=-1)

    def grad(self, y_true, y_pred):
        p = np.maximum(y_pred, epsilon())
        d = np.log1p(p) - np.log1p(np.maximum(y_true, epsilon()))
        return 2.0 * d / (1.0 + p) * (y_pred > epsilon()) / y_pred.shape[-1]


class Huber(Loss):
    r"""Huber loss: quadratic for small errors, linear for large ones (Keras δ = 1).

    Equations
    ---------
    Per sample, with e = ŷ − y, d the size of the last axis and δ = ``delta``:

    .. math:: \ell = \frac1d \sum_k \begin{cases} \tfrac12 e_k^2 & |e_k| \le \delta \\
              \delta |e_k| - \tfrac12 \delta^2 & |e_k| > \delta \end{cases}, \qquad
              \frac{\partial \ell}{\partial \hat y} = \frac1d\,\mathrm{clip}(e, -\delta, \delta)
    """

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
    r"""Poisson loss (counts), averaged over the last axis.

    Equations
    ---------
    Per sample, with y the target, ŷ the prediction, d the size of the last
    axis and ε = 1e-7:

    .. math:: \ell = \frac1d \sum_k \bigl(\hat y_k - y_k \log(\hat y_k + \varepsilon)\bigr), \qquad
              \frac{\partial \ell}{\partial \hat y}
              = \frac1d\Bigl(1 - \frac{y}{\hat y + \varepsilon}\Bigr)
    """

    default_name = "poisson"

    def per_sample(self, y_true, y_pred):
        return np.mean(y_pred - y_true * np.log(y_pred + epsilon()), axis=-1)

    def grad(self, y_true, y_pred):
        return (1.0 - y_true / (y_pred + epsilon())) / y_pred.shape[-1]


class _CrossEntropy(Loss):
    """A cross-entropy, fused with its ``fused_activation`` output layer unless ``from_logits``.

    ``fused_value_and_grad(y_true, probs, scale)`` takes that layer's output p
    and returns the per-sample values and ``scale·∂ℓ/∂z`` (z the layer's
    pre-activation), i.e. ``scale·(p − y)``: the softmax/sigmoid Jacobian is
    never formed.
    """

    def __init__(self, from_logits: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.from_logits = bool(from_logits)
        if self.from_logits:  # the model outputs logits: there is no activation to fuse
            self.fused_activation = None

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}


class BinaryCrossentropy(_CrossEntropy):
    r"""Binary cross-entropy (이진 크로스 엔트로피), averaged over the last axis.

    Equations
    ---------
    Per sample, with targets y in [0, 1], d the size of the last axis and the
    predicted probabilities clipped, p = clip(ŷ, ε, 1 − ε), ε = 1e-7:

    .. math:: \ell = -\frac1d \sum_k \bigl(y_k \log p_k + (1 - y_k) \log(1 - p_k)\bigr), \qquad
              \frac{\partial \ell}{\partial \hat y} = \frac1d\, \frac{p - y}{p\,(1 - p)}
              \quad (\varepsilon < \hat y < 1 - \varepsilon;\ 0 \text{ outside})

    Fused with a sigmoid output layer (or ``from_logits=True``, p = σ(z)), the
    gradient with respect to its pre-activation z is simply

    .. math:: \frac{\partial \ell}{\partial z} = \frac1d\,(p - y)
    """

    default_name = "binary_crossentropy"
    fused_activation = "sigmoid"

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
    r"""Categorical cross-entropy (크로스 엔트로피) for one-hot (or soft) targets.

    Equations
    ---------
    Per sample, with targets y over k classes, the predictions rescaled to sum
    to 1 and clipped, p = clip(ŷ / S, ε, 1 − ε), S = Σ_j ŷ_j, ε = 1e-7:

    .. math:: \ell = -\sum_k y_k \log p_k, \qquad
              \frac{\partial \ell}{\partial \hat y_k} = -\frac{y_k}{p_k\, S}
              + \frac{\sum_j y_j}{S}

    (−y_k/p_k + 1 for a one-hot y and ŷ summing to 1).  Fused with a softmax
    output layer (or ``from_logits=True``, p = softmax(z)), the gradient with
    respect to its pre-activation z is

    .. math:: \frac{\partial \ell}{\partial z} = p \sum_j y_j - y = p - y
              \quad \text{(one-hot y)}
    """

    default_name = "categorical_crossentropy"
    fused_activation = "softmax"

    def shape_hint(self, y_shape, pred_shape):
        looks_sparse = len(y_shape) == len(pred_shape) - 1 or (
            len(y_shape) == len(pred_shape) and y_shape[-1:] == (1,))
        if looks_sparse and _dims_match(tuple(y_shape[:len(pred_shape) - 1]), pred_shape[:-1]):
            return ("these look like integer class labels: use "
                    "loss='sparse_categorical_crossentropy', or one-hot encode them with "
                    "keras.utils.to_categorical")
        return super().shape_hint(y_shape, pred_shape)

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
    r"""Categorical cross-entropy for integer class labels y ∈ [0, k).

    Equations
    ---------
    Per sample, with p the predicted probabilities (rescaled to sum to 1,
    clipped to [ε, 1 − ε]): the cross-entropy of the one-hot label,

    .. math:: \ell = -\log p_y

    Fused with a softmax output layer (or ``from_logits=True``), the gradient
    with respect to its pre-activation z is

    .. math:: \frac{\partial \ell}{\partial z_k} = p_k - \mathbb 1[k = y]
    """

    default_name = "sparse_categorical_crossentropy"
    fused_activation = "softmax"

    def check_targets(self, y_true, pred_shape):
        """Integer labels of shape ``pred_shape[:-1]`` (or with a trailing 1), in [0, k)."""
        pred_shape = tuple(pred_shape)
        y = np.asarray(y_true)
        if not pred_shape:
            raise ValueError(f"{self.name}: predictions need a last axis of class scores, "
                             f"got a scalar prediction")
        expected = pred_shape[:-1]
        if y.ndim == len(pred_shape) and y.shape[-1] == 1:  # (n, 1) labels: Keras squeezes
            y = y[..., 0]
        if not _dims_match(y.shape, expected):
            raise ValueError(
                f"{self.name}: labels of shape {np.shape(y_true)} do not fit predictions of "
                f"shape {pred_shape}, which take integer labels of shape {expected} or "
                f"{expected + (1,)} (one class index per sample): "
                f"{self.shape_hint(np.shape(y_true), pred_shape)}")
        _check_class_indices(self.name, y, pred_shape)
        return y.astype(np.intp, copy=False)

    def shape_hint(self, y_shape, pred_shape):
        if len(y_shape) == len(pred_shape) and y_shape[-1] == pred_shape[-1] != 1:
            return ("these look like one-hot labels: use loss='categorical_crossentropy', "
                    "or turn them into class indices with y.argmax(axis=-1)")
        return _shape_hint(y_shape, pred_shape, class_axis=True)

    def per_sample(self, y_true, y_pred):
        if self.from_logits:
            return kernels.softmax_xent_sparse(y_pred, y_true, 1.0)[0]
        p = y_pred / y_pred.sum(axis=-1, keepdims=True)
        return kernels.xent_sparse_from_probs(p, y_true, 1.0, epsilon())[0]

    def grad(self, y_true, y_pred):
        if self.from_logits:
            return kernels.softmax_xent_sparse(y_pred, y_true, 1.0)[1]
        onehot = np.eye(y_pred.shape[-1], dtype=y_pred.dtype)[y_true]
        return CategoricalCrossentropy.grad(self, onehot, y_pred)

    def value_and_grad(self, y_true, y_pred, scale):
        if self.from_logits:
            return kernels.softmax_xent_sparse(y_pred, y_true, scale)
        return super().value_and_grad(y_true, y_pred, scale)

    def fused_value_and_grad(self, y_true, probs, scale):
        return kernels.xent_sparse_from_probs(probs, y_true, scale, epsilon())


# ------------------------------------------------------------------ target checks
def _dims_match(shape: tuple, expected: tuple) -> bool:
    """Equal shapes, where an ``expected`` dimension of None matches any size."""
    return len(shape) == len(expected) and all(
        e is None or s == e for s, e in zip(shape, expected))


def _match_rank(y: np.ndarray, pred_shape: tuple) -> np.ndarray:
    """Keras' rule: drop or add a trailing axis of 1 when the ranks differ by one."""
    if y.ndim == len(pred_shape) - 1 and pred_shape[-1] == 1:
        return y[..., np.newaxis]                      # (n,) targets, (n, 1) predictions
    if y.ndim == len(pred_shape) + 1 and y.shape[-1] == 1:
        return y[..., 0]                               # (n, 1) targets, (n,) predictions
    return y


def _shape_hint(y_shape: tuple, pred_shape: tuple, class_axis: bool = False) -> str:
    """What is most likely wrong when targets of ``y_shape`` miss predictions of ``pred_shape``.

    ``class_axis``: the targets are class indices, without the predictions' last axis.
    """
    y_shape, pred_shape = tuple(y_shape), tuple(pred_shape)
    n_pred = pred_shape[0] if pred_shape else None
    if y_shape and n_pred is not None and y_shape[0] != n_pred:
        return (f"the targets are for {y_shape[0]} samples but the predictions for {n_pred}; "
                "give x and y the same number of samples")
    target_axes = len(pred_shape) - 1 if class_axis else len(pred_shape)
    if len(pred_shape) > 2 and len(y_shape) < target_axes:
        return ("did you forget a Flatten layer? A Dense layer acts on the last axis of its "
                "input only, so inputs of shape (n, 28, 28) give outputs (n, 28, units): put "
                "keras.layers.Flatten(input_shape=[28, 28]) (with your input's shape) in front "
                "of the first Dense layer")
    if len(y_shape) == len(pred_shape) and y_shape[:-1] == pred_shape[:-1]:
        return (f"the model gives {pred_shape[-1]} outputs per sample but the targets have "
                f"{y_shape[-1]}: give the last layer {y_shape[-1]} units, or check the targets")
    return ("targets must have the predictions' shape (a trailing axis of 1 may be added or "
            "left out)")


def _check_class_indices(name: str, y: np.ndarray, pred_shape: tuple) -> None:
    """Class labels must be integers (or integral floats) in [0, k) for k = pred_shape[-1]."""
    n_classes = pred_shape[-1]
    if y.dtype != bool and not np.issubdtype(y.dtype, np.integer):
        if not np.issubdtype(y.dtype, np.number) or not np.all(np.mod(y, 1) == 0):
            raise ValueError(f"{name}: labels must be integers (class indices), got dtype "
                             f"{y.dtype} with non-integer values (labels of shape {y.shape})")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name}: labels must be in [0, {n_classes}) for {n_classes} "
                         f"outputs (predictions of shape {pred_shape}), got values "
                         f"in [{y.min()}, {y.max()}]: give the last layer as many units as "
                         "there are classes, and number the classes from 0")


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
        self.__name__ = self.name  # the name it is saved under

    def per_sample(self, y_true, y_pred):
        return np.asarray(self.fn(y_true, y_pred)).reshape(len(y_pred), -1).mean(axis=-1)

    def grad(self, y_true, y_pred):
        gradient = getattr(self.fn, "gradient", None)
        if gradient is None:
            raise TypeError(f"loss {self.name!r} has no gradient: give the function a "
                            "`gradient(y_true, y_pred)` attribute, or subclass "
                            "nnlite.losses.Loss and implement per_sample() and grad()")
        return np.asarray(gradient(y_true, y_pred))


class _LossRegistry(ObjectRegistry):
    def from_other(self, identifier) -> Loss:
        if isinstance(identifier, _LossFunction):  # keras.losses.mse -> MeanSquaredError()
            return identifier.cls()
        return super().from_other(identifier)


LOSSES = _LossRegistry(
    "loss", Loss, classes=_CLASSES,
    names={**{c.default_name: c for c in _CLASSES},
           "mse": MeanSquaredError, "mae": MeanAbsoluteError,
           "mape": MeanAbsolutePercentageError, "msle": MeanSquaredLogarithmicError,
           "huber": Huber, "MSE": MeanSquaredError, "MAE": MeanAbsoluteError,
           "MAPE": MeanAbsolutePercentageError, "MSLE": MeanSquaredLogarithmicError},
    ignore_case=False, wrap_function=_CustomLoss)


def get(identifier) -> Loss:
    """Resolve a name or alias (``"mse"``, ``"MeanSquaredError"``), a class, an instance,
    a config dict, a loss function (``keras.losses.mse``) or a user function."""
    return LOSSES.get(identifier)


def serialize(loss: Loss) -> dict:
    """``{"class_name": ..., "config": ...}`` as Keras writes it."""
    return LOSSES.serialize(loss)


def deserialize(config: dict, custom_objects: dict | None = None) -> Loss:
    """Inverse of :func:`serialize` (``custom_objects`` first)."""
    return LOSSES.deserialize(config, custom_objects)
