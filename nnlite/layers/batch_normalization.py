r"""``BatchNormalization`` (Ioffe & Szegedy 2015); its equations: :class:`BatchNormalization`."""

from __future__ import annotations

import numpy as np

from .. import _kernels as kernels
from .. import constraints, initializers, regularizers
from .base import Layer


class BatchNormalization(Layer):
    r"""Normalizes each feature with the batch statistics, then scales (γ) and shifts (β).

    Equations
    ---------
    Symbols: a mini-batch B of :math:`m_B` rows :math:`x_i`; each feature (column)
    separately; ε = ``epsilon`` (Keras: 1e-3); ρ = ``momentum`` (Keras: 0.99);
    δ = ∂L/∂z.  Training (``training=True`` and the layer trainable):

    .. math:: \mu_B = \frac{1}{m_B} \sum_{i=1}^{m_B} x_i, \qquad
              \sigma_B^2 = \frac{1}{m_B} \sum_{i=1}^{m_B} (x_i - \mu_B)^2

    .. math:: \hat x_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}}, \qquad
              z_i = \gamma \otimes \hat x_i + \beta

    The moving statistics follow the batch ones (Keras' convention):

    .. math:: \hat\mu \leftarrow \rho\,\hat\mu + (1 - \rho)\,\mu_B, \qquad
              \hat\sigma^2 \leftarrow \rho\,\hat\sigma^2 + (1 - \rho)\,\sigma_B^2

    Inference uses them instead:

    .. math:: z = \gamma \otimes \frac{x - \hat\mu}{\sqrt{\hat\sigma^2 + \varepsilon}} + \beta

    Backward in training mode, the compact closed form (sums over the batch):

    .. math:: \frac{\partial L}{\partial\beta} = \sum_i \delta_i, \quad
              \frac{\partial L}{\partial\gamma} = \sum_i \delta_i \hat x_i, \quad
              \frac{\partial L}{\partial x_i} = \frac{\gamma}{m_B\sqrt{\sigma_B^2+\varepsilon}}
              \Bigl(m_B\,\delta_i - \sum_j \delta_j - \hat x_i \sum_j \delta_j \hat x_j\Bigr)

    and in inference mode
    :math:`\frac{\partial L}{\partial x} = \gamma\,\delta / \sqrt{\hat\sigma^2 + \varepsilon}`.

    Notes
    -----
    Inside a model's training step the new μ̂ and σ̂² are only staged by the
    forward pass and written when the step is committed: a step whose loss,
    gradients or new statistics are not finite leaves them unchanged (see
    :mod:`nnlite.layers.base`, "Per-step state").

    Keras semantics: ``axis=-1``, ``momentum=0.99``, ``epsilon=1e-3``,
    ``center=True`` (β), ``scale=True`` (γ), γ initialized to ones, β to zeros,
    μ̂ to zeros and σ̂² to ones.  Weights, in order: ``gamma``, ``beta``
    (trainable), ``moving_mean``, ``moving_variance`` (non-trainable), so the
    layer has 4·features parameters, half of them non-trainable.  As in tf.keras 2
    (and what transfer learning needs), ``trainable = False`` makes the layer run
    in inference mode even when the model trains, so its statistics stay frozen.
    Inputs of any rank are normalized over every axis but ``axis``.
    """

    #: a batch variance needs 2 samples: ``fit`` folds a last batch of one into the one before
    min_train_batch = 2

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 fused=None, **kwargs):
        super().__init__(**kwargs)
        where = f'BatchNormalization layer "{self.name}"'
        if isinstance(axis, (list, tuple)):
            if len(axis) != 1:
                raise ValueError(f"{where}: only one feature axis is supported, got {axis!r}")
            axis = axis[0]
        if not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{where}: axis must be an integer, got {axis!r}")
        if not 0.0 <= float(momentum) <= 1.0:
            raise ValueError(f"{where}: momentum must be in [0, 1], got {momentum!r}")
        if not float(epsilon) > 0.0:
            raise ValueError(f"{where}: epsilon must be > 0, got {epsilon!r}")
        self.axis = int(axis)
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self._set_weight_options("beta", beta_initializer, beta_regularizer, beta_constraint)
        self._set_weight_options("gamma", gamma_initializer, gamma_regularizer, gamma_constraint)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None
        self._staged_moving = None  # (new μ̂, new σ̂²) waiting for commit_updates

    # ------------------------------------------------------------------ build
    def _feature_axis(self, rank: int) -> int:
        if not -rank <= self.axis < rank or rank < 2:
            raise ValueError(f'BatchNormalization layer "{self.name}": axis {self.axis} is out '
                             f"of range for inputs of rank {rank} (batch axis included)")
        axis = self.axis % rank
        if axis == 0:
            raise ValueError(f'BatchNormalization layer "{self.name}": axis 0 is the batch '
                             "axis; normalize a feature axis (the default is -1)")
        return axis

    def build(self, input_shape) -> None:
        axis = self._feature_axis(len(input_shape))
        features = input_shape[axis]
        if features is None:
            raise ValueError(f'BatchNormalization layer "{self.name}": axis {self.axis} of the '
                             f"input shape {tuple(input_shape)} must be known")
        shape = (int(features),)
        if self.scale:
            self.gamma = self.add_weight("gamma", shape, self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight("beta", shape, self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.moving_mean = self.add_weight("moving_mean", shape, self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape,
                                               self.moving_variance_initializer,
                                               trainable=False)

    # ------------------------------------------------------------- helpers
    def _to_2d(self, x: np.ndarray) -> np.ndarray:
        """(…, C, …) → (rows, C) with the feature axis last."""
        axis = self._feature_axis(x.ndim)
        if axis != x.ndim - 1:
            x = np.moveaxis(x, axis, -1)
        return np.ascontiguousarray(x.reshape(-1, x.shape[-1]))

    def _from_2d(self, y2: np.ndarray, shape: tuple) -> np.ndarray:
        axis = self._feature_axis(len(shape))
        if axis == len(shape) - 1:
            return y2.reshape(shape)
        moved = shape[:axis] + shape[axis + 1:] + (shape[axis],)
        return np.moveaxis(y2.reshape(moved), -1, axis)

    def _gamma_beta(self, dtype) -> tuple[np.ndarray, np.ndarray]:
        c = self.moving_mean.shape
        gamma = self.gamma.value if self.scale else np.ones(c, dtype)
        beta = self.beta.value if self.center else np.zeros(c, dtype)
        return gamma, beta

    # -------------------------------------------------------- forward/back
    def forward(self, x, training=False):
        x2 = self._to_2d(x)
        gamma, beta = self._gamma_beta(x2.dtype)
        if training and self.trainable:
            if x2.shape[0] < 2:
                raise ValueError(
                    f'BatchNormalization layer "{self.name}": training needs at least 2 values '
                    f"per feature to compute a batch variance, got input of shape {x.shape}. "
                    "Use a batch_size > 1 (fit folds a last batch of one sample into the "
                    "batch before it), or call it with training=False")
            # x̂ is not stored: the backward recomputes it from x2 and μ
            y2, _, mean, var, inv_std = kernels.bn_forward_train(x2, gamma, beta,
                                                                 self.epsilon, keep_xhat=False)
            self._stage_moving_update(mean, var)
            self._cache = ("train", x2, gamma, inv_std, x.shape, mean)
        else:
            mean, var = self.moving_mean.value, self.moving_variance.value
            y2 = kernels.bn_forward_infer(x2, mean, var, gamma, beta, self.epsilon)
            inv_std = (1.0 / np.sqrt(var.astype(np.float64) + self.epsilon)).astype(x2.dtype)
            self._cache = ("infer", x2, gamma, inv_std, x.shape, None)
        return self._from_2d(y2, x.shape)

    # ------------------------------------------------------ moving statistics
    def _stage_moving_update(self, mean: np.ndarray, var: np.ndarray) -> None:
        """μ̂ ← m μ̂ + (1 − m) μ_B and σ̂² ← m σ̂² + (1 − m) σ²_B, computed now, written at commit."""
        new_mean = self.moving_mean.value.copy()
        new_var = self.moving_variance.value.copy()
        kernels.bn_moving_update(new_mean, mean, self.momentum)
        kernels.bn_moving_update(new_var, var, self.momentum)
        self._staged_moving = (new_mean, new_var)
        if not self.defer_updates:
            self.commit_updates()

    def updates_are_finite(self) -> bool:
        """Are the staged moving mean and variance finite (σ²_B can overflow)?"""
        if self._staged_moving is None:
            return True
        new_mean, new_var = self._staged_moving
        return bool(np.isfinite(new_mean).all() and np.isfinite(new_var).all())

    def commit_updates(self) -> None:
        """Write the staged moving statistics (in place: views of them stay valid)."""
        if self._staged_moving is not None:
            new_mean, new_var = self._staged_moving
            self.moving_mean.value[...] = new_mean
            self.moving_variance.value[...] = new_var
            self._staged_moving = None

    def discard_updates(self) -> None:
        self._staged_moving = None

    def backward(self, grad_output):
        mode, saved, gamma, inv_std, shape, mean = self._cache
        dy = self._to_2d(grad_output)
        if mode == "train":
            dx, dgamma, dbeta = kernels.bn_backward(dy, saved, gamma, inv_std, mean=mean,
                                                    need_dx=self.need_input_grad)
        else:  # moving statistics are constants: z = γ·inv_std·(x − μ̂) + β
            xhat = (saved - self.moving_mean.value) * inv_std
            dgamma = np.einsum("ij,ij->j", dy, xhat)
            dbeta = dy.sum(axis=0)
            dx = dy * (gamma * inv_std)
        if self.scale:
            self.gamma.grad[...] = dgamma
        if self.center:
            self.beta.grad[...] = dbeta
        return self._from_2d(dx, shape) if self.need_input_grad else None

    # --------------------------------------------------------------- config
    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
            "center": self.center, "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer":
                initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }
