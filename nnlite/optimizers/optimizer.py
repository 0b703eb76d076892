r"""``Optimizer``: the base of every optimizer (one step's equations: :class:`Optimizer`).

The built-in updates are elementwise, so all the weights are updated in
**one kernel call over a flat buffer** (:class:`FlatWeights`): at the first
step the optimizer copies the weights, their gradients and its slots into
one contiguous array each and makes every ``Variable.value``/``.grad`` (and
every slot) a view of it.  Model code keeps working on the views; a
per-weight loop would cost one kernel dispatch per tensor (44 for a 20-layer
MLP), more than the update itself at batch 32.  The buffer is rebuilt when
the list of weights changes or a weight's array is replaced; an optimizer
subclass that overrides ``update_step`` or ``_create_slots`` outside nnlite
(its update may depend on the shape or name) is applied weight by weight.
"""

from __future__ import annotations

import math
import operator
import os
import sys
import warnings

import numpy as np

from .. import _kernels as kernels
from ..equations import Equations
from ..variables import Variable
from .hyperparameter import HyperParameter

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _user_stacklevel() -> int:
    """``stacklevel`` that makes a warning point at the first caller outside nnlite.

    (``AdamW(lr=…)`` reaches ``Optimizer.__init__`` through ``Adam.__init__``;
    a fixed stacklevel would blame nnlite, where DeprecationWarnings are hidden.)
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


_value, _grad = operator.attrgetter("value"), operator.attrgetter("grad")


class FlatWeights:
    """Weights of one dtype packed into one flat ``value`` and one flat ``grad`` array.

    Each ``Variable``'s ``value`` and ``grad`` become views of the flat arrays
    (their contents copied in), so one kernel call updates every weight.  It
    quacks like a Variable for ``Optimizer.update_step``.
    """

    name = "flat_weights"
    constraint = None

    def __init__(self, variables: list[Variable]):
        self.variables = list(variables)
        dtype = self.variables[0].value.dtype
        sizes = [v.value.size for v in self.variables]
        self.value = np.empty(sum(sizes), dtype=dtype)
        self.grad = np.empty(sum(sizes), dtype=dtype)
        self.slices = []
        start = 0
        for var, size in zip(self.variables, sizes):
            part = slice(start, start + size)
            start += size
            self.slices.append(part)
            value = self.value[part].reshape(var.value.shape)
            value[...] = var.value
            grad = self.grad[part].reshape(var.value.shape)
            grad[...] = var.grad
            var.value, var.grad = value, grad
        self.values = [v.value for v in self.variables]
        self.grads = [v.grad for v in self.variables]

    @staticmethod
    def can_pack(variables: list[Variable]) -> bool:
        """One float dtype, no weight twice, and at least two weights."""
        if len(variables) < 2 or len({id(v) for v in variables}) != len(variables):
            return False
        dtype = variables[0].value.dtype
        return dtype.kind == "f" and all(v.value.dtype == dtype and v.grad.dtype == dtype
                                         for v in variables)

    def matches(self, variables: list[Variable]) -> bool:
        """Still the same weights, and still views of this buffer?"""
        return (len(variables) == len(self.variables)
                and all(map(operator.is_, variables, self.variables))
                and all(map(operator.is_, map(_value, variables), self.values))
                and all(map(operator.is_, map(_grad, variables), self.grads)))

    def pack_slots(self, flat_slots: dict[str, np.ndarray],
                   slots: dict[int, dict[str, np.ndarray]]) -> None:
        """Make each weight's slots views of ``flat_slots`` (existing values copied in)."""
        for var, part in zip(self.variables, self.slices):
            old = slots.get(id(var), {})
            views = {name: arr[part].reshape(var.value.shape)
                     for name, arr in flat_slots.items()}
            for name, view in views.items():
                if name in old:
                    view[...] = old[name]
            slots[id(var)] = views


