"""Argument checks of the optimizer, clipping and constraint kernels (all in place).

The gradient and every state array (velocity, m, v, ...) have the parameter's
shape, and the arrays updated in place are float arrays.
"""

from __future__ import annotations

import numpy as np

from .common import at_least, fail, floats, same_shape


def _update(kernel: str, param: np.ndarray, grad: np.ndarray, **states: np.ndarray | None
            ) -> None:
    floats(kernel, "param", param)
    same_shape(kernel, "grad", grad, "param", param)
    for name, state in states.items():
        if state is not None:
            floats(kernel, name, state)
            same_shape(kernel, name, state, "param", param)


def _step(kernel: str, t: int) -> None:
    """The bias corrections divide by 1 − βᵗ: t counts steps from 1."""
    at_least(kernel, "the step count t", t, 1)


def sgd_update(param: np.ndarray, grad: np.ndarray, lr: float) -> None:
    """grad like param."""
    _update("sgd_update", param, grad)


def sgd_momentum_update(param: np.ndarray, grad: np.ndarray, velocity: np.ndarray,
                        lr: float, momentum: float, nesterov: bool) -> None:
    """grad and velocity like param."""
    _update("sgd_momentum_update", param, grad, velocity=velocity)


def adagrad_update(param: np.ndarray, grad: np.ndarray, accum: np.ndarray,
                   lr: float, eps: float) -> None:
    """grad and accum like param."""
    _update("adagrad_update", param, grad, accum=accum)


def rmsprop_update(param: np.ndarray, grad: np.ndarray, s: np.ndarray, lr: float,
                   rho: float, eps: float, mom: np.ndarray | None = None,
                   momentum: float = 0.0, mg: np.ndarray | None = None) -> None:
    """grad, s and the optional mom and mg like param."""
    _update("rmsprop_update", param, grad, s=s, mom=mom, mg=mg)


def adam_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                lr: float, beta1: float, beta2: float, eps: float, t: int,
                vhat: np.ndarray | None = None, *, weight_decay: float = 0.0) -> None:
    """grad, m, v and the optional vhat like param; t ≥ 1."""
    _update("adam_update", param, grad, m=m, v=v, vhat=vhat)
    _step("adam_update", t)


def adamw_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                 lr: float, beta1: float, beta2: float, eps: float, t: int,
                 weight_decay: float) -> None:
    """grad, m and v like param; t ≥ 1."""
    _update("adamw_update", param, grad, m=m, v=v)
    _step("adamw_update", t)


def adamax_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, u: np.ndarray,
                  lr: float, beta1: float, beta2: float, eps: float, t: int) -> None:
    """grad, m and u like param; t ≥ 1."""
    _update("adamax_update", param, grad, m=m, u=u)
    _step("adamax_update", t)


def nadam_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                 lr: float, beta1: float, beta2: float, eps: float, u_t: float,
                 u_t1: float, m_sched_new: float, m_sched_next: float, t: int) -> None:
    """grad, m and v like param; t ≥ 1."""
    _update("nadam_update", param, grad, m=m, v=v)
    _step("nadam_update", t)


def clip_by_value_(grad: np.ndarray, value: float) -> None:
    """A float grad; value ≥ 0 (clip to [−value, value])."""
    floats("clip_by_value_", "grad", grad)
    at_least("clip_by_value_", "value", value, 0.0)


def clip_by_norm_(grad: np.ndarray, clipnorm: float) -> None:
    """A float grad; clipnorm ≥ 0."""
    floats("clip_by_norm_", "grad", grad)
    at_least("clip_by_norm_", "clipnorm", clipnorm, 0.0)


def global_norm(grads: list[np.ndarray]) -> None:
    """A list of float arrays."""
    for i, g in enumerate(grads):
        floats("global_norm", f"grads[{i}]", g)


def scale_(arr: np.ndarray, factor: float) -> None:
    """A float array."""
    floats("scale_", "arr", arr)


def max_norm_(W: np.ndarray, max_value: float, axis: int = 0) -> None:
    """A float W with the axis ``axis``; max_value ≥ 0."""
    floats("max_norm_", "W", W)
    if not -W.ndim <= axis < W.ndim:
        fail("max_norm_", f"axis must be in [{-W.ndim}, {W.ndim}) for W of shape {W.shape}, "
                          f"got {axis}")
    at_least("max_norm_", "max_value", max_value, 0.0)
