"""The weights of one ``fit`` on the GPU: device mirrors of the optimizer's flat buffers.

The optimizer keeps every trainable weight, its gradient and each of its
slots (Adam's m and v, …) in one flat array apiece
(``nnlite.optimizers.optimizer.FlatWeights``).  :class:`DeviceWeights`
copies those arrays to the device once, at the start of ``fit``, and hands
out views of the device copies:

* inside :meth:`DeviceWeights.computing` (a training step) ``var.value`` and
  ``var.grad`` of every placed ``Variable`` are device arrays, so the layers
  call the ``cuda`` kernels with device arrays and nothing is copied;
* outside it they are the NumPy arrays; after a step has changed the device
  copy ("host copy stale") the first read copies value, gradient and slots
  back (``get_weights``, ``save``, a callback reading a weight);
* ``Variable.assign`` between steps (``set_weights``, ``load_weights``), or
  a step run on the host (:meth:`DeviceWeights.host_step`), marks the device
  copy stale: it is copied to the device before the next step.

Weights outside the flat buffer (those of frozen layers) are copied once and
only read on the device.  :meth:`DeviceWeights.release` (end of ``fit``)
copies back what changed and detaches every ``Variable``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

from . import transfers
from ._launch import device_empty


class DeviceFlat:
    """The device twin of a ``FlatWeights``: ``value`` and ``grad`` device arrays.

    It stands in for the flat buffer in ``Optimizer.update_step``, whose slots
    (device arrays) the optimizer finds under this object's id.
    """

    name = "flat_weights"
    constraint = None

    def __init__(self, value, grad):
        self.value, self.grad = value, grad


class Placement:
    """What a placed ``Variable`` (``var._placement``) tells the holder of its device copy."""

    def __init__(self, variables: list):
        self.variables = list(variables)
        self.inside = False  # inside computing(): the Variables show their device arrays
        self.device_stale = False  # the host copy was assigned since the last push
        self.replaced = False  # a Variable's array was replaced: this copy is no longer valid
        for var in self.variables:
            var._placement = self

    def host_written(self) -> None:
        """A weight was assigned on the host: copy to the device before the next step."""
        self.device_stale = True

    def host_replaced(self) -> None:
        """A weight's array was replaced: this placement no longer mirrors it."""
        self.replaced = True

    def detach(self) -> None:
        """Every ``Variable`` shows its host array again."""
        for var in self.variables:
            if var._placement is self:
                var._placement = None


class DeviceWeights(Placement):
    """Device copies of ``flat`` (value, grad, ``slots``) and of the ``others``' values."""

    def __init__(self, flat, slots: dict[str, np.ndarray], others: list):
        self.flat, self.host_slots = flat, slots
        self.device = DeviceFlat(transfers.to_device(flat.value),
                                 device_empty(flat.grad.shape, flat.grad.dtype))
        self.slots = {name: transfers.to_device(arr) for name, arr in slots.items()}
        self._views: dict[int, tuple] = {}
        for var, part in zip(flat.variables, flat.slices):
            shape = var._value.shape
            self._views[id(var)] = (self.device.value[part].reshape(shape),
                                    self.device.grad[part].reshape(shape))
        self.others = list(others)
        for var in self.others:
            self._views[id(var)] = (transfers.to_device(var._value),
                                    device_empty(var._value.shape, var._value.dtype))
        self.host_stale = False  # the device copy has changed since the last pull
        super().__init__(list(flat.variables) + self.others)

    # ------------------------------------------------------------- Variable
    def value_of(self, var):
        return self._current(var, 0)

    def grad_of(self, var):
        return self._current(var, 1)

    def _current(self, var, which: int):
        """Inside a step the device view, else the up-to-date host array: value (0), grad (1)."""
        if self.inside:
            return self._views[id(var)][which]
        if self.host_stale:
            self.pull()
        return var._grad if which else var._value

    # -------------------------------------------------------------- copying
    @contextlib.contextmanager
    def computing(self) -> Iterator[DeviceFlat]:
        """A training step: every placed ``Variable`` shows its device arrays."""
        if self.device_stale:
            self.push()
        self.inside = True
        try:
            yield self.device
        finally:
            self.inside = False

    @contextlib.contextmanager
    def host_step(self) -> Iterator[None]:
        """A training step on the host arrays: copied back first, to the device after."""
        if self.host_stale:
            self.pull()
        try:
            yield
        finally:
            self.device_stale = True

    def step_done(self) -> None:
        """The device copy changed (an optimizer step)."""
        self.host_stale = True

    def pull(self) -> None:
        """Copy values, gradients and optimizer slots back to the host arrays."""
        self.host_stale = False
        transfers.to_host(self.device.value, self.flat.value)
        transfers.to_host(self.device.grad, self.flat.grad)
        for name, arr in self.slots.items():
            transfers.to_host(arr, self.host_slots[name])

    def push(self) -> None:
        """Copy the host values and optimizer slots to the device (after ``assign``)."""
        self.device_stale = False
        transfers.to_device(self.flat.value, into=self.device.value)
        for name, arr in self.slots.items():
            transfers.to_device(self.host_slots[name], into=arr)
        for var in self.others:
            transfers.to_device(var._value, into=self._views[id(var)][0])

    def release(self) -> None:
        """Copy back what changed and detach every ``Variable`` (end of ``fit``)."""
        if self.host_stale and not self.replaced:
            self.pull()
        self.host_stale = False
        self.detach()


class DeviceValues(Placement):
    """Read-only device copies of some ``Variable`` values, for ``predict`` / ``evaluate``.

    The values are copied once, one flat array per dtype (usually one copy);
    inside :meth:`computing` every ``var.value`` is its device view.  An
    ``assign`` meanwhile (a callback's ``set_weights``) is copied again
    before the next batch; :meth:`release` detaches every ``Variable``.
    """

    def __init__(self, variables: list):
        self._views: dict[int, object] = {}
        self._flats: list[tuple[list, object]] = []
        for dtype in dict.fromkeys(v._value.dtype for v in variables):
            group = [v for v in variables if v._value.dtype == dtype]
            flat = transfers.to_device(self._concatenated(group))
            self._flats.append((group, flat))
            start = 0
            for var in group:
                size = var._value.size
                self._views[id(var)] = flat[start:start + size].reshape(var._value.shape)
                start += size
        super().__init__(variables)

    @staticmethod
    def _concatenated(group: list) -> np.ndarray:
        return np.concatenate([v._value.reshape(-1) for v in group])

    def value_of(self, var):
        return self._views[id(var)] if self.inside else var._value

    def grad_of(self, var):
        return var._grad

    @contextlib.contextmanager
    def computing(self) -> Iterator[None]:
        """A forward pass: every placed ``Variable`` shows its device copy."""
        if self.replaced:
            raise RuntimeError("a weight array was replaced during a cuda predict/evaluate; "
                               "nnlite cannot keep the device copy in step with it")
        if self.device_stale:
            self.device_stale = False
            for group, flat in self._flats:
                transfers.to_device(self._concatenated(group), into=flat)
        self.inside = True
        try:
            yield
        finally:
            self.inside = False

    def release(self) -> None:
        """Detach every ``Variable`` (the device copies are freed with this object)."""
        self.detach()