class Optimizer:
    r"""Base class: clipping, learning rate (constant or schedule), slots.

    Equations
    ---------
    One training step, given the gradients g of the trainable weights θ:
    first the gradients are clipped (at most one of ``clipvalue``,
    ``clipnorm``, ``global_clipnorm``, each written c):

    .. math:: g \leftarrow \mathrm{clip}(g, -c, c)
              \qquad \text{(clipvalue: elementwise, may change g's direction)}

    .. math:: g \leftarrow g\, \frac{c}{\max(c, \lVert g \rVert_2)}
              \qquad \text{(clipnorm: each tensor)}

    .. math:: g_j \leftarrow g_j\, \frac{c}{\max\bigl(c, \lVert (g_1, g_2, \dots) \rVert_2\bigr)}
              \qquad \text{(global\_clipnorm: all tensors together)}

    then the learning rate of step t is read (a constant, a schedule evaluated
    at ``iterations``, or with the tf.keras 2 ``decay``):

    .. math:: \eta_t = \frac{\eta}{1 + \mathrm{decay}\cdot t}

    then the subclass's update runs through an in-place kernel (its state, per
    weight, in *slots*: momentum, moment estimates, …), each weight's
    ``constraint`` (e.g. max-norm) is applied, and ``iterations`` grows by 1.
    """

    equations = Equations()  # update equations, from nnlite.equations

    _slot_names: tuple[str, ...] = ()

    def __init__(self, learning_rate=0.001, name: str | None = None, clipvalue=None,
                 clipnorm=None, global_clipnorm=None, decay: float = 0.0, **kwargs):
        if "lr" in kwargs:
            warnings.warn("The `lr` argument is deprecated, use `learning_rate` instead.",
                          DeprecationWarning, stacklevel=_user_stacklevel())
            learning_rate = kwargs.pop("lr")
        for legacy in ("epsilon_hat",):
            kwargs.pop(legacy, None)
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected argument(s) {sorted(kwargs)}")
        set_options = [n for n, v in (("clipvalue", clipvalue), ("clipnorm", clipnorm),
                                      ("global_clipnorm", global_clipnorm)) if v is not None]
        if len(set_options) > 1:
            raise ValueError(f"{type(self).__name__}: only one of clipvalue, clipnorm and "
                             f"global_clipnorm can be set, got {set_options}")
        for opt_name in set_options:
            if not float(locals()[opt_name]) > 0:
                raise ValueError(f"{opt_name} must be > 0, got {locals()[opt_name]}")
        if decay < 0:
            raise ValueError(f"decay must be >= 0, got {decay}")
        self.name = name or type(self).__name__
        self.clipvalue, self.clipnorm, self.global_clipnorm = clipvalue, clipnorm, global_clipnorm
        self.decay = float(decay)
        self.iterations = 0
        self._slots: dict[int, dict[str, np.ndarray]] = {}
        self._flat: FlatWeights | None = None
        self._schedule = None
        self._lr = HyperParameter("learning_rate", 0.0, on_assign=self._on_lr_assign)
        self._set_learning_rate(learning_rate)

    # --------------------------------------------------------- learning rate
    def _on_lr_assign(self, value: float) -> None:
        """``K.set_value(opt.lr, v)`` / ``opt.lr.assign(v)``: check v, replace any schedule."""
        self._check_rate(value)
        self._schedule = None

    def _check_rate(self, value: float) -> None:
        if not value >= 0 or not math.isfinite(value):
            raise ValueError(f"{type(self).__name__}: learning_rate must be a finite number "
                             f">= 0, got {value}")

    def _set_learning_rate(self, value) -> None:
        if callable(value) and not isinstance(value, HyperParameter):
            if getattr(value, "cycle_momentum", False) and self._momentum_attr is None:
                raise ValueError(f"{type(self).__name__} has no momentum to cycle; use "
                                 f"{type(value).__name__}(..., cycle_momentum=False)")
            self._schedule = value
            self._lr._value = float(value(self.iterations))
        else:
            value = float(value)
            self._check_rate(value)
            self._schedule = None
            self._lr._value = value

    def _sync_schedule_value(self) -> None:
        """With a schedule, ``learning_rate`` shows its value at the next step (as Keras)."""
        if self._schedule is not None:
            self._lr._value = float(self._schedule(self.iterations))

    @property
    def learning_rate(self) -> HyperParameter:
        """The learning rate (assignable; also ``K.set_value(opt.learning_rate, v)``).

        With a schedule it reads as the schedule's value at ``iterations`` (the
        rate of the next step); assigning a number replaces the schedule.
        """
        self._sync_schedule_value()
        return self._lr

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        self._set_learning_rate(value)

    lr = learning_rate

    def current_learning_rate(self) -> float:
        """η_t used by the next step (schedule and ``decay`` applied)."""
        lr = float(self._schedule(self.iterations)) if self._schedule is not None \
            else self._lr._value
        if self.decay:
            lr /= 1.0 + self.decay * self.iterations
        return lr

    # ------------------------------------------------------------------ slots
    def _create_slots(self, var: Variable) -> dict[str, np.ndarray]:
        """Zero-initialized state arrays named ``self._slot_names``."""
        return {name: np.zeros_like(var.value) for name in self._slot_names}

    def slots(self, var: Variable) -> dict[str, np.ndarray]:
        """The state arrays of ``var`` (created on first use)."""
        state = self._slots.get(id(var))
        if state is None:
            state = self._slots[id(var)] = self._create_slots(var)
            if isinstance(var, FlatWeights):  # each weight's slots: views of the flat ones
                var.pack_slots(state, self._slots)
        return state

    def get_slot(self, var: Variable, name: str) -> np.ndarray:
        return self.slots(var)[name]

    # --------------------------------------------------------------- clipping
    def clip_gradients(self, grads: list[np.ndarray], global_norm: float | None = None) -> None:
        """Clip in place according to clipvalue / clipnorm / global_clipnorm (kernels).

        ``global_norm``: ‖(g₁, g₂, …)‖ of ``grads`` when the caller already has
        it (``Model`` computes it to check the step is finite), else computed here.
        """
        if self.clipvalue is not None:
            for g in grads:
                kernels.clip_by_value_(g, float(self.clipvalue))
        elif self.clipnorm is not None:
            for g in grads:
                kernels.clip_by_norm_(g, float(self.clipnorm))
        elif self.global_clipnorm is not None:
            c = float(self.global_clipnorm)
            norm = kernels.global_norm(grads) if global_norm is None else global_norm
            if norm > c:
                for g in grads:
                    kernels.scale_(g, c / norm)

    # ------------------------------------------------------------------ steps
    def update_step(self, var: Variable, grad: np.ndarray, lr: float) -> None:
        """Update ``var.value`` in place from ``grad`` (subclasses)."""
        raise NotImplementedError

    def gradient_norm(self, variables: list[Variable]) -> float:
        """‖(g₁, g₂, …)‖₂ over the ``.grad`` of ``variables``: NaN or inf if any entry is.

        One pass over the flat gradient buffer.  With ``global_clipnorm`` it is
        the clipping kernel's norm (float64 sums), which ``apply(variables,
        global_norm=…)`` then reuses; otherwise it only tells the model whether
        the step is finite, and a BLAS dot product in the gradients' dtype is
        several times quicker (should ‖g‖² overflow although every entry is
        finite, the kernel's norm is returned instead).
        """
        flat = self._flat_weights(variables)
        grads = [v.grad for v in variables] if flat is None else [flat.grad]
        if self.global_clipnorm is not None:
            return kernels.global_norm(grads)
        norm = math.sqrt(sum(float(np.dot(g.reshape(-1), g.reshape(-1))) for g in grads))
        if math.isinf(norm) and all(np.isfinite(g).all() for g in grads):
            return kernels.global_norm(grads)
        return norm

    def apply(self, variables: list[Variable], global_norm: float | None = None) -> None:
        """One step for ``variables`` using their ``.grad``.

        ``global_norm``: their norm from ``gradient_norm``, when already computed.
        """
        flat = self._flat_weights(variables)
        if flat is None or self.clipnorm is not None:  # clipnorm: per tensor (the views)
            self.clip_gradients([v.grad for v in variables], global_norm)
        else:
            self.clip_gradients([flat.grad], global_norm)
        self._update_all([flat] if flat is not None else variables)
        for var in variables:
            if var.constraint is not None:
                var.value[...] = var.constraint(var.value)
        self._step_done()

    def apply_on_device(self, device_flat, slots: dict) -> None:
        """One step on the device copy of the flat buffer (a ``cuda`` fit, see
        ``nnlite._kernels.cuda.device_weights``): no clipping, no constraints.

        ``slots``: the device copies of the flat slots, used in place.
        """
        self._slots[id(device_flat)] = slots
        self._update_all([device_flat])
        self._step_done()

    def _update_all(self, targets: list) -> None:
        """The learning rate of this step, then ``update_step`` on each target."""
        lr = self.current_learning_rate()
        self._cycle_momentum()
        self._before_step()
        for var in targets:
            self.update_step(var, var.grad, lr)

    def _step_done(self) -> None:
        self.iterations += 1
        self._sync_schedule_value()

    def _fusable(self) -> bool:
        """Are ``update_step`` and ``_create_slots`` nnlite's own (elementwise) ones?"""
        cls = type(self)
        return all(getattr(cls, name).__module__.startswith("nnlite.optimizers.")
                   for name in ("update_step", "_create_slots"))

    def _flat_weights(self, variables: list[Variable]) -> FlatWeights | None:
        """The flat buffer of ``variables`` (packed on first use), or None: weight by weight."""
        flat = self._flat
        if flat is not None and flat.matches(variables):
            return flat
        if flat is not None:
            self._slots.pop(id(flat), None)
        self._flat = None
        if not (self._fusable() and FlatWeights.can_pack(variables)):
            return None
        self._flat = FlatWeights(variables)  # slots: packed by ``slots()`` on first use
        return self._flat

    def _before_step(self) -> None:
        """Hook run once per step before the per-weight updates (Nadam's μ product)."""

    #: attribute cycled by a schedule with a ``momentum(step)`` method (OneCycle)
    _momentum_attr: str | None = None

    def _cycle_momentum(self) -> None:
        momentum_fn = getattr(self._schedule, "momentum", None)
        if momentum_fn is None:
            return
        value = momentum_fn(self.iterations)
        if value is not None and self._momentum_attr is not None:
            setattr(self, self._momentum_attr, float(value))

    def apply_gradients(self, grads_and_vars) -> None:
        """Keras API: ``apply_gradients(zip(grads, variables))`` (None gradients skipped)."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        for grad, var in pairs:
            if np.shape(grad) != var.shape:
                raise ValueError(f"gradient of shape {np.shape(grad)} for variable "
                                 f"{var.name!r} of shape {var.shape}")
            var.grad[...] = grad
        self.apply([var for _, var in pairs])

    def minimize(self, loss_fn, var_list) -> None:
        """Not available: nnlite has no autodiff of arbitrary Python functions."""
        raise NotImplementedError(
            "nnlite optimizers apply gradients computed by model backprop; use "
            "model.fit/train_on_batch, or apply_gradients(zip(grads, vars))")

    # ------------------------------------------------------------------ state
    def _extra_state(self) -> dict[str, float]:
        """Optimizer-wide scalars beyond ``iterations`` (subclasses, e.g. Nadam)."""
        return {}

    def _set_extra_state(self, state: dict) -> None:
        """Restore what ``_extra_state`` returned."""

    def get_state(self, variables: list[Variable]) -> dict[str, np.ndarray]:
        """Everything needed to resume training exactly, as a flat dict of arrays.

        Keys: ``"iterations"``, ``"learning_rate"`` (the current constant rate),
        one ``"{i}/{slot}"`` per slot of ``variables[i]`` (only variables that
        have slots, i.e. that were updated), and optimizer-wide scalars such as
        Nadam's ``"u_product"``.  ``set_state(variables, state)`` restores it
        for the same variables in the same order (``model.save`` uses
        ``model.trainable_weights``).
        """
        placement = getattr(variables[0], "_placement", None) if variables else None
        if placement is not None and placement.host_stale:  # a cuda fit: slots on the device
            placement.pull()
        state = {"iterations": np.asarray(self.iterations, dtype=np.int64),
                 "learning_rate": np.asarray(self._lr._value, dtype=np.float64)}
        for key, value in self._extra_state().items():
            state[key] = np.asarray(value, dtype=np.float64)
        for i, var in enumerate(variables):
            for name, arr in self._slots.get(id(var), {}).items():
                state[f"{i}/{name}"] = arr.copy()
        return state

    def set_state(self, variables: list[Variable], state: dict) -> None:
        """Restore ``get_state``'s dict onto ``variables`` (checked before any change)."""
        slots: dict[int, dict[str, np.ndarray]] = {}
        for key, value in state.items():
            if "/" not in key:
                continue
            index, name = key.split("/", 1)
            i = int(index)
            if i >= len(variables):
                raise ValueError(f"{self.name}.set_state: slot {key!r} refers to variable {i} "
                                 f"but only {len(variables)} variables were given")
            var = variables[i]
            if np.shape(value) != var.shape:
                raise ValueError(f"{self.name}.set_state: slot {key!r} has shape "
                                 f"{np.shape(value)}, variable {var.name!r} has {var.shape}")
            slots.setdefault(id(var), {})[name] = np.array(value, dtype=var.dtype)
        self._slots = slots
        self._flat = None  # repacked (with these slots) at the next step
        self.iterations = int(np.asarray(state.get("iterations", 0)))
        if "learning_rate" in state and self._schedule is None:
            self._lr._value = float(np.asarray(state["learning_rate"]))
        self._sync_schedule_value()
        self._set_extra_state({k: float(np.asarray(v)) for k, v in state.items() if "/" not in k})

    # ----------------------------------------------------------------- config
    def get_config(self) -> dict:
        lr = self._schedule if self._schedule is not None else self._lr._value
        if hasattr(lr, "get_config"):
            lr = {"class_name": type(lr).__name__, "config": lr.get_config()}
        config = {"name": self.name, "learning_rate": lr, "decay": self.decay}
        for key in ("clipvalue", "clipnorm", "global_clipnorm"):
            if getattr(self, key) is not None:
                config[key] = getattr(self, key)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            from . import schedules
            config["learning_rate"] = schedules.deserialize(lr, custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} learning_rate={self._lr._value!r}>"
